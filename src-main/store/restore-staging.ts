/**
 * A restore made crash-safe. The backup's files are first written into a
 * staging folder inside the target (`.rootkeeper-restore/`), then a manifest
 * naming each file and its SHA-256: the manifest is the restore's intent, and
 * its presence commits it. Then each file is renamed into place, the store
 * file last, and the staging folder removed. Until the store file is in
 * place the folder is not a store; a crash before the manifest leaves a
 * staging folder that is simply removed (the folder is as it was), a crash
 * after it is finished on the next opening. Either way with a notice.
 */
import { mkdir, readFile, readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import { fsyncDirectory, writeFileAtomic } from './atomic-write';
import { decodeChecked, encodeChecked } from './checked-file';
import { StoreDamagedError } from './damage';
import { fault } from './fault';
import { sha256Hex } from './keyring';
import { STORE_FILE, isStoreFile } from './layout';

export const RESTORE_STAGING = '.rootkeeper-restore';
const MANIFEST = 'restore-manifest.json';

const ManifestSchema = v.strictObject({
  format: v.literal('rootkeeper-restore'),
  version: v.literal(1),
  files: v.array(
    v.strictObject({
      // Every generation's key file too: a name isStoreFile accepts, so nothing outside the store is written.
      name: v.pipe(v.string(), v.check(isStoreFile, 'must be a store file')),
      sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
    }),
  ),
});
type Manifest = v.InferOutput<typeof ManifestSchema>;

/** Writes `files` into `dir` as one change: all of them, or (after a crash) none once resolved. */
export async function restoreFiles(dir: string, files: ReadonlyMap<string, Buffer>): Promise<void> {
  const staging = path.join(dir, RESTORE_STAGING);
  await mkdir(staging, { mode: 0o700 });
  await fsyncDirectory(dir);
  // The store file last: until it is in place, the folder is not a store.
  const ordered = [...files].sort(([a], [b]) => Number(a === STORE_FILE) - Number(b === STORE_FILE));
  for (const [name, bytes] of ordered) await writeFileAtomic(path.join(staging, name), bytes);
  const manifest: Manifest = {
    format: 'rootkeeper-restore',
    version: 1,
    files: ordered.map(([name, bytes]) => ({
      name: name as Manifest['files'][number]['name'],
      sha256: sha256Hex(bytes),
    })),
  };
  await writeFileAtomic(path.join(staging, MANIFEST), encodeChecked(manifest));
  await finish(dir, manifest);
}

/** Finishes or undoes a restore a crash interrupted; the sentence to tell the officer, or null if there was none. */
export async function resolveInterruptedRestore(dir: string): Promise<string | null> {
  const staging = path.join(dir, RESTORE_STAGING);
  let text: string | null;
  try {
    text = await readFile(path.join(staging, MANIFEST), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    text = null;
  }
  if (text === null) {
    if (!(await present(staging))) return null;
    await rm(staging, { recursive: true, force: true });
    await fsyncDirectory(dir);
    return 'A restore was interrupted before all its files were written; it was rolled back, and the folder is as it was before it.';
  }
  await finish(dir, decodeChecked(text, MANIFEST, ManifestSchema));
  return 'A restore was interrupted after all its files were written; it was completed on opening.';
}

async function finish(dir: string, manifest: Manifest): Promise<void> {
  const staging = path.join(dir, RESTORE_STAGING);
  for (const file of manifest.files) {
    const staged = path.join(staging, file.name);
    const bytes = await readFile(staged).catch(() => null);
    if (bytes === null) {
      const live = await readFile(path.join(dir, file.name)).catch(() => null);
      if (live === null || sha256Hex(live) !== file.sha256)
        throw new StoreDamagedError(file.name, 'an interrupted restore cannot be completed: its copy is missing');
      continue;
    }
    if (sha256Hex(bytes) !== file.sha256)
      throw new StoreDamagedError(file.name, 'an interrupted restore staged a file that is not the one it recorded');
    await fault('restore.before-rename');
    await rename(staged, path.join(dir, file.name));
    await fsyncDirectory(dir);
  }
  await fault('restore.before-cleanup');
  // The manifest goes last: a crash while cleaning up is finished again, harmlessly.
  for (const name of (await readdir(staging)).filter((name) => name !== MANIFEST))
    await rm(path.join(staging, name), { force: true });
  await rm(path.join(staging, MANIFEST), { force: true });
  await rmdir(staging);
  await fsyncDirectory(dir);
}

/** Whether `dir` holds a restore's staging folder. */
export function isRestoreStaged(dir: string): Promise<boolean> {
  return present(path.join(dir, RESTORE_STAGING));
}

async function present(file: string): Promise<boolean> {
  return readdir(file).then(
    () => true,
    () => false,
  );
}
