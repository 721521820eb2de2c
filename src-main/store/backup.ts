/**
 * Backups: the whole store in one file, encrypted with a subkey of the data
 * key, so the operator passphrase opens it and nothing else does. The header
 * (plain, authenticated as associated data) carries the store file, whose
 * operator slot unwraps the data key on any machine. A backup is verified by
 * decrypting it and checking its journal, without restoring it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import type { JournalHead } from '../../shared/domain/journal';
import { RootkeeperError, rejected } from '../../shared/errors';
import { open, seal } from '../vault/aead';
import { subkey, wipe } from '../vault/secrets';
import { reserveFile } from '../exports/reservation';
import { writeFileAtomic } from './atomic-write';
import { decodeChecked } from './checked-file';
import { inspectStoreFolder } from './folder';
import { KeyringSchema, openSlot, sha256Hex, tokenSlotOf } from './keyring';
import { STORE_FILE, isStoreFile } from './layout';
import { resolveInterruptedRestore, restoreFiles } from './restore-staging';
import { partialSuccess } from './transaction';
import type { Session } from './session';
import { generationOf, journalKeysFor } from './epochs';
import { JournalWriter } from './journal';
import { acquireStoreLock } from './lock';
import { verifyStore, witnessOf, type StoreEnvironment } from './store';
import { UnlockThrottle, throttled } from './throttle';

const MAGIC = Buffer.from('RKBACKUP1\n', 'ascii');
const backupThrottle = new UnlockThrottle();

const HeaderSchema = v.strictObject({
  format: v.literal('rootkeeper-backup'),
  version: v.literal(1),
  storeId: v.string(),
  createdAt: v.string(),
  head: v.strictObject({ sequence: v.number(), chainHash: v.string() }),
  storeFile: v.string(),
});

const StoreFileName = v.pipe(
  v.string(),
  v.check((name) => isStoreFile(name), 'must be a store file'),
);
const PayloadSchema = v.strictObject({ files: v.record(StoreFileName, v.string()) });

export interface BackupSummary {
  readonly file: string;
  readonly sha256: string;
  readonly head: JournalHead;
}

/** Writes a backup of the unlocked store to `file` (never over an existing file) and journals it. */
export async function writeBackup(session: Session, file: string): Promise<BackupSummary> {
  // Claimed first (an empty placeholder, created exclusively): a refusal changes nothing.
  const reservation = await reserveFile(file, false);
  let summary: BackupSummary;
  try {
    summary = await sealBackup(session, file);
  } catch (error) {
    await reservation.release();
    throw error;
  }
  try {
    await session.note([
      {
        type: 'backup-made',
        at: new Date().toISOString(),
        file: path.basename(file),
        folder: path.dirname(file),
        sha256: summary.sha256,
      },
    ]);
  } catch (error) {
    throw partialSuccess(
      `The backup ${file} was written and verified`,
      'the journal could not record it',
      error,
      'The backup is complete; only its record in the journal is missing.',
    );
  }
  return summary;
}

async function sealBackup(session: Session, file: string): Promise<BackupSummary> {
  const files = await session.snapshot();
  const head = session.head;
  const header = Buffer.from(
    JSON.stringify({
      format: 'rootkeeper-backup',
      version: 1,
      storeId: session.storeId,
      createdAt: new Date().toISOString(),
      head,
      storeFile: files.get(STORE_FILE)!.toString('utf8'),
    }),
  );
  const payload = Buffer.from(
    JSON.stringify({ files: Object.fromEntries([...files].map(([name, bytes]) => [name, bytes.toString('base64')])) }),
  );
  const key = session.backupKey();
  let bytes: Buffer;
  try {
    const sealed = seal(key, payload, header);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    bytes = Buffer.concat([MAGIC, length, header, sealed.nonce, sealed.ciphertext]);
  } finally {
    wipe(key, payload);
  }
  await writeFileAtomic(file, bytes);
  return { file, sha256: sha256Hex(bytes), head };
}

interface OpenedBackup {
  readonly storeId: string;
  readonly head: JournalHead;
  readonly files: Map<string, Buffer>;
  readonly dataKey: Buffer;
}

/** Decrypts a backup with the operator passphrase; any altered byte is refused. */
async function openBackup(
  file: string,
  operatorPassphrase: string,
  environment: StoreEnvironment,
): Promise<OpenedBackup> {
  const bytes = await readFile(file);
  const damaged = (detail: string) =>
    new RootkeeperError(
      'STORE_DAMAGED',
      `The backup ${path.basename(file)} is damaged or has been tampered with: ${detail}.`,
    );
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw damaged('it is not a Rootkeeper backup');
  const headerLength = bytes.readUInt32BE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  if (headerLength > bytes.length - headerStart - 28) throw damaged('its header length is impossible');
  const headerBytes = bytes.subarray(headerStart, headerStart + headerLength);
  let header: v.InferOutput<typeof HeaderSchema>;
  try {
    header = v.parse(HeaderSchema, JSON.parse(headerBytes.toString('utf8')));
  } catch {
    throw damaged('its header is unreadable');
  }
  const keyring = decodeChecked(header.storeFile, `${path.basename(file)} (store file)`, KeyringSchema);
  if (keyring.storeId !== header.storeId) throw damaged('its header names another store');
  // A backup file has no folder of its own to count in: this process's memory counts.
  const opened = await throttled(environment.throttle ?? backupThrottle, { key: `${file}#operator` }, () =>
    openSlot(keyring, 'operator-data-key', operatorPassphrase, environment.kdfPolicy, 'operator'),
  );
  await opened.clear();
  const dataKey = opened.value;
  const key = subkey(dataKey, 'backup', keyring.storeId);
  const body = bytes.subarray(headerStart + headerLength);
  const payload = open(key, { nonce: body.subarray(0, 12), ciphertext: body.subarray(12) }, headerBytes);
  wipe(key);
  if (!payload) {
    wipe(dataKey);
    throw damaged('its contents do not authenticate');
  }
  const parsed = v.safeParse(PayloadSchema, parseJson(payload));
  wipe(payload);
  if (!parsed.success) {
    wipe(dataKey);
    throw damaged('its contents are not a store');
  }
  const files = new Map(
    Object.entries(parsed.output.files).map(([name, base64]) => [name, Buffer.from(base64, 'base64')]),
  );
  if (files.get(STORE_FILE)?.toString('utf8') !== header.storeFile) {
    wipe(dataKey);
    throw damaged('its store file and header disagree');
  }
  return { storeId: keyring.storeId, head: header.head, files, dataKey };
}

