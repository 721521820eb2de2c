import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { reserveFile } from '../exports/reservation';
import { linkRefused, writeFileAtomic } from '../store/atomic-write';
import { kindOf } from '../store/bounded-read';
import { partialSuccess } from '../store/transaction';
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

/** An output file claimed before the command changes the store, written after. */
export interface ReservedOutput {
  readonly target: string;
  /** Runs the command's store change; if it fails, the claim is given back and nothing was written. */
  around<T>(change: () => Promise<T>): Promise<T>;
  /** Writes the file; a failure now is a partial success saying what was `done` and what to do. */
  write(data: string | Uint8Array, done: string, advice: string, mode?: number): Promise<string>;
}

/**
 * Claims `file` (refused as a link, a folder, in a missing folder, or
 * existing without --force); `-` is standard output, which needs no claim.
 */
export async function reserveOutput(io: Io, file: string, force: boolean): Promise<ReservedOutput> {
  if (file === STDIO) {
    return {
      target: 'standard output',
      around: (change) => change(),
      async write(data) {
        io.stdout.write(data);
        return 'standard output';
      },
    };
  }
  await checkOutput(io.cwd, file, force);
  const reservation = await reserveFile(path.resolve(io.cwd, file), force);
  return {
    target: reservation.path,
    async around(change) {
      try {
        return await change();
      } catch (error) {
        await reservation.release();
        throw error;
      }
    },
    async write(data, done, advice, mode = 0o644) {
      try {
        await writeFileAtomic(reservation.path, data, mode);
      } catch (error) {
        throw partialSuccess(done, `it could not be written to ${reservation.path}`, error, advice);
      }
      return reservation.path;
    },
  };
}
