/** Revocation, CRLs, the inventory and single certificates. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { inspectCertificate } from '../engine/inspect';
import { toArrayBuffer } from '../engine/bytes';
import { x509 } from '../engine/x509';
import { queryCertificates } from './certificate-query';
import { currentSession, type OperationContext } from './context';
import { writeExport } from './export-ops';
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
): Promise<ResponseOf<'generateCrl'>> {
  const session = currentSession(context);
  const crl =
    request.ca === 'root'
      ? await session.generateRootCrl(request.rootPassphrase ?? '', request.days)
      : await session.generateCrl(request.days, request.issuer);
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
