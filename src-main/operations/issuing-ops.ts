/** Issuing: a certificate with a key made here, and CSRs dropped by the officer, each with its bundle. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { RootkeeperError, rejected } from '../../shared/errors';
import { parseCsr, type ParsedCsr } from '../engine/csr';
import { bundleFiles, bundleNameFor, factsOf } from '../exports/bundle';
import { writeExportFolder, writeExportFolders, type WrittenFolder } from '../exports/folder';
import { BatchRefusal, type BatchIssued, type Session } from '../store/session';
import type { IssuedCertificate } from '../engine/profiles/common';
import type { SigningPlan } from '../../shared/domain/csr';
import type { JournalEvent } from '../../shared/domain/journal';
import { wipe } from '../vault/secrets';
import { currentSession, type OperationContext } from './context';
import { summarise } from './summaries';

/** Keys leave the CA on a USB stick: their passphrase must be worth the name. */
const MIN_EXPORT_PASSPHRASE = 12;

function checkExportPassphrase(passphrase: string | null | undefined, what: string): void {
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
  const made = await session.issue({
    profile: request.profile,
    subject: [{ type: 'CN', value: request.commonName }],
    sans: request.sans,
    ...(request.days ? { days: request.days } : {}),
    ...(request.key ? { key: request.key } : {}),
  });
  return issuedBundle(session, destination, made.issued, request.force, {
    key: { pkcs8: made.privateKey, passphrase: request.keyPassphrase },
    ...(request.pkcs12 ? { pkcs12: request.pkcs12 } : {}),
  });
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
  if (request.key === 'same') {
    if (request.keyPassphrase !== undefined)
      throw rejected('invalid-option', 'A renewal on the same key writes no key, so it takes no key passphrase.');
    return issuedBundle(session, destination, await session.renew(request.serial, request.days), request.force);
  }
  if (request.keyPassphrase === undefined)
    throw rejected(
      'invalid-option',
      'A renewal with a new key needs a key passphrase, or null to write the key unencrypted.',
    );
  checkExportPassphrase(request.keyPassphrase, 'key passphrase');
  const made = await session.renewWithNewKey(request.serial, request.key, request.days);
  return issuedBundle(session, destination, made.issued, request.force, {
    key: { pkcs8: made.privateKey, passphrase: request.keyPassphrase },
  });
}

/** Writes a new certificate's bundle (with its key when one was made here, wiped afterwards) and summarises it. */
async function issuedBundle(
  session: Session,
  destination: string,
  issued: IssuedCertificate,
  force: boolean | undefined,
  secrets: {
    key?: { pkcs8: Buffer; passphrase: string | null };
    pkcs12?: { profile: 'modern' | 'compatible'; password: string };
  } = {},
): Promise<ResponseOf<'issueCertificate'>> {
  try {
    const bundle = await bundleFiles({
      certificate: issued.der,
      ...session.chain(),
      journalHead: session.head,
      ...(secrets.key ? { privateKey: secrets.key } : {}),
      ...(secrets.pkcs12 ? { pkcs12: secrets.pkcs12 } : {}),
    });
    const written = await writeBundle(session, destination, bundle.name, bundle.files, force ?? false);
    return {
      certificate: summarise(session.findCertificate(issued.serialNumber), Date.now()),
      bundle: written,
      warnings: [...issued.warnings],
    };
  } finally {
    if (secrets.key) wipe(secrets.key.pkcs8);
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
 * whole batch before anything is signed.
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
  const parsed = await parseAll(request.csrs, request.names);
  let folders: string[] = [];
  let issued: BatchIssued[];
  try {
    issued = await session.signRequests(parsed, options, (plans) => {
      folders = uniqueFolders(plans);
      if (!request.force) refuseExistingFolders(destination, folders);
    });
  } catch (error) {
    throw error instanceof BatchRefusal ? renamed(error.refusal, error.index, request.names) : error;
  }
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
        },
      }).then((bundle) => ({ folder: path.join(destination, folders[index]!), files: bundle.files })),
    ),
  );
  const written = await writeExportFolders(bundles, { force: request.force ?? false });
  const results: ResponseOf<'signCsrs'>['issued'] = issued.map((certificate, index) => ({
    certificate: summarise(session.findCertificate(certificate.serialNumber), Date.now()),
    bundle: { folder: written[index]!.folder, files: [...written[index]!.files] },
    warnings: [...certificate.warnings],
  }));
  await session.note(exportRecords(destination, results));
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
  results: ResponseOf<'signCsrs'>['issued'],
): Extract<JournalEvent, { type: 'export-written' }>[] {
  const files = results.flatMap((result) =>
    result.bundle.files.map((file) => ({
      name: path.join(path.basename(result.bundle.folder), file.name),
      sha256: file.sha256,
    })),
  );
  const at = new Date().toISOString();
  const records: Extract<JournalEvent, { type: 'export-written' }>[] = [];
  for (let start = 0; start < files.length; start += FILES_PER_RECORD) {
    records.push({
      type: 'export-written',
      at,
      kind: 'bundles',
      folder: destination,
      files: files.slice(start, start + FILES_PER_RECORD),
    });
  }
  return records;
}

async function parseAll(csrs: readonly Uint8Array[], names: readonly string[] | undefined): Promise<ParsedCsr[]> {
  const parsed: ParsedCsr[] = [];
  for (const [index, csr] of csrs.entries()) {
    try {
      parsed.push(await parseCsr(csr));
    } catch (error) {
      throw renamed(error, index, names);
    }
  }
  return parsed;
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

function refuseExistingFolders(destination: string, folders: readonly string[]): void {
  for (const folder of folders) {
    if (existsSync(path.join(destination, folder))) {
      throw rejected(
        'exists',
        `${path.join(destination, folder)} already exists; nothing was signed. Choose another folder, or pass --force.`,
      );
    }
  }
}

function renamed(error: unknown, index: number, names: readonly string[] | undefined): unknown {
  if (!(error instanceof RootkeeperError)) return error;
  const which = names?.[index] ?? `Request ${index + 1}`;
  return new RootkeeperError(error.code, `${which}: ${error.message} Nothing was signed.`, error.reason);
}

async function writeBundle(
  session: Session,
  destination: string,
  name: string,
  files: Parameters<typeof writeExportFolder>[1],
  force: boolean,
  journal = true,
): Promise<ResponseOf<'exportBundle'>> {
  const written: WrittenFolder = await writeExportFolder(path.join(destination, name), files, { force });
  if (journal) {
    await session.note([
      {
        type: 'export-written',
        at: new Date().toISOString(),
        kind: 'bundle',
        folder: written.folder,
        files: written.files.map(({ name: file, sha256 }) => ({ name: file, sha256 })),
      },
    ]);
  }
  return { folder: written.folder, files: [...written.files] };
}
