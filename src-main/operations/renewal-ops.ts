/**
 * Batch renewal: every valid certificate expiring within N days (or the ones
 * chosen) whose key was made here is renewed in one operation and one
 * journal append, each into its own bundle folder as `issue` writes it;
 * those whose key came with a request (or an import) are listed for their
 * owners to send a new request. Destinations are claimed before anything is
 * signed; a failure to write after the append is a partial success.
 */
import { X509Certificate, createHash } from 'node:crypto';
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { KeyAlgorithm } from '../../shared/domain/pki';
import type { RenewBatchResponse } from '../../shared/domain/renewal';
import { RootkeeperError, rejected } from '../../shared/errors';
import { bundleFiles, bundleNameFor } from '../exports/bundle';
import { writeExportFolders, type WrittenFolder } from '../exports/folder';
import { reserveFolders, type Reservation } from '../exports/reservation';
import type { Session } from '../store/session';
import type { Renewed } from '../store/session/renewal';
import type { CertificateRecord, Inventory } from '../store/inventory';
import { partialSuccess } from '../store/transaction';
import { wipe } from '../vault/secrets';
import { currentSession, type OperationContext } from './context';
import { checkExportPassphrase } from './issuing-ops';

const DAY = 86_400_000;

interface Selection {
  readonly renew: CertificateRecord[];
  readonly needRequest: RenewBatchResponse['needRequest'];
  readonly alreadyRenewed: RenewBatchResponse['alreadyRenewed'];
}

export async function renewBatchOperation(
  context: OperationContext,
  request: RequestOf<'renewBatch'>,
): Promise<ResponseOf<'renewBatch'>> {
  if ((request.expiringWithinDays === undefined) === (request.serials === undefined))
    throw rejected('invalid-option', 'Give either the days within which certificates expire, or the serials to renew.');
  const keyPassphrase = checkedKeyPassphrase(request);
  const session = currentSession(context);
  const destination = context.destinations.folder(request.destination);
  // A serial chosen twice is renewed once.
  const candidates = request.serials
    ? [...new Set(request.serials.map((serial) => session.findCertificate(serial)))]
    : expiring(session.inventory, request.expiringWithinDays!, Date.now());
  const selection = await select(session, candidates);
  if (selection.renew.length === 0) return { renewed: [], ...lists(selection) };

  const folders = uniqueFolders(selection.renew);
  let reserved: Reservation[] = [];
  let renewed: Renewed[];
  try {
    renewed = await session.renewBatch(
      selection.renew.map((record) => record.serial),
      { key: request.key as 'same' | KeyAlgorithm, ...(request.days ? { days: request.days } : {}) },
      () => {
        reserved = reserveFolders(
          folders.map((folder) => path.join(destination, folder)),
          request.force ?? false,
        );
      },
    );
  } catch (error) {
    for (const reservation of reserved) await reservation.release();
    throw error;
  }
  try {
    const written = await writeBundles(session, destination, folders, renewed, keyPassphrase, request.force ?? false);
    return {
      renewed: renewed.map(({ previous, issued }, index) => ({
        oldSerial: previous.serial,
        newSerial: issued.serialNumber,
        subject: previous.subject,
        notAfter: issued.certificate.notAfter.toISOString(),
        folder: written[index]!.folder,
        files: [...written[index]!.files],
      })),
      ...lists(selection),
    };
  } finally {
    for (const { privateKey } of renewed) if (privateKey) wipe(privateKey);
  }
}

/** The GUI's "Renew N…": what a renewal of the selection would renew, counted before anything is asked. */
export async function planRenewalOperation(
  context: OperationContext,
  request: RequestOf<'planRenewal'>,
): Promise<ResponseOf<'planRenewal'>> {
  const session = currentSession(context);
  const candidates = [...new Set(request.serials.map((serial) => session.findCertificate(serial)))];
  const selection = await select(session, candidates);
  return {
    renew: selection.renew.map((record) => ({
      serial: record.serial,
      subject: record.subject,
      notAfter: record.notAfter,
    })),
    ...lists(selection),
  };
}

function checkedKeyPassphrase(request: RequestOf<'renewBatch'>): string | null | undefined {
  if (request.key === 'same') {
    if (request.keyPassphrase !== undefined)
      throw rejected('invalid-option', 'A renewal on the same keys writes no keys, so it takes no key passphrase.');
    return undefined;
  }
  if (request.keyPassphrase === undefined)
    throw rejected(
      'invalid-option',
      'Renewals with new keys need a key passphrase, or null to write the keys unencrypted.',
    );
  checkExportPassphrase(request.keyPassphrase, 'key passphrase');
  return request.keyPassphrase;
}

/** Valid (not revoked, not expired) certificates whose notAfter falls within the window, in issue order. */
function expiring(inventory: Inventory, days: number, now: number): CertificateRecord[] {
  const horizon = now + days * DAY;
  return [...inventory.certificates.values()].filter((record) => {
    const notAfter = Date.parse(record.notAfter);
    return !record.revocation && notAfter >= now && notAfter <= horizon;
  });
}

