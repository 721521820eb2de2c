/**
 * Whole-file writes that a power cut cannot leave half done: write a temp
 * file beside the target, fsync it, rename it over the target, fsync the
 * folder so the rename itself is durable. No write ever goes through a link:
 * new files are opened O_CREAT|O_EXCL|O_NOFOLLOW, and a link where the
 * target should be is refused, naming it.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { rejected, type RootkeeperError } from '../../shared/errors';
import { fault } from './fault';

/** O_NOFOLLOW where the platform has one (Windows has none, and needs privileges to make links). */
export const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** A file that must be new: never an existing one, never through a link. */
export const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;
/** Appending to an existing file, never through a link. */
export const APPEND = constants.O_WRONLY | constants.O_APPEND | NOFOLLOW;

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await refuseSymlink(file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, CREATE_NEW, mode).catch(linkErrorFor(temp));
    try {
      await handle.writeFile(data);
      await fault('atomic-write.before-fsync');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fault('atomic-write.before-rename');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fault('atomic-write.before-dir-fsync');
  await fsyncDirectory(path.dirname(file));
  await fault('atomic-write.after-dir-fsync');
}

/** Makes a rename or a new file's directory entry durable. Windows cannot open folders for fsync, and needs not. */
export async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The one sentence for a link met where Rootkeeper writes: exit 2, naming it. */
export function linkRefused(file: string): RootkeeperError {
  return rejected('policy', `${file} is a symbolic link; Rootkeeper does not write through links.`);
}

/** A link where a file should be written could send the write anywhere. */
export async function refuseSymlink(file: string): Promise<void> {
  try {
    if ((await lstat(file)).isSymbolicLink()) throw linkRefused(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * For `.catch` on an O_NOFOLLOW open: ELOOP means the last component is a
 * link (FreeBSD and macOS say EMLINK or EFTYPE), refused naming the file.
 */
export function linkErrorFor(file: string): (error: unknown) => never {
  return (error) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE') throw linkRefused(file);
    throw error;
  };
}
