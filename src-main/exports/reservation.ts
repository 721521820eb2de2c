/**
 * Destinations claimed before anything is signed, numbered or journaled, so
 * that a refusal ("already exists", "a link", "cannot be created") really
 * changes nothing: the operation asks for its reservation first, and
 * releases it if the operation stops before the journal append. After the
 * append, a failure to write is a partial success (store/transaction.ts,
 * `partialSuccess`), never "nothing changed".
 */
import { accessSync, constants, lstatSync, mkdirSync, rmdirSync, type Stats } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { CHECKSUM_FILE } from './folder';

export interface Reservation {
  readonly path: string;
  /** Undoes the claim (folders it created, an empty placeholder file); safe to call twice. */
  release(): Promise<void>;
}

function lstatOrNull(target: string): Stats | null {
  try {
    return lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

/**
 * A folder that the operation will fill: refused if it is a link or a file;
 * created (with any missing parents) when it does not exist, which both
 * proves it can be written and keeps another writer from taking it. An
 * existing folder is refused without `force` — whole, or, when `files` are
 * named, only if one of them is already there (a folder the officer chose).
 */
export function reserveFolder(folder: string, force: boolean, files?: readonly string[]): Reservation {
  const info = lstatOrNull(folder);
  if (info) {
    if (info.isSymbolicLink()) throw rejected('policy', `${folder} is a symbolic link; choose the real folder.`);
    if (!info.isDirectory()) throw rejected('exists', `${folder} is a file, not a folder; nothing was written.`);
    if (!force) {
      const taken = files ? files.map((name) => path.join(folder, name)).find((file) => lstatOrNull(file)) : folder;
      if (taken)
        throw rejected(
          'exists',
          `${taken} already exists; nothing was written or signed. Choose another folder, or pass --force to replace it.`,
        );
    }
    checkWritable(folder);
    return { path: folder, release: async () => undefined };
  }
  let first: string | undefined;
  try {
    first = mkdirSync(folder, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw rejected('policy', `${folder} cannot be created (${errnoOf(error)}); nothing was written or signed.`);
  }
  return { path: folder, release: async () => removeCreated(folder, first) };
}

/** The names an export folder will hold: its files and the SHA256SUMS written beside them. */
export function namesOf(files: readonly { readonly name: string }[]): string[] {
  return [...files.map((file) => file.name), CHECKSUM_FILE];
}

/** Many folders claimed together: all of them, or (on the first refusal) none. */
export function reserveFolders(folders: readonly string[], force: boolean): Reservation[] {
  const reserved: Reservation[] = [];
  try {
    for (const folder of folders) reserved.push(reserveFolder(folder, force));
  } catch (error) {
    for (const reservation of reserved.reverse()) void reservation.release();
    throw error;
  }
  return reserved;
}

function checkWritable(folder: string): void {
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw rejected('policy', `${folder} cannot be written (${errnoOf(error)}); nothing was written or signed.`);
  }
}

/** Removes the empty folders `mkdir -p` made, deepest first; anything written into them since stays. */
export function removeCreated(folder: string, first: string | undefined): void {
  if (!first) return;
  for (let current = folder; ; current = path.dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return;
    }
    if (current === first || path.dirname(current) === current) return;
  }
}

/**
 * A single file (a backup, a CRL): refused if it is a link or a folder, if
 * its folder does not exist, or if it exists without `force`; otherwise an
 * empty placeholder is created exclusively, and replaced by the atomic write.
 */
export async function reserveFile(file: string, force: boolean): Promise<Reservation> {
  const info = lstatOrNull(file);
  if (info?.isSymbolicLink())
    throw rejected('policy', `${file} is a symbolic link; Rootkeeper does not write through links.`);
  if (info?.isDirectory()) throw rejected('exists', `${file} is a folder; name a file. Nothing was written.`);
  const parent = path.dirname(file);
  const folder = await stat(parent).catch(() => null);
  if (!folder?.isDirectory()) throw rejected('not-found', `${parent} is not a folder; nothing was written.`);
  if (info) {
    if (!force) throw rejected('exists', `${file} already exists; nothing was written. Pass --force to replace it.`);
    checkWritable(file);
    return { path: file, release: async () => undefined };
  }
  try {
    await (await open(file, 'wx', 0o600)).close();
  } catch (error) {
    if (errnoOf(error) === 'EEXIST')
      throw rejected('exists', `${file} already exists; nothing was written. Pass --force to replace it.`);
    throw rejected('policy', `${file} cannot be created (${errnoOf(error)}); nothing was written.`);
  }
  return {
    path: file,
    // Only the empty placeholder goes: a file written in full is never removed.
    release: async () => {
      if ((await stat(file).catch(() => null))?.size === 0) await rm(file, { force: true });
    },
  };
}
