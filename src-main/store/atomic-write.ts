/**
 * Whole-file writes that a power cut cannot leave half done: write a temp
 * file beside the target, fsync it, rename it over the target, fsync the
 * folder so the rename itself is durable.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { fault } from './fault';

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  await refuseSymlink(file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', mode);
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

/** A link where a file should be written could send the write anywhere. */
export async function refuseSymlink(file: string): Promise<void> {
  try {
    if ((await lstat(file)).isSymbolicLink()) {
      throw rejected('policy', `${file} is a symbolic link; Rootkeeper does not write through links.`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
