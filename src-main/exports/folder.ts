/**
 * Writes an export folder — a server bundle, the root trust kit — the way a
 * USB stick deserves: every file under a temp name then renamed, nothing
 * overwritten unless asked, no writing through links, a SHA256SUMS that
 * `sha256sum -c` checks, and (unless a batch asks otherwise) every file
 * read back and verified afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { CREATE_NEW, fsyncDirectory, linkErrorFor, linkRefused, NOFOLLOW } from '../store/atomic-write';
import { kindOf } from '../store/bounded-read';

export const CHECKSUM_FILE = 'SHA256SUMS';

export interface OutputFile {
  /** Relative to the folder; may name a subfolder ("firefox/policies.json"). */
  readonly name: string;
  readonly data: string | Uint8Array;
  /** 0o600 for anything secret (an encrypted key is still a key); 0o644 otherwise. */
  readonly mode?: number;
}

export interface WrittenFile {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface WrittenFolder {
  readonly folder: string;
  /** Every file written, SHA256SUMS included, each read back and verified (or, for a batch, hashed as written). */
  readonly files: readonly WrittenFile[];
}

export interface WriteOptions {
  readonly force?: boolean;
  /**
   * False for batches: each file's hash is of the bytes handed to write(2),
   * and reading them back straight after would come from the page cache,
   * not the medium; a batch of 10,000 would read 10,000 files for nothing.
   */
  readonly readBack?: boolean;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A relative name that stays inside the folder: no "..", no absolute path, no control characters. */
function checkName(name: string): void {
  const parts = name.split('/');
  // eslint-disable-next-line no-control-regex
  const bad = name.length === 0 || path.isAbsolute(name) || name.includes('\\') || /[\u0000-\u001f\u007f]/.test(name);
  if (bad || parts.some((part) => part === '' || part === '.' || part === '..')) {
    throw new TypeError(`refusing an export file name that could leave its folder: ${JSON.stringify(name)}`);
  }
}

export interface FolderToWrite {
  readonly folder: string;
  readonly files: readonly OutputFile[];
}

export async function writeExportFolder(
  folder: string,
  files: readonly OutputFile[],
  options: WriteOptions = {},
): Promise<WrittenFolder> {
  const [written] = await writeExportFolders([{ folder, files }], options);
  return written!;
}

/**
 * What writing would refuse, found without writing anything: a link or a
 * non-folder on the way, an existing file (unless `force`). For callers
 * that must refuse before they unlock, sign or number anything.
 */
export function checkExportDestination(folder: string, names: readonly string[] = [], force = false): void {
  for (const name of names) checkName(name);
  foldersOf(
    folder,
    names.map((name) => ({ name, data: '' })),
  );
  for (const name of names) refuseExisting(path.join(folder, name), force);
}

/**
 * Writes many folders (a batch of bundles) durably with one round of fsyncs:
 * every file goes to a temp name, all are fsynced together, then renamed,
 * then their folders fsynced. Nothing is written unless every target is free.
 */
export async function writeExportFolders(
  folders: readonly FolderToWrite[],
  options: WriteOptions = {},
): Promise<WrittenFolder[]> {
  const plans = folders.map(({ folder, files }) => {
    for (const file of files) checkName(file.name);
    // Each file hashed once: for SHA256SUMS, the result and the read-back alike.
    const hashed = files.map((file) => ({ ...file, sha256: sha256(file.data) }));
    const sums = checksumsOf(hashed);
    return { folder, files: [...hashed, { name: CHECKSUM_FILE, data: sums, sha256: sha256(sums) }] };
  });
  const folderList = [...new Set(plans.flatMap((plan) => foldersOf(plan.folder, plan.files)))];
  for (const plan of plans)
    for (const file of plan.files) refuseExisting(path.join(plan.folder, file.name), options.force ?? false);
  const targets = plans.flatMap((plan) =>
    plan.files.map((file) => ({ ...file, target: path.join(plan.folder, file.name) })),
  );
  createFolders(folderList);
  await writeDurably(targets);
  return plans.map((plan) => ({
    folder: plan.folder,
    files: options.readBack === false ? plan.files.map(asWritten) : readBack(plan.folder, plan.files),
  }));
}

/*
 * The file system calls below are synchronous on purpose: a batch writes
 * thousands of small files, and each asynchronous call costs a trip through
 * libuv's four-thread pool that is several times the write itself. The one
 * slow step, the flush to disk, stays asynchronous.
 */

async function writeDurably(targets: readonly (OutputFile & { target: string })[]): Promise<void> {
  const temps = targets.map((file) => ({
    ...file,
    temp: path.join(path.dirname(file.target), `.${path.basename(file.target)}.${randomBytes(6).toString('hex')}.tmp`),
  }));
  const folders = [...new Set(temps.map((file) => path.dirname(file.target)))];
  try {
    for (const file of temps) writeNew(file.temp, file.data, file.mode ?? 0o644);
    await flushToDisk(temps.map((file) => file.temp));
    for (const file of temps) renameSync(file.temp, file.target);
  } catch (error) {
    for (const file of temps) rmSync(file.temp, { force: true });
    throw error;
  }
  await flushToDisk(folders, true);
}

/**
 * Makes files (or folders' entries) durable. On Linux one `sync -f` per file
 * system flushes the whole batch in a single journal commit, where ten
 * thousand fsyncs would cost seconds; elsewhere (or if one cannot run) each
 * is fsynced, many at once.
 */
async function flushToDisk(paths: readonly string[], folders = false): Promise<void> {
  if (paths.length === 0) return;
  if (process.platform === 'linux') {
    const anchors = fileSystemsOf([...new Set(paths.map((item) => (folders ? item : path.dirname(item))))]);
    if (anchors.length <= 8 && (await Promise.all(anchors.map(syncFilesystem))).every(Boolean)) return;
  }
  await inParallel(paths, async (item) => (folders ? fsyncDirectory(item) : fsyncFile(item)));
}

/**
 * One folder per file system among `folders`: a batch's thousands of bundle
 * folders sit on one (a USB stick), and one syncfs covers them all. (Before,
 * more than eight folders fell back to an fsync for every file.)
 */
function fileSystemsOf(folders: readonly string[]): string[] {
  const byDevice = new Map<number, string>();
  for (const folder of folders) {
    const device = statSync(folder).dev;
    if (!byDevice.has(device)) byDevice.set(device, folder);
  }
  return [...byDevice.values()];
}

/** `sync -f DIR`: syncfs(2) on DIR's filesystem. False if it could not run. */
function syncFilesystem(anchor: string): Promise<boolean> {
  return new Promise((resolve) => execFile('sync', ['-f', anchor], (error) => resolve(!error)));
}

function writeNew(file: string, data: string | Uint8Array, mode: number): void {
  let fd: number;
  try {
    fd = openSync(file, CREATE_NEW, mode);
  } catch (error) {
    return linkErrorFor(file)(error);
  }
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, constants.O_RDWR | NOFOLLOW).catch(linkErrorFor(file));
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Runs `work` over `items` with a bounded number at once: fsyncs issued together are committed together. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<unknown>, limit = 32): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

/** sha256sum's format: the hex digest, two spaces, the name. */
function checksumsOf(files: readonly { name: string; sha256: string }[]): string {
  return files.map((file) => `${file.sha256}  ${file.name}\n`).join('');
}

type HashedFile = OutputFile & { readonly sha256: string };

function asWritten(file: HashedFile): WrittenFile {
  const bytes = typeof file.data === 'string' ? Buffer.byteLength(file.data) : file.data.byteLength;
  return { name: file.name, sha256: file.sha256, bytes };
}

/**
 * Every folder an export writes into, outermost first: the destination's
 * missing parents, the destination, and its subfolders ("linux/"). Each
 * that exists is checked now with lstat, before anything is written: a link
 * anywhere from the destination down is refused, naming it (a link planted
 * at kit/linux would otherwise take the Linux script anywhere).
 */
function foldersOf(folder: string, files: readonly OutputFile[]): string[] {
  const destination = path.resolve(folder);
  const folders = [...missingParents(destination), destination];
  const destinationExists = checkFolder(destination) === 'exists';
  for (const file of files) {
    let current = destination;
    let exists = destinationExists;
    for (const part of file.name.split('/').slice(0, -1)) {
      current = path.join(current, part);
      if (!folders.includes(current)) folders.push(current);
      if (exists) exists = checkFolder(current) === 'exists';
    }
  }
  return folders;
}

/**
 * The parents above the destination that do not exist yet. The first that
 * does must be a folder; it may be a link the officer chose (/tmp is one on
 * macOS), as the destination's own path is theirs to pick.
 */
function missingParents(destination: string): string[] {
  const missing: string[] = [];
  let current = path.dirname(destination);
  for (;;) {
    try {
      lstatSync(current);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.unshift(current);
      if (path.dirname(current) === current) break;
      current = path.dirname(current);
    }
  }
  const existing = path.dirname(missing[0] ?? destination);
  const info = statSync(existing);
  if (!info.isDirectory()) throw rejected('policy', `${existing}: this is ${kindOf(info)}, not a folder.`);
  return missing;
}

/** A folder that exists must be a real folder, never a link; a missing one is created later. */
function checkFolder(folder: string): 'exists' | 'missing' {
  let info: Stats;
  try {
    info = lstatSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  if (info.isSymbolicLink()) throw linkRefused(folder);
  if (!info.isDirectory()) throw rejected('policy', `${folder}: this is ${kindOf(info)}, not a folder.`);
  return 'exists';
}

/** One level at a time (mkdir never follows a link at its last component), each checked again once made. */
function createFolders(folders: readonly string[]): void {
  for (const folder of folders) {
    try {
      mkdirSync(folder, { mode: 0o755 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    checkFolder(folder);
  }
}

/** A link where a file should go is refused even with force; an existing file is replaced only with force. */
function refuseExisting(file: string, force: boolean): void {
  let info: Stats;
  try {
    info = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (info.isSymbolicLink()) throw linkRefused(file);
  if (!force)
    throw rejected(
      'exists',
      `${file} already exists; nothing was written. Choose another folder, or pass --force to replace it.`,
    );
}

/** Reads every file back and checks it against what was meant to be written. */
function readBack(folder: string, files: readonly HashedFile[]): WrittenFile[] {
  return files.map((file) => {
    const bytes = readNoFollow(path.join(folder, file.name));
    const digest = sha256(bytes);
    if (digest !== file.sha256)
      throw new Error(`${file.name} did not read back as written: the medium may be failing.`);
    return { name: file.name, sha256: digest, bytes: bytes.length };
  });
}

function readNoFollow(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | NOFOLLOW);
  } catch (error) {
    return linkErrorFor(file)(error);
  }
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A folder or file name made from a certificate's name: "../../etc/x" or "*.example.com" land safely inside. */
export function safeName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/^\*\./, 'wildcard.')
    .replace(/[^a-z0-9._-]+/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[._-]+/, '')
    .slice(0, 100);
  return cleaned === '' ? 'certificate' : cleaned;
}
