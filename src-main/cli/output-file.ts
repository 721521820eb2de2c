import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { reserveFile } from '../exports/reservation';
import { writeFileAtomic } from '../store/atomic-write';
import { partialSuccess } from '../store/transaction';

/** Writes one output file atomically; an existing file is replaced only with --force. */
export async function writeOutput(
  cwd: string,
  file: string,
  data: string | Uint8Array,
  force: boolean,
  mode = 0o644,
): Promise<string> {
  const target = path.resolve(cwd, file);
  if (!force) {
    const exists = await lstat(target).then(
      () => true,
      () => false,
    );
    if (exists) throw rejected('exists', `${target} already exists; nothing was written. Pass --force to replace it.`);
  }
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

/** Claims `file` (refused as a link, a folder, in a missing folder, or existing without --force). */
export async function reserveOutput(cwd: string, file: string, force: boolean): Promise<ReservedOutput> {
  const reservation = await reserveFile(path.resolve(cwd, file), force);
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
