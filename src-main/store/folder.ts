import { readdir, stat } from 'node:fs/promises';
import type { StoreFolderState } from '../../shared/domain/app-status';

/** The file whose presence marks a folder as a Rootkeeper store. */
export const STORE_MARKER_FILE = 'rootkeeper-store.json';

/**
 * Entries that operating systems put on fresh volumes by themselves. A newly
 * formatted USB stick holding only these still counts as empty.
 */
const VOLUME_CLUTTER = new Set([
  'lost+found',
  '.DS_Store',
  '.Spotlight-V100',
  '.Trashes',
  '.fseventsd',
  'System Volume Information',
]);

/** Tells, without opening anything, what a candidate store folder holds. */
export async function inspectStoreFolder(dir: string): Promise<StoreFolderState> {
  try {
    if (!(await stat(dir)).isDirectory()) return 'foreign';
  } catch (error) {
    if (isNotFound(error)) return 'missing';
    throw error;
  }
  const entries = (await readdir(dir)).filter((name) => !VOLUME_CLUTTER.has(name));
  if (entries.includes(STORE_MARKER_FILE)) return 'initialized';
  return entries.length === 0 ? 'empty' : 'foreign';
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
