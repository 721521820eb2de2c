/** Revocation, CRLs, the inventory and single certificates. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { IssuedCrl } from '../engine/crl';
import { inspectCertificate } from '../engine/inspect';
import { toArrayBuffer } from '../engine/bytes';
import { x509 } from '../engine/x509';
import { queryCertificates } from './certificate-query';
import { currentSession, type OperationContext } from './context';
import { crlKitFiles } from '../exports/crl-kit';
import { writeJournaledExport } from './export-ops';
import { namesOf, reserveFolder, type Reservation } from '../exports/reservation';
import { ceremonyFor, recordOf, rootSourceOf } from './custody-ops';
import { rejected } from '../../shared/errors';
import { summarise } from './summaries';
import { normaliseSerial } from '../engine/serial';
import type { CertificateRecord, Inventory, RootLeafRecord } from '../store/inventory';

export async function revokeOperation(
  context: OperationContext,
  request: RequestOf<'revoke'>,
): Promise<ResponseOf<'revoke'>> {
  const session = currentSession(context);
  const rootLeaf = findRootLeaf(session.inventory, request.serial);
  if (rootLeaf)
    throw rejected(
      'policy',
      `Certificate ${rootLeaf.serial} was signed by the root itself (imported from a single-tier CA): revoking it needs the root passphrase, and the root signs its new CRL at once (rootkeeper revoke ${rootLeaf.serial} --root-passin …; in the app, Revoke… asks for it).`,
    );
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
  if (request.ca !== 'root' && (request.ceremony || request.rootShares || request.rootTokenPin !== undefined)) {
    throw rejected(
      'invalid-option',
      'The intermediate signs its own CRL: the root, its shares and a ceremony are not involved.',
    );
  }
  const source = request.ca === 'root' ? rootSourceOf(request, context) : null;
  const ceremony = request.ca === 'root' ? ceremonyFor(context, request, 'root-crl', version) : undefined;
  const destination = request.destination ? context.destinations.folder(request.destination) : null;
  const claimed: { reservation?: Reservation } = {};
  // A generation other than the active one is named by its serial: its CRL numbers are its own.
  const issuerTag = request.ca === 'intermediate' && request.issuer ? `-${request.issuer.slice(0, 8)}` : '';
  // Named by CA and number, so successive CRLs sit side by side on the stick; claimed before the number is used up.
  const claim = async (crl: IssuedCrl) => {
    if (destination)
      claimed.reservation = reserveFolder(
        path.join(destination, `${request.ca}${issuerTag}-crl-${crl.crlNumber}`),
        false,
        namesOf([{ name: `${request.ca}.crl.pem` }, { name: `${request.ca}.crl` }]),
      );
  };
  let crl: IssuedCrl;
  try {
    crl =
      request.ca === 'root'
        ? await session.generateRootCrl(source!, request.days, claim, ceremony)
        : await session.generateCrl(request.days, request.issuer, claim);
  } catch (error) {
    await claimed.reservation?.release();
    throw error;
  }
  const pem = `${x509.PemConverter.encode(toArrayBuffer(crl.der), 'X509 CRL')}\n`;
  const written = claimed.reservation
    ? await writeJournaledExport(
        context,
        claimed.reservation.path,
        crlKitFiles([{ name: request.ca, der: crl.der }]),
        'crl',
        `The ${request.ca} CRL number ${crl.crlNumber} was signed and journaled`,
        'Its number is used; generate the next CRL and publish that one.',
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
  const { certificates, rootLeaves } = currentSession(context).inventory;
  return queryCertificates(both(certificates.values(), rootLeaves.values()), { text: query, ...rest }, Date.now());
}

/** The intermediates' leaves, then the leaves an imported root signed itself. */
function* both(first: Iterable<CertificateRecord>, second: Iterable<CertificateRecord>): Iterable<CertificateRecord> {
  yield* first;
  yield* second;
}

/** A leaf an imported single-tier root signed, by serial (any case, colons allowed). */
export function findRootLeaf(inventory: Inventory, serialText: string): RootLeafRecord | undefined {
  const serial = normaliseSerial(serialText);
  return serial ? inventory.rootLeaves.get(serial) : undefined;
}

export async function showCertificateOperation(
  context: OperationContext,
  request: RequestOf<'showCertificate'>,
): Promise<ResponseOf<'showCertificate'>> {
  const session = currentSession(context);
  const record = findRootLeaf(session.inventory, request.serial) ?? session.findCertificate(request.serial);
  return {
    summary: summarise(record, Date.now()),
    detail: inspectCertificate(await session.certificateDer(record)),
  };
}
