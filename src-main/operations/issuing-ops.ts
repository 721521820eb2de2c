/** Issuing: a certificate with a key made here, and CSRs dropped by the officer, each with its bundle. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { RootkeeperError, rejected } from '../../shared/errors';
import { parseCsr } from '../engine/csr';
import { bundleFiles, bundleNameFor, factsOf, type Bundle } from '../exports/bundle';
import { writeExportFolder, writeExportFolders, type WrittenFolder } from '../exports/folder';
import { partialSuccess } from '../store/transaction';
import { BatchRefusal, type BatchIssued, type Session } from '../store/session';
import type { IssuedCertificate } from '../engine/profiles/common';
import type { SigningPlan } from '../../shared/domain/csr';
import type { JournalEvent } from '../../shared/domain/journal';
import type { KeyAlgorithm } from '../../shared/domain/pki';
import { wipe } from '../vault/secrets';
import { currentSession, type OperationContext } from './context';
import { namesOf, reserveFolder, reserveFolders, type Reservation } from '../exports/reservation';
import { FLAT_BATCH_FILES, flatFiles } from '../exports/flat';
import { summarise } from './summaries';

/** Keys leave the CA on a USB stick: their passphrase must be worth the name. */
const MIN_EXPORT_PASSPHRASE = 12;

export function checkExportPassphrase(passphrase: string | null | undefined, what: string): void {
  if (passphrase != null && [...passphrase].length < MIN_EXPORT_PASSPHRASE) {
    throw rejected('policy', `The ${what} must have at least ${MIN_EXPORT_PASSPHRASE} characters.`);
  }
}

export async function issueCertificateOperation(
  context: OperationContext,
  request: RequestOf<'issueCertificate'>,
): Promise<ResponseOf<'issueCertificate'>> {
  checkExportPassphrase(request.keyPassphrase, 'key passphrase');
  checkExportPassphrase(request.pkcs12?.password, 'PKCS#12 password');
  const session = currentSession(context);
  const destination = context.destinations.folder(request.destination);
  const pending = new PendingBundle(destination, request.force ?? false);
  const made = await pending.claimedBy(() =>
    session.issue(
      {
        profile: request.profile,
        subject: [{ type: 'CN', value: request.commonName }],
        sans: request.sans,
        ...(request.days ? { days: request.days } : {}),
        ...(request.key ? { key: request.key } : {}),
      },
      (made) =>
        pending.prepare(session, made.issued, {
          key: { pkcs8: made.privateKey, passphrase: request.keyPassphrase },
          ...(request.pkcs12 ? { pkcs12: request.pkcs12 } : {}),
        }),
    ),
  );
  wipe(made.privateKey);
  return pending.write(session, made.issued, true);
}

/**
 * Renewal: the same names again, on the same key (the server keeps its key;
 * the bundle has no key in it) or on a new one made here (the bundle carries
 * it, encrypted as for a new certificate). The old certificate stays valid
 * until the officer revokes it, so the server can be switched over first.
 */
export async function renewCertificateOperation(
  context: OperationContext,
  request: RequestOf<'renewCertificate'>,
): Promise<ResponseOf<'renewCertificate'>> {
  const session = currentSession(context);
  const destination = context.destinations.folder(request.destination);
  const pending = new PendingBundle(destination, request.force ?? false);
  if (request.key === 'same') {
    if (request.keyPassphrase !== undefined)
      throw rejected('invalid-option', 'A renewal on the same key writes no key, so it takes no key passphrase.');
    const issued = await pending.claimedBy(() =>
      session.renew(request.serial, request.days, (issued) => pending.prepare(session, issued)),
    );
    return pending.write(session, issued, false);
  }
  if (request.keyPassphrase === undefined)
    throw rejected(
      'invalid-option',
      'A renewal with a new key needs a key passphrase, or null to write the key unencrypted.',
    );
  checkExportPassphrase(request.keyPassphrase, 'key passphrase');
  const keyPassphrase = request.keyPassphrase;
  const made = await pending.claimedBy(() =>
    session.renewWithNewKey(request.serial, request.key as KeyAlgorithm, request.days, (made) =>
      pending.prepare(session, made.issued, { key: { pkcs8: made.privateKey, passphrase: keyPassphrase } }),
    ),
  );
  wipe(made.privateKey);
  return pending.write(session, made.issued, true);
}

/**
 * A new certificate's bundle, in three steps around the journal append:
 * built and its folder claimed once the certificate is signed but before it
 * is journaled (a refusal there leaves nothing on record), written after.
 */
class PendingBundle {
  private bundle: Bundle | null = null;
  private reservation: Reservation | null = null;

  constructor(
    private readonly destination: string,
    private readonly force: boolean,
  ) {}

  /** Runs the signing; if it stops before the journal append, the claimed folder is given back. */
  async claimedBy<T>(sign: () => Promise<T>): Promise<T> {
    try {
      return await sign();
    } catch (error) {
      await this.reservation?.release();
      throw error;
    }
  }

