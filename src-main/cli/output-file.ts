import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { linkRefused, writeFileAtomic } from '../store/atomic-write';
import { kindOf } from '../store/bounded-read';
import { STDIO } from './input-file';
import type { Io } from './io';

/**
 * Checks an output file before anything is unlocked or signed: a link is
 * refused even with --force, something that is not a file always, an
 * existing file unless --force. `-` (standard output) needs no check.
 */
export async function checkOutput(cwd: string, file: string, force: boolean): Promise<void> {
  if (file === STDIO) return;
  const target = path.resolve(cwd, file);
  const info = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!info) return;
  if (info.isSymbolicLink()) throw linkRefused(target);
  if (!info.isFile()) throw rejected('policy', `${target}: this is ${kindOf(info)}, not a file.`);
  if (!force) throw rejected('exists', `${target} already exists; nothing was written. Pass --force to replace it.`);
}

/** Writes one output file atomically (`-`: to standard output); an existing file is replaced only with --force. */
export async function writeOutput(
  io: Io,
  file: string,
  data: string | Uint8Array,
  force: boolean,
  mode = 0o644,
): Promise<string> {
  if (file === STDIO) {
    io.stdout.write(data);
    return 'standard output';
  }
  await checkOutput(io.cwd, file, force);
  const target = path.resolve(io.cwd, file);
  await writeFileAtomic(target, data, mode);
  return target;
}
