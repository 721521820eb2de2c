/**
 * Reading a file Rootkeeper did not write (or must not trust to be small):
 * its type and size are checked with stat before a byte is read, and the
 * read itself stops at a hard cap, so `/dev/zero`, a FIFO or a file that
 * grows while read is refused at once instead of filling memory.
 */
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { rejected } from '../../shared/errors';
import { linkErrorFor, NOFOLLOW } from './atomic-write';

export interface ReadLimits {
  /** The most bytes accepted. */
  readonly maxBytes: number;
  /** How the file is named in messages (default: its path). */
  readonly shown?: string;
  /** Pipes and character devices too (a passphrase from `file:/dev/fd/3`), still read to the cap. */
  readonly streams?: boolean;
  /** Store files are never read through a link. */
  readonly noFollow?: boolean;
}

/** What a file is, for "this is a … not a file". */
export function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'a file';
}

function isStream(info: Stats): boolean {
  return info.isFIFO() || info.isCharacterDevice() || info.isSocket();
}

/** Refuses what is not a regular file (or a stream, where allowed) and what is over the cap; reads nothing. */
export function checkInput(info: Stats, limits: ReadLimits, file: string): void {
  const shown = limits.shown ?? file;
  if (!info.isFile() && !(limits.streams && isStream(info))) {
    throw rejected('wrong-kind', `${shown}: this is ${kindOf(info)}, not a file.`);
  }
  if (info.isFile() && info.size > limits.maxBytes) throw tooLarge(shown, info.size, limits.maxBytes);
}

function tooLarge(shown: string, size: number | null, maxBytes: number): Error {
  const what = size === null ? `more than ${maxBytes} bytes` : `${size} bytes`;
  return rejected('too-large', `${shown}: this file is ${what}; at most ${maxBytes} are accepted here.`);
}

/** The file's bytes, or null when it does not exist. */
export async function readBoundedOrNull(file: string, limits: ReadLimits): Promise<Buffer | null> {
  try {
    return await readBounded(file, limits);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function readBounded(file: string, limits: ReadLimits): Promise<Buffer> {
  // A FIFO's open blocks until a writer comes: judge the type before opening.
  if (!limits.noFollow) checkInput(await stat(file), limits, file);
  const blocking = limits.streams ? 0 : constants.O_NONBLOCK;
  const flags = constants.O_RDONLY | blocking | (limits.noFollow ? NOFOLLOW : 0);
  const handle = await open(file, flags).catch(linkErrorFor(file));
  try {
    checkInput(await handle.stat(), limits, file);
    return await readCapped(handle, limits.maxBytes, limits.shown ?? file);
  } finally {
    await handle.close();
  }
}

/** Reads to the end, but never more than `maxBytes` (a file may grow, a device never ends). */
export async function readCapped(handle: FileHandle, maxBytes: number, shown: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(shown, null, maxBytes);
  }
  return Buffer.concat(chunks, total);
}