/** Checks an opened backup: its files verify as a store, up to the head its header claims. */
async function checkOpened(backup: OpenedBackup, dir?: string): Promise<void> {
  const scratch = dir ?? (await mkdtemp(path.join(os.tmpdir(), 'rootkeeper-verify-')));
  try {
    if (!dir)
      for (const [name, bytes] of backup.files) await writeFile(path.join(scratch, name), bytes, { mode: 0o600 });
    const keyring = decodeChecked(backup.files.get(STORE_FILE)!.toString('utf8'), STORE_FILE, KeyringSchema);
    const verified = await verifyStore(scratch, keyring, backup.dataKey);
    if (
      verified.scan.head.sequence !== backup.head.sequence ||
      verified.scan.head.chainHash !== backup.head.chainHash
    ) {
      throw new RootkeeperError('STORE_DAMAGED', 'The backup’s journal does not end where its header says.');
    }
  } finally {
    if (!dir) await rm(scratch, { recursive: true, force: true });
  }
}

/** Checks a backup without restoring it: it decrypts, and its journal verifies up to the head it claims. */
export async function verifyBackup(
  file: string,
  operatorPassphrase: string,
  environment: StoreEnvironment = {},
): Promise<{ storeId: string; head: JournalHead; rootToken?: { serial: string; keyId: string } }> {
  const backup = await openBackup(file, operatorPassphrase, environment);
  try {
    await checkOpened(backup);
    const keyring = decodeChecked(backup.files.get(STORE_FILE)!.toString('utf8'), STORE_FILE, KeyringSchema);
    const token = tokenSlotOf(keyring);
    return {
      storeId: backup.storeId,
      head: backup.head,
      ...(token ? { rootToken: { serial: token.serial, keyId: token.keyId } } : {}),
    };
  } finally {
    wipe(backup.dataKey);
  }
}

/**
 * Restores a backup into an empty (or new) folder, verifies the result as a
 * store, journals the restore, and moves the witness to it: going back to a
 * backup is deliberate, and the journal says so.
 */
export async function restoreBackup(
  file: string,
  dir: string,
  operatorPassphrase: string,
  environment: StoreEnvironment = {},
): Promise<{ storeId: string; head: JournalHead }> {
  // An earlier restore a crash interrupted is finished or undone first.
  await resolveInterruptedRestore(dir);
  const state = await inspectStoreFolder(dir);
  if (state === 'initialized') throw rejected('exists', `${dir} already holds a store; restore into an empty folder.`);
  if (state === 'foreign') throw rejected('policy', `${dir} holds other files; restore into an empty folder.`);
  const backup = await openBackup(file, operatorPassphrase, environment);
  try {
    await checkOpened(backup);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await restoreFiles(dir, backup.files);
    await checkOpened(backup, dir);
    const head = await journalRestore(dir, backup, file, environment);
    return { storeId: backup.storeId, head };
  } finally {
    wipe(backup.dataKey);
  }
}

/** The restore's journal record, under the store lock, and the witness moved (back) to it. */
async function journalRestore(
  dir: string,
  backup: OpenedBackup,
  file: string,
  environment: StoreEnvironment,
): Promise<JournalHead> {
  const lock = await acquireStoreLock(dir);
  try {
    const keyring = decodeChecked(backup.files.get(STORE_FILE)!.toString('utf8'), STORE_FILE, KeyringSchema);
    const { scan } = await verifyStore(dir, keyring, backup.dataKey);
    const keys = journalKeysFor(keyring, backup.dataKey);
    const writer = await JournalWriter.resume(dir, keyring.storeId, keys, scan, generationOf(keyring), () =>
      lock.verify(),
    );
    const head = await writer.append([
      {
        type: 'store-restored',
        at: new Date().toISOString(),
        file: path.basename(file),
        sha256: sha256Hex(await readFile(file)),
        restoredHead: { ...backup.head },
      },
    ]);
    wipe(keys.record, keys.head, ...(keys.older ?? []).flatMap((epoch) => [epoch.record, epoch.head]));
    await witnessOf(environment)?.record(keyring.storeId, head, { back: true });
    return head;
  } finally {
    await lock.release();
  }
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
}
