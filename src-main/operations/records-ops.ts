/** Revocation, CRLs, the inventory and single certificates. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { inspectCertificate } from '../engine/inspect';
import { toArrayBuffer } from '../engine/bytes';
import { x509 } from '../engine/x509';
import { queryCertificates } from './certificate-query';
import { currentSession, type OperationContext } from './context';
import { writeExport } from './export-ops';
import { ceremonyFor, recordOf, rootSourceOf } from './custody-ops';
import { rejected } from '../../shared/errors';
import { summarise } from './summaries';

export async function revokeOperation(
  context: OperationContext,
  request: RequestOf<'revoke'>,
): Promise<ResponseOf<'revoke'>> {
  const session = currentSession(context);
  const serial = session.findCertificate(request.serial).serial;
  const head = await session.revoke(serial, request.reason ?? 'unspecified');
  return { serial, head };
}

export async function generateCrlOperation(
  context: OperationContext,
  request: RequestOf<'generateCrl'>,
  version = '',
): Promise<ResponseOf<'generateCrl'>> {
  const session = currentSession(context);
  const ceremony = request.ca === 'root' ? ceremonyFor(context, request, 'root-crl', version) : undefined;
  if (request.ca !== 'root' && (request.ceremony || request.rootShares)) {
    throw rejected(
      'invalid-option',
      'The intermediate signs its own CRL: the root, its shares and a ceremony are not involved.',
    );
  }
  const crl =
    request.ca === 'root'
      ? await session.generateRootCrl(rootSourceOf(request), request.days, ceremony)
      : await session.generateCrl(request.days);
  const pem = `${x509.PemConverter.encode(toArrayBuffer(crl.der), 'X509 CRL')}\n`;
  // Named by CA and number, so successive CRLs sit side by side on the stick.
  const written = request.destination
    ? await writeExport(
        context,
        path.join(context.destinations.folder(request.destination), `${request.ca}-crl-${crl.crlNumber}`),
        [
          { name: `${request.ca}.crl.pem`, data: pem },
          { name: `${request.ca}.crl`, data: crl.der },
        ],
        'crl',
      )
    : null;
  return {
    ca: request.ca,
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    entries: crl.entries,
    pem,
    written,
    ...recordOf(ceremony),
  };
}

export async function listCertificatesOperation(
  context: OperationContext,
  request: RequestOf<'listCertificates'>,
): Promise<ResponseOf<'listCertificates'>> {
  const { query, ...rest } = request;
  return queryCertificates(
    currentSession(context).inventory.certificates.values(),
    { text: query, ...rest },
    Date.now(),
  );
}

export async function showCertificateOperation(
  context: OperationContext,
  request: RequestOf<'showCertificate'>,
): Promise<ResponseOf<'showCertificate'>> {
  const record = currentSession(context).findCertificate(request.serial);
  return {
    summary: summarise(record, Date.now()),
    detail: inspectCertificate(Buffer.from(record.certificate, 'base64')),
  };
}
