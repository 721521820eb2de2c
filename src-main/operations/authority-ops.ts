/** Intermediate generations: listed, shown, revoked (with the root's CRL), and their CRLs published per issuer. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { GenerationStatus, IntermediateGeneration } from '../../shared/domain/authorities';
import { rejected } from '../../shared/errors';
import { toArrayBuffer } from '../engine/bytes';
import type { IssuedCrl } from '../engine/crl';
import { inspectCertificate } from '../engine/inspect';
import { normaliseSerial } from '../engine/serial';
import { x509 } from '../engine/x509';
import { safeName, type OutputFile } from '../exports/folder';
import type { Inventory, IntermediateRecord } from '../store/inventory';
import { reserveFolder, type Reservation } from '../exports/reservation';
import { currentSession, type OperationContext } from './context';
import { writeJournaledExport } from './export-ops';
import { ceremonyFor, recordOf, rootSourceOf } from './custody-ops';

/** A destination claimed before anything is signed or journaled; released if the operation stops before the journal. */
async function claimedFirst<T>(reservation: Reservation | null, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await reservation?.release();
    throw error;
  }
}

/** A generation's status now: revoked and expired override the rest. */
export function generationStatus(inventory: Inventory, record: IntermediateRecord, now: number): GenerationStatus {
  if (record.revocation) return 'revoked';
  if (certificateOf(record).notAfter.getTime() < now) return 'expired';
  if (record.external) return 'external';
  return inventory.intermediate?.serial === record.serial ? 'active' : 'retired';
}

export function generationView(
  inventory: Inventory,
  record: IntermediateRecord,
  now: number,
  /** Whether its key can sign in this session (a token generation's once its PIN opened it). */
  signsHere: (serial: string) => boolean = () => false,
): IntermediateGeneration {
  const detail = inspectCertificate(Buffer.from(record.certificate, 'base64'));
  return {
    serial: record.serial,
    subject: detail.subject,
    key: detail.publicKey,
    notBefore: detail.notBefore,
    notAfter: detail.notAfter,
    status: generationStatus(inventory, record, now),
    origin: record.origin,
    issued: record.issued,
    crlNumber: record.crl.lastNumber,
    nextUpdate: record.crl.nextUpdate ?? null,
    issuedCrlUrl: record.issuedCrlUrl ?? null,
    issuedAiaUrl: record.issuedAiaUrl ?? null,
    revokedAt: record.revocation?.at ?? null,
    ...(record.external ? { external: true } : {}),
    ...(record.token
      ? { token: { serial: record.token.serial, keyId: record.token.keyId, open: signsHere(record.serial) } }
      : {}),
  };
}

export async function listIntermediatesOperation(context: OperationContext): Promise<ResponseOf<'listIntermediates'>> {
  const session = currentSession(context);
  const inventory = session.inventory;
  const now = Date.now();
  const signsHere = (serial: string) => session.canSign(serial);
  return {
    intermediates: [...inventory.intermediates.values()].map((record) =>
      generationView(inventory, record, now, signsHere),
    ),
  };
}

/** The root or an intermediate generation, by serial. */
export async function showAuthorityOperation(
  context: OperationContext,
  request: RequestOf<'showAuthority'>,
): Promise<ResponseOf<'showAuthority'>> {
  const session = currentSession(context);
  const inventory = session.inventory;
  const serial = normaliseSerial(request.serial);
  const record = serial ? inventory.intermediates.get(serial) : undefined;
  if (record)
    return {
      kind: 'intermediate',
      generation: generationView(inventory, record, Date.now(), (one) => session.canSign(one)),
      detail: inspectCertificate(Buffer.from(record.certificate, 'base64')),
    };
  const root = Buffer.from(session.chainRoot());
  if (serial && normaliseSerial(new x509.X509Certificate(root).serialNumber) === serial)
    return { kind: 'root', generation: null, detail: inspectCertificate(root) };
  throw rejected('not-found', `No certificate with serial ${request.serial} is in this store.`);
}

