import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { writeFileAtomic } from '../store/atomic-write';

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
