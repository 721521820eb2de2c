import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSubject } from '../../../src-main/engine/names';
import { restoreBackup, verifyBackup, writeBackup } from '../../../src-main/store/backup';
import { failure } from '../../support/errors';
import { OPERATOR_PASSPHRASE, makeIssuingStore, snapshotFolder, testEnvironment, unlock } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: root, cleanup } = await makeTempDir('rootkeeper-backup-')));
afterEach(() => cleanup());

describe('backups', () => {
  it('writes an encrypted backup, verifies it without restoring, and restores it into an empty folder', async () => {
    const store = path.join(root, 'store');
    const session = await makeIssuingStore(store);
    const { issued } = await session.issue({
      profile: 'server',
      subject: parseSubject('CN=www.example.com'),
      sans: [],
    });
    await session.revoke(issued.serialNumber, 'superseded');
    const file = path.join(root, 'usb', 'rootkeeper.backup');
    await (await import('node:fs/promises')).mkdir(path.dirname(file));
    const summary = await writeBackup(session, file);
    expect((await session.readJournal()).at(-1)!.event).toMatchObject({
      type: 'backup-made',
      file: 'rootkeeper.backup',
      folder: path.dirname(file),
      sha256: summary.sha256,
    });
    await session.lock();

    // Nothing in it is readable without the passphrase.
    const bytes = await readFile(file);
    expect(bytes.includes(Buffer.from('www.example.com'))).toBe(false);
    expect(bytes.includes(Buffer.from(issued.serialNumber))).toBe(false);

    expect(await verifyBackup(file, OPERATOR_PASSPHRASE, testEnvironment())).toEqual({
      storeId: session.storeId,
      head: summary.head,
    });
    const target = path.join(root, 'other-machine', 'store');
    await restoreBackup(file, target, OPERATOR_PASSPHRASE, testEnvironment());
    const restored = await unlock(target);
    expect(restored.inventory.certificates.get(issued.serialNumber)?.revocation?.reason).toBe('superseded');
    // The journal goes on from the backup's head with the restore's own record.
    expect(restored.head.sequence).toBe(summary.head.sequence + 1);
    expect((await restored.readJournal()).at(-1)!.event).toMatchObject({
      type: 'store-restored',
      file: 'rootkeeper.backup',
      restoredHead: summary.head,
    });
    await restored.generateCrl();
    await restored.lock();
  });

  it('refuses to overwrite: neither an existing backup file nor an existing store', async () => {
    const store = path.join(root, 'store');
    const session = await makeIssuingStore(store);
    const file = path.join(root, 'backup.rk');
    await writeFile(file, 'precious');
    await expect(writeBackup(session, file)).rejects.toMatchObject({ reason: 'exists' });
    expect(await readFile(file, 'utf8')).toBe('precious');
    const good = path.join(root, 'good.rk');
    await writeBackup(session, good);
    await session.lock();
    const before = await snapshotFolder(store);
    await expect(restoreBackup(good, store, OPERATOR_PASSPHRASE, testEnvironment())).rejects.toMatchObject({
      reason: 'exists',
    });
    expect(await snapshotFolder(store)).toEqual(before);
  });

  it('refuses a wrong passphrase and any altered byte', async () => {
    const session = await makeIssuingStore(path.join(root, 'store'));
    const file = path.join(root, 'b.rk');
    await writeBackup(session, file);
    await session.lock();
    expect(await failure(verifyBackup(file, 'not-the-operator-passphrase', testEnvironment()))).toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    const bytes = await readFile(file);
    for (const offset of [0, 12, 40, Math.floor(bytes.length / 2), bytes.length - 20, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[offset]! ^= 0x04;
      await writeFile(file, altered);
      const error = await failure(verifyBackup(file, OPERATOR_PASSPHRASE, testEnvironment()));
      expect(error.code, `offset ${offset}: ${error.message}`).toBe('STORE_DAMAGED');
    }
    await writeFile(file, bytes.subarray(0, bytes.length - 100));
    expect(await failure(verifyBackup(file, OPERATOR_PASSPHRASE, testEnvironment()))).toMatchObject({
      code: 'STORE_DAMAGED',
    });
  });
});