export async function revokeAuthorityOperation(
  context: OperationContext,
  request: RequestOf<'revokeAuthority'>,
  version = '',
): Promise<ResponseOf<'revokeAuthority'>> {
  const session = currentSession(context);
  const source = rootSourceOf(request, context);
  const ceremony = ceremonyFor(context, request, 'intermediate-revoke', version);
  // The root CRL's folder is named by the number it will get, and claimed before the root signs it.
  const folder = request.destination
    ? path.join(
        context.destinations.folder(request.destination),
        `root-crl-${session.inventory.crls.root.lastNumber + 1}`,
      )
    : null;
  const reservation = folder ? reserveFolder(folder, false) : null;
  const revoked = await claimedFirst(reservation, () =>
    session.revokeIntermediate(request.serial, request.reason ?? 'unspecified', source, request.days, ceremony),
  );
  const rootCrl = crlSummary(revoked.crl);
  const written = folder
    ? await writeJournaledExport(
        context,
        folder,
        [
          { name: 'root.crl.pem', data: rootCrl.pem },
          { name: 'root.crl', data: revoked.crl.der },
        ],
        'crl',
        `${session.inventory.rootLeaves.has(revoked.serial) ? 'Certificate' : 'Intermediate'} ${revoked.serial} was revoked and the root CRL number ${revoked.crl.crlNumber} signed and journaled`,
        'Sign the root CRL again (crl --ca root) and publish that one.',
      )
    : null;
  return {
    serial: revoked.serial,
    head: revoked.head,
    rootCrl,
    wasActive: revoked.wasActive,
    written,
    ...recordOf(ceremony),
  };
}

/**
 * Every generation that still signs gets its new CRL; each is written as
 * DER (what CRL URLs serve) and PEM, beside the generation's certificate,
 * named as their URLs name them, so the folder is ready to publish.
 */
export async function generateIssuerCrlsOperation(
  context: OperationContext,
  request: RequestOf<'generateIssuerCrls'>,
): Promise<ResponseOf<'generateIssuerCrls'>> {
  const session = currentSession(context);
  const chosen = context.destinations.folder(request.destination);
  // A folder the officer chose exists already: the app asks for a new one inside it, named by the time.
  const folder = request.subfolder ? path.join(chosen, `crls-${compactUtc(new Date())}`) : chosen;
  const reservation = reserveFolder(folder, request.force ?? false);
  const signed = await claimedFirst(reservation, () => session.generateIssuerCrls(request.days));
  const now = Date.now();
  const files: OutputFile[] = [];
  const crls = signed.map(({ issuer, crl }) => {
    const names = publicationNames(issuer);
    files.push(
      { name: names.crl, data: crl.der },
      { name: `${names.crl}.pem`, data: crlPem(crl) },
      { name: names.certificate, data: Buffer.from(issuer.certificate, 'base64') },
    );
    return {
      issuer: issuer.serial,
      subject: certificateOf(issuer).subject,
      status: generationStatus(session.inventory, issuer, now),
      crlNumber: crl.crlNumber,
      thisUpdate: crl.thisUpdate.toISOString(),
      nextUpdate: crl.nextUpdate.toISOString(),
      entries: crl.entries,
      crlFile: names.crl,
      certificateFile: names.certificate,
    };
  });
  const written = await writeJournaledExport(
    context,
    folder,
    files,
    'crl-publication',
    `${crls.length} CRL(s) were signed and journaled`,
    'Their numbers are used; sign the CRLs again and publish those.',
    request.force ?? false,
  );
  return { crls, written };
}

/** "20261129T155600Z": a UTC time that sorts and makes a file name. */
function compactUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** The last path part of a URL, when it makes a plain file name; else the CA's name and serial. */
export function publicationNames(record: IntermediateRecord): { crl: string; certificate: string } {
  const base = `${safeName(commonName(record))}-${record.serial.slice(0, 8)}`;
  return {
    crl: lastPathPart(record.issuedCrlUrl) ?? `${base}.crl`,
    certificate: lastPathPart(record.issuedAiaUrl) ?? `${base}.cer`,
  };
}