async function select(session: Session, candidates: readonly CertificateRecord[]): Promise<Selection> {
  const { inventory } = session;
  const selection: Selection = { renew: [], needRequest: [], alreadyRenewed: [] };
  const origins = await keyOrigins(session, candidates);
  for (const record of candidates) {
    const listed = { serial: record.serial, subject: record.subject, notAfter: record.notAfter };
    const successor = record.renewedBy ? inventory.certificates.get(record.renewedBy) : undefined;
    if (successor && !successor.revocation) selection.alreadyRenewed.push({ ...listed, renewedBy: successor.serial });
    else {
      const origin = origins.get(record.serial)!;
      if (origin === 'here') selection.renew.push(record);
      else selection.needRequest.push({ ...listed, why: origin });
    }
  }
  return selection;
}

function lists(selection: Selection) {
  return { needRequest: selection.needRequest, alreadyRenewed: selection.alreadyRenewed };
}

type KeyOrigin = 'here' | 'csr' | 'imported';

/**
 * Where each candidate's key came from, by serial. A renewal on the same key
 * keeps the key of the certificate it renewed, so the earliest certificate
 * of the store with the same public key tells: a key made here (issued with
 * a generated key, or a renewal that made a new one), a request's, or an
 * import's. The store's certificates are read back from the journal only
 * when a renewal needs it.
 */
async function keyOrigins(session: Session, candidates: readonly CertificateRecord[]): Promise<Map<string, KeyOrigin>> {
  const origins = new Map<string, KeyOrigin>();
  const renewals = new Set<string>();
  for (const record of candidates) {
    if (record.source === 'renewal') renewals.add(record.serial);
    else origins.set(record.serial, record.source === 'generated-key' ? 'here' : record.source);
  }
  if (renewals.size === 0) return origins;
  const earliest = new Map<string, CertificateRecord['source']>();
  const keyOf = new Map<string, string>();
  // Read back in journal order, which is issue order: the first certificate seen with a key is its origin.
  await session.forEachCertificate([...session.inventory.certificates.values()], (record, der) => {
    const digest = spkiDigest(der);
    if (!earliest.has(digest)) earliest.set(digest, record.source);
    if (renewals.has(record.serial)) keyOf.set(record.serial, digest);
  });
  for (const serial of renewals) {
    const first = earliest.get(keyOf.get(serial)!)!;
    origins.set(serial, first === 'csr' || first === 'imported' ? first : 'here');
  }
  return origins;
}

function spkiDigest(der: Buffer): string {
  const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}

/** Each bundle's folder, as `issue` names it (its first DNS name), made unique within the batch. */
function uniqueFolders(records: readonly CertificateRecord[]): string[] {
  const used = new Set<string>();
  return records.map((record) => {
    const base = bundleNameFor(record.sans, record.subject);
    let name = base;
    for (let suffix = 2; used.has(name); suffix++) name = `${base}-${suffix}`;
    used.add(name);
    return name;
  });
}

/** The bundles of the renewed certificates, written and journaled; after the append, failures are partial. */
async function writeBundles(
  session: Session,
  destination: string,
  folders: readonly string[],
  renewed: readonly Renewed[],
  keyPassphrase: string | null | undefined,
  force: boolean,
): Promise<WrittenFolder[]> {
  const chain = session.chain();
  const serials = renewed.map(({ issued }) => issued.serialNumber);
  const madeKeys = keyPassphrase !== undefined;
  let written: WrittenFolder[];
  try {
    const bundles = await Promise.all(
      renewed.map(async ({ issued, privateKey }, index) => ({
        folder: path.join(destination, folders[index]!),
        files: (
          await bundleFiles({
            certificate: issued.der,
            ...chain,
            ...(privateKey ? { privateKey: { pkcs8: privateKey, passphrase: keyPassphrase ?? null } } : {}),
          })
        ).files,
      })),
    );
    written = await writeExportFolders(bundles, { force });
  } catch (error) {
    if (error instanceof RootkeeperError && error.code === 'PARTIAL') throw error;
    throw partialSuccess(
      `${serials.length} certificate(s) were renewed and journaled (${serials.join(', ')})`,
      `their bundles could not all be written in ${destination}`,
      error,
      madeKeys
        ? 'Their new keys existed only in those bundles: revoke the new certificates (reason superseded) and run the renewal again.'
        : 'The certificates are in the store (rootkeeper show SERIAL --pem); the servers keep their keys.',
    );
  }
  try {
    await session.note(
      written.map((folder) => ({
        type: 'export-written' as const,
        at: new Date().toISOString(),
        kind: 'bundle',
        folder: folder.folder,
        files: folder.files.map(({ name, sha256 }) => ({ name, sha256 })),
      })),
    );
  } catch (error) {
    throw partialSuccess(
      `${serials.length} certificate(s) were renewed and journaled and their bundles written in ${destination}`,
      'the journal could not record the bundles',
      error,
      'The certificates and bundles are complete; only the record of the export is missing.',
    );
  }
  return written;
}
