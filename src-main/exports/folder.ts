/**
 * Writes an export folder — a server bundle, the root trust kit — the way a
 * USB stick deserves: every file under a temp name then renamed, nothing
 * overwritten unless asked, no writing through links, a SHA256SUMS that
 * `sha256sum -c` checks, and every file read back and verified afterwards.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { refuseSymlink, writeFileAtomic } from '../store/atomic-write';

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

export async function writeExportFolder(
  folder: string,
  files: readonly OutputFile[],
  options: { force?: boolean } = {},
): Promise<WrittenFolder> {
  for (const file of files) checkName(file.name);
  await prepareFolder(folder);
  const all = [...files, { name: CHECKSUM_FILE, data: checksums(files) }];
  for (const file of all) await refuseExisting(path.join(folder, file.name), options.force ?? false);
  for (const file of all) {
    const target = path.join(folder, file.name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFileAtomic(target, file.data, file.mode ?? 0o644);
  }
  return { folder, files: await readBack(folder, all) };
}

/** sha256sum's format: the hex digest, two spaces, the name. */
export function checksums(files: readonly OutputFile[]): string {
  return files.map((file) => `${sha256(file.data)}  ${file.name}\n`).join('');
}

async function prepareFolder(folder: string): Promise<void> {
  try {
    const info = await lstat(folder);
    if (info.isSymbolicLink()) throw rejected('policy', `${folder} is a symbolic link; choose the real folder.`);
    if (!info.isDirectory()) throw rejected('policy', `${folder} is a file, not a folder.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(folder, { recursive: true });
  }
}

async function refuseExisting(file: string, force: boolean): Promise<void> {
  await refuseSymlink(file);
  if (force) return;
  try {
    await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  throw rejected(
    'exists',
    `${file} already exists; nothing was written. Choose another folder, or pass --force to replace it.`,
  );
}

/** Reads every file back and checks it against what was meant to be written. */
async function readBack(folder: string, files: readonly OutputFile[]): Promise<WrittenFile[]> {
  const written: WrittenFile[] = [];
  for (const file of files) {
    const bytes = await readFile(path.join(folder, file.name));
    const digest = sha256(bytes);
    if (digest !== sha256(file.data)) {
      throw new Error(`${file.name} did not read back as written: the medium may be failing.`);
    }
    written.push({ name: file.name, sha256: digest, bytes: bytes.length });
  }
  return written;
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
