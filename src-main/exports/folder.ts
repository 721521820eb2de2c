/**
 * Writes an export folder — a server bundle, the root trust kit — the way a
 * USB stick deserves: every file under a temp name then renamed, nothing
 * overwritten unless asked, no writing through links, a SHA256SUMS that
 * `sha256sum -c` checks, and every file read back and verified afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { fsyncDirectory } from '../store/atomic-write';

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
  /** Every file written, SHA256SUMS included, each read back and verified. */
  readonly files: readonly WrittenFile[];
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
  options: { force?: boolean } = {},
): Promise<WrittenFolder> {
  const [written] = await writeExportFolders([{ folder, files }], options);
  return written!;
}

/**
 * Writes many folders (a batch of bundles) durably with one round of fsyncs:
 * every file goes to a temp name, all are fsynced together, then renamed,
 * then their folders fsynced. Nothing is written unless every target is free.
 */
export async function writeExportFolders(
  folders: readonly FolderToWrite[],
  options: { force?: boolean } = {},
): Promise<WrittenFolder[]> {
  const plans = folders.map(({ folder, files }) => {
    for (const file of files) checkName(file.name);
    return { folder, files: [...files, { name: CHECKSUM_FILE, data: checksums(files) }] };
  });
  for (const plan of plans) prepareFolder(plan.folder);
  for (const plan of plans)
    for (const file of plan.files) refuseExisting(path.join(plan.folder, file.name), options.force ?? false);
  const targets = plans.flatMap((plan) =>
    plan.files.map((file) => ({ ...file, target: path.join(plan.folder, file.name) })),
  );
  await writeDurably(targets);
  return plans.map((plan) => ({ folder: plan.folder, files: readBack(plan.folder, plan.files) }));
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
    for (const folder of folders) mkdirSync(folder, { recursive: true });
    for (const file of temps) writeFileSync(file.temp, file.data, { flag: 'wx', mode: file.mode ?? 0o644 });
    await flushToDisk(temps.map((file) => file.temp));
    for (const file of temps) renameSync(file.temp, file.target);
  } catch (error) {
    for (const file of temps) rmSync(file.temp, { force: true });
    throw error;
  }
  await flushToDisk(folders, true);
}

/**
 * Makes files (or folders' entries) durable. On Linux one `sync -f` flushes
 * the whole batch in a single journal commit, where a thousand fsyncs would
 * cost a second; elsewhere each is fsynced, many at once.
 */
async function flushToDisk(paths: readonly string[], folders = false): Promise<void> {
  if (paths.length === 0) return;
  if (process.platform === 'linux') {
    const anchors = [...new Set(paths.map((item) => (folders ? item : path.dirname(item))))];
    const ok = await Promise.all(anchors.slice(0, 8).map((anchor) => syncFilesystem(anchor)));
    if (anchors.length <= 8 && ok.every(Boolean)) return;
  }
  await inParallel(paths, async (item) => (folders ? fsyncDirectory(item) : fsyncFile(item)));
}

/** `sync -f DIR`: syncfs(2) on DIR's filesystem. False if it could not run. */
function syncFilesystem(anchor: string): Promise<boolean> {
  return new Promise((resolve) => execFile('sync', ['-f', anchor], (error) => resolve(!error)));
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
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
export function checksums(files: readonly OutputFile[]): string {
  return files.map((file) => `${sha256(file.data)}  ${file.name}\n`).join('');
}

function prepareFolder(folder: string): void {
  try {
    const info = lstatSync(folder);
    if (info.isSymbolicLink()) throw rejected('policy', `${folder} is a symbolic link; choose the real folder.`);
    if (!info.isDirectory()) throw rejected('policy', `${folder} is a file, not a folder.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
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
  if (info.isSymbolicLink())
    throw rejected('policy', `${file} is a symbolic link; Rootkeeper does not write through links.`);
  if (!force)
    throw rejected(
      'exists',
      `${file} already exists; nothing was written. Choose another folder, or pass --force to replace it.`,
    );
}

/** Reads every file back and checks it against what was meant to be written. */
function readBack(folder: string, files: readonly OutputFile[]): WrittenFile[] {
  return files.map((file) => {
    const bytes = readFileSync(path.join(folder, file.name));
    const digest = sha256(bytes);
    if (digest !== sha256(file.data))
      throw new Error(`${file.name} did not read back as written: the medium may be failing.`);
    return { name: file.name, sha256: digest, bytes: bytes.length };
  });
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