  async prepare(
    session: Session,
    issued: IssuedCertificate,
    secrets: {
      key?: { pkcs8: Buffer; passphrase: string | null };
      pkcs12?: { profile: 'modern' | 'compatible'; password: string };
    } = {},
  ): Promise<void> {
    const bundle = await bundleFiles({
      certificate: issued.der,
      ...session.chain(),
      journalHead: session.head,
      ...(secrets.key ? { privateKey: secrets.key } : {}),
      ...(secrets.pkcs12 ? { pkcs12: secrets.pkcs12 } : {}),
    });
    this.reservation = reserveFolder(path.join(this.destination, bundle.name), this.force, namesOf(bundle.files));
    this.bundle = bundle;
  }

  /** After the journal append: a failure here is a partial success that says what to do. */
  async write(
    session: Session,
    issued: IssuedCertificate,
    keyMadeHere: boolean,
  ): Promise<ResponseOf<'issueCertificate'>> {
    const folder = this.reservation!.path;
    const serial = issued.serialNumber;
    let written: WrittenFolder;
    try {
      written = await writeExportFolder(folder, this.bundle!.files, { force: this.force });
    } catch (error) {
      throw partialSuccess(
        `Certificate ${serial} was issued and journaled`,
        `its bundle could not be written to ${folder}`,
        error,
        keyMadeHere
          ? `Its private key existed only in that bundle and is lost: revoke the certificate (rootkeeper revoke --serial ${serial} --reason superseded) and issue a new one.`
          : `Write the bundle again with rootkeeper export bundle --serial ${serial} --out DIR.`,
      );
    }
    const files = written.files.map(({ name, sha256 }) => ({ name, sha256 }));
    try {
      await session.note([
        { type: 'export-written', at: new Date().toISOString(), kind: 'bundle', folder: written.folder, files },
      ]);
    } catch (error) {
      throw partialSuccess(
        `Certificate ${serial} was issued and journaled and its bundle written to ${folder}`,
        'the journal could not record the bundle',
        error,
        'The certificate and its bundle are complete; only the record of the export is missing.',
      );
    }
    return {
      certificate: summarise(session.findCertificate(serial), Date.now()),
      bundle: { folder: written.folder, files: [...written.files] },
      warnings: [...issued.warnings],
    };
  }
}

export async function inspectCsrOperation(
  context: OperationContext,
  request: RequestOf<'inspectCsr'>,
): Promise<ResponseOf<'inspectCsr'>> {
  const parsed = await parseCsr(request.csr);
  const plan = currentSession(context).planRequest(parsed, {
    profile: request.profile,
    ...(request.days ? { days: request.days } : {}),
    ...(request.sans ? { sans: request.sans } : {}),
  });
  return { report: parsed.report, plan };
}

/**
 * Signs a batch: every request is parsed and planned first, and every
 * bundle folder checked, so a bad request or an existing folder refuses the
 * whole batch before anything is signed. With `flat`, the certificates go
 * into the destination itself as `openssl ca` writes them (exports/flat.ts).
 */
export async function signCsrsOperation(
  context: OperationContext,
  request: RequestOf<'signCsrs'>,
): Promise<ResponseOf<'signCsrs'>> {
  if (request.sans && request.csrs.length !== 1)
    throw rejected('invalid-option', 'Edited names apply to a single request, not a batch.');
  const session = currentSession(context);
  const destination = context.destinations.folder(request.destination);
  const options = {
    profile: request.profile,
    ...(request.days ? { days: request.days } : {}),
    ...(request.sans ? { sans: request.sans } : {}),
  };
  let folders: string[] = [];
  let reserved: Reservation[] = [];
  let issued: BatchIssued[];
  try {
    // Parsed, planned and signed on a worker pool when the batch is large; a request that cannot be read is a BatchRefusal.
    issued = await session.signRequestBytes(request.csrs, options, (plans) => {
      // Claimed before anything is signed: an existing or unwritable folder (or batch file) refuses the batch.
      if (request.flat) {
        reserved = [reserveFolder(destination, request.force ?? false, FLAT_BATCH_FILES)];
        return;
      }
      folders = uniqueFolders(plans);
      reserved = reserveFolders(
        folders.map((folder) => path.join(destination, folder)),
        request.force ?? false,
      );
    });
  } catch (error) {
    for (const reservation of reserved) await reservation.release();
    throw error instanceof BatchRefusal ? renamed(error.refusal, error.index, request.names) : error;
  }
  try {
    return request.flat
      ? await writeFlat(session, destination, issued, request.force ?? false)
      : await writeBatch(session, destination, folders, issued, request.force ?? false);
  } catch (error) {
    if (error instanceof RootkeeperError && error.code === 'PARTIAL') throw error;
    const serials = issued.map((certificate) => certificate.serialNumber);
    const listed = serials.slice(0, 5).join(', ') + (serials.length > 5 ? ` and ${serials.length - 5} more` : '');
    throw partialSuccess(
      `${serials.length} certificate(s) were issued and journaled (${listed})`,
      `their ${request.flat ? 'files' : 'bundles'} could not all be written in ${destination}`,
      error,
      request.flat
        ? 'Write each certificate again with rootkeeper show SERIAL --pem; the requesters keep their keys.'
        : 'Write each bundle again with rootkeeper export bundle --serial SERIAL --out DIR; the requesters keep their keys.',
    );
  }
}

