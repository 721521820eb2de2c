import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_MARKER_FILE, inspectStoreFolder } from '../../../src-main/store/folder';
import { makeTempDir } from '../../support/temp-dir';

describe('inspectStoreFolder', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir: root, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  it('reports a folder that does not exist as missing', async () => {
    expect(await inspectStoreFolder(path.join(root, 'nope'))).toBe('missing');
  });

  it('reports an empty folder, and one holding only volume clutter, as empty', async () => {
    expect(await inspectStoreFolder(root)).toBe('empty');
    await mkdir(path.join(root, 'lost+found'));
    await writeFile(path.join(root, '.DS_Store'), '');
    expect(await inspectStoreFolder(root)).toBe('empty');
  });

  it('recognises a store by its marker file', async () => {
    await writeFile(path.join(root, STORE_MARKER_FILE), '{}');
    await writeFile(path.join(root, 'journal'), '');
    expect(await inspectStoreFolder(root)).toBe('initialized');
  });

  it('calls anything else foreign, so nothing is written into it', async () => {
    await writeFile(path.join(root, 'holiday.jpg'), 'x');
    expect(await inspectStoreFolder(root)).toBe('foreign');
  });

  it('calls a regular file in place of the folder foreign', async () => {
    const file = path.join(root, 'file');
    await writeFile(file, 'x');
    expect(await inspectStoreFolder(file)).toBe('foreign');
  });

  it('follows a link to a real store folder', async () => {
    await mkdir(path.join(root, 'real'));
    await writeFile(path.join(root, 'real', STORE_MARKER_FILE), '{}');
    await symlink(path.join(root, 'real'), path.join(root, 'link'));
    expect(await inspectStoreFolder(path.join(root, 'link'))).toBe('initialized');
  });
});