function lastPathPart(url: string | undefined): string | null {
  if (!url) return null;
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return last && safeName(last) === last.toLowerCase() && !last.startsWith('.') ? last : null;
}

function commonName(record: IntermediateRecord): string {
  const certificate = certificateOf(record);
  return certificate.subjectName.getField('CN')[0] ?? certificate.subject;
}

function certificateOf(record: IntermediateRecord): x509.X509Certificate {
  return new x509.X509Certificate(Buffer.from(record.certificate, 'base64'));
}

export function crlPem(crl: IssuedCrl): string {
  return `${x509.PemConverter.encode(toArrayBuffer(crl.der), 'X509 CRL')}\n`;
}

function crlSummary(crl: IssuedCrl) {
  return {
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    entries: crl.entries,
    pem: crlPem(crl),
  };
}

/**
 * The root's CRLs signed ahead, each a DER `.crl` named with its publication
 * date, and a README.txt that says when to publish which.
 */
export async function scheduleRootCrlsOperation(
  context: OperationContext,
  request: RequestOf<'scheduleRootCrls'>,
  version = '',
): Promise<ResponseOf<'scheduleRootCrls'>> {
  const session = currentSession(context);
  const source = rootSourceOf(request, context);
  const ceremony = ceremonyFor(context, request, 'root-crl-schedule', version);
  const previous = session.inventory.rootSchedule;
  const graceDays = request.graceDays ?? 14;
  const chosen = context.destinations.folder(request.destination);
  // Named by its first CRL number, as a revocation's root CRL folder is: never the same twice.
  const folder = request.subfolder
    ? path.join(chosen, `root-crl-schedule-${session.inventory.crls.root.lastNumber + 1}`)
    : chosen;
  const reservation = reserveFolder(folder, request.force ?? false);
  const crls = await claimedFirst(reservation, () =>
    session.generateRootCrlSchedule(
      source,
      { count: request.count, intervalDays: request.intervalDays, graceDays },
      ceremony,
    ),
  );
  const listed = crls.map((crl) => ({
    crlNumber: crl.crlNumber,
    publishOn: crl.publishOn.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    file: `root-crl-${crl.publishOn.toISOString().slice(0, 10)}-${crl.crlNumber}.crl`,
  }));
  const files: OutputFile[] = crls.map((crl, index) => ({ name: listed[index]!.file, data: crl.der }));
  files.push({
    name: 'README.txt',
    data: scheduleReadme(listed, request.intervalDays, graceDays, previous?.at ?? null),
  });
  const written = await writeJournaledExport(
    context,
    folder,
    files,
    'root-crl-schedule',
    `${crls.length} root CRLs were signed ahead and journaled`,
    'Their numbers are used; sign the schedule again and publish that one.',
    request.force ?? false,
  );
  return { crls: listed, supersedes: previous?.at ?? null, written, ...recordOf(ceremony) };
}

function scheduleReadme(
  crls: readonly { crlNumber: number; publishOn: string; nextUpdate: string; file: string }[],
  intervalDays: number,
  graceDays: number,
  supersedes: string | null,
): string {
  return [
    "The root CA's CRLs, signed ahead",
    '',
    `${crls.length} CRLs, one every ${intervalDays} days, each valid ${graceDays} days past the next one's date.`,
    "Publish each at the root's CRL URL on its date (not before: its thisUpdate is that date), and always before",
    "the previous one's next update passes.",
    '',
    ...crls.map(
      (crl) =>
        `  ${crl.publishOn.slice(0, 10)}  ${crl.file}  (CRL number ${crl.crlNumber}, valid until ${crl.nextUpdate})`,
    ),
    '',
    'Any revocation by the root (an intermediate revoked) makes the rest of this schedule obsolete:',
    'publish the root CRL that revocation signed, then sign a new schedule and discard the remaining files of this one.',
    ...(supersedes
      ? ['', `This schedule supersedes the one signed on ${supersedes}: discard the remaining files of that one.`]
      : []),
    '',
  ].join('\n');
}