/**
 * A flat batch: every certificate as `<SERIAL>.pem`, one chain and one
 * SHA256SUMS in the destination, written in one durable round and
 * journaled like a batch's bundles.
 */
async function writeFlat(
  session: Session,
  destination: string,
  issued: readonly BatchIssued[],
  force: boolean,
): Promise<ResponseOf<'signCsrs'>> {
  const files = flatFiles(issued, session.chain());
  const written = await writeExportFolder(destination, files, { force, readBack: false });
  const results: ResponseOf<'signCsrs'>['issued'] = issued.map((certificate, index) => ({
    certificate: summarise(session.findCertificate(certificate.serialNumber), Date.now()),
    bundle: { folder: written.folder, files: [written.files[index]!] },
    warnings: [...certificate.warnings],
  }));
  const batchFiles = { folder: written.folder, files: written.files.slice(issued.length) };
  try {
    await session.note(exportRecords(written.folder, 'certificates', written.files));
  } catch (error) {
    throw partialSuccess(
      `${results.length} certificate(s) were issued and journaled and written in ${destination}`,
      'the journal could not record the files',
      error,
      'The certificates and their files are complete; only the record of the export is missing.',
    );
  }
  return { issued: results, batchFiles };
}

/** The bundles of a signed batch, written and journaled. */
async function writeBatch(
  session: Session,
  destination: string,
  folders: readonly string[],
  issued: readonly BatchIssued[],
  force: boolean,
): Promise<ResponseOf<'signCsrs'>> {
  const chain = session.chain();
  const issuer = factsOf(chain.intermediate).subject;
  const bundles = await Promise.all(
    issued.map((certificate, index) =>
      bundleFiles({
        certificate: certificate.der,
        ...chain,
        journalHead: session.head,
        facts: {
          subject: certificate.plan.subject,
          issuer,
          sans: certificate.plan.sans,
          notBefore: certificate.plan.notBefore,
          notAfter: certificate.plan.notAfter,
          // The client profile's only extended key usage is clientAuth, the server profile's serverAuth.
          clientOnly: certificate.plan.profile === 'client',
        },
      }).then((bundle) => ({ folder: path.join(destination, folders[index]!), files: bundle.files })),
    ),
  );
  const written = await writeExportFolders(bundles, { force, readBack: false });
  const results: ResponseOf<'signCsrs'>['issued'] = issued.map((certificate, index) => ({
    certificate: summarise(session.findCertificate(certificate.serialNumber), Date.now()),
    bundle: { folder: written[index]!.folder, files: [...written[index]!.files] },
    warnings: [...certificate.warnings],
  }));
  try {
    const files = results.flatMap((result) =>
      result.bundle.files.map((file) => ({
        name: path.join(path.basename(result.bundle.folder), file.name),
        sha256: file.sha256,
      })),
    );
    await session.note(exportRecords(destination, 'bundles', files));
  } catch (error) {
    throw partialSuccess(
      `${results.length} certificate(s) were issued and journaled and their bundles written in ${destination}`,
      'the journal could not record the bundles',
      error,
      'The certificates and bundles are complete; only the record of the export is missing.',
    );
  }
  return { issued: results };
}

/** Files listed per journal record: a batch's list is split so that no record nears the size replay accepts. */
const FILES_PER_RECORD = 500;

/**
 * What a batch wrote, as export records of at most FILES_PER_RECORD files
 * each (about 60 KB): one record for all would outgrow the journal's record
 * limit past a few thousand certificates, one per bundle would double the
 * records a large store replays on every unlock.
 */
function exportRecords(
  destination: string,
  kind: 'bundles' | 'certificates',
  written: readonly { name: string; sha256: string }[],
): Extract<JournalEvent, { type: 'export-written' }>[] {
  const files = written.map(({ name, sha256 }) => ({ name, sha256 }));
  const at = new Date().toISOString();
  const records: Extract<JournalEvent, { type: 'export-written' }>[] = [];
  for (let start = 0; start < files.length; start += FILES_PER_RECORD) {
    records.push({
      type: 'export-written',
      at,
      kind,
      folder: destination,
      files: files.slice(start, start + FILES_PER_RECORD),
    });
  }
  return records;
}

/** Each certificate's folder: its first DNS name, made unique within the batch. */
function uniqueFolders(plans: readonly SigningPlan[]): string[] {
  const used = new Set<string>();
  return plans.map((plan) => {
    const base = bundleNameFor(plan.sans, plan.subject);
    let name = base;
    for (let suffix = 2; used.has(name); suffix++) name = `${base}-${suffix}`;
    used.add(name);
    return name;
  });
}

function renamed(error: unknown, index: number, names: readonly string[] | undefined): unknown {
  if (!(error instanceof RootkeeperError)) return error;
  const which = names?.[index] ?? `Request ${index + 1}`;
  return new RootkeeperError(
    error.code,
    `${which}: ${error.message}${/nothing was signed\.$/i.test(error.message) ? '' : ' Nothing was signed.'}`,
    error.reason,
  );
}
