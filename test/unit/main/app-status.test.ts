import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../../../src-main/host';
import { STORE_MARKER_FILE } from '../../../src-main/store/folder';
import { makeTempDir } from '../../support/temp-dir';

describe('the appStatus operation through the host', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir: root, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  it('reports the version, the store folder as it is now, and a locked session', async () => {
    const storeDir = path.join(root, 'store');
    const host = createHost({ version: '3.1.4', storeDir, log: { error: () => {} } });
    await expect(host.dispatch('appStatus', {})).resolves.toEqual({
      ok: true,
      value: {
        version: '3.1.4',
        store: { location: storeDir, state: 'missing' },
        session: { locked: true, locksAt: null },
      },
    });
  });

  it('reads the folder afresh on every call', async () => {
    const host = createHost({ version: '1', storeDir: root, log: { error: () => {} } });
    const before = await host.dispatch('appStatus', {});
    await writeFile(path.join(root, STORE_MARKER_FILE), '{}');
    const after = await host.dispatch('appStatus', {});
    expect(before).toMatchObject({ value: { store: { state: 'empty' } } });
    expect(after).toMatchObject({ value: { store: { state: 'initialized' } } });
  });
});
