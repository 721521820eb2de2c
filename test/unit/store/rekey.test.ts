/**
 * Re-keying on a passphrase change (issue 11, item 4). A new operator
 * passphrase brings a new data key: records written after the change do not
 * open with the old one, and an old copy of the store file with the old
 * passphrase no longer opens the store. The change survives a crash at its
 * commit point: the store opens in the old or the new state.
 */
import { open as openFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSubject } from '../../../src-main/engine/names';
import { writeBackup } from '../../../src-main/store/backup';
import { journalKeysFor } from '../../../src-main/store/epochs';
import { scanJournal } from '../../../src-main/store/journal';
import { openSlot, readKeyring, type Keyring } from '../../../src-main/store/keyring';
import { JOURNAL_FILE, LOCK_FILE, STORE_FILE } from '../../../src-main/store/layout';
import { ClosedStore, journalKeys } from '../../../src-main/store/store';
import { open } from '../../../src-main/vault/aead';
import { subkey } from '../../../src-main/vault/secrets';
import { failure } from '../../support/errors';
import { TEST_KDF_POLICY } from '../../support/kdf';
import {
  OPERATOR_PASSPHRASE,
  ROOT_PASSPHRASE,
  makeIssuingStore,
  readFolder,
  testEnvironment,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

const NEW_OPERATOR = 'saffron-tundra-beacon-river-9';
let root: string;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const temp = await makeTempDir('rootkeeper-rekey-');
  cleanup = temp.cleanup;
  root = temp.dir;
  dir = path.join(root, 'store');
});
afterEach(() => cleanup());

async function dataKeyOf(keyring: Keyring, passphrase: string): Promise<Buffer> {
  return openSlot(keyring, 'operator-data-key', passphrase, TEST_KDF_POLICY, 'operator');
}

/** The journal's records as [sequence, body] (length-prefixed after the 47-byte header). */
async function records(store: string): Promise<{ sequence: number; body: Buffer; end: number }[]> {
  const journal = await readFile(path.join(store, JOURNAL_FILE));
  const found = [];
  for (let offset = 47; offset < journal.length;) {
    const length = journal.readUInt32BE(offset);
    const body = journal.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    found.push({ sequence: Number(body.readBigUInt64BE(0)), body, end: offset });
  }
  return found;
}

describe('changing the operator passphrase', () => {
  it('makes a new data key: records after the change do not open with the old one', async () => {
    const session = await makeIssuingStore(dir);
    const oldKeyring = (await readKeyring(dir))!;
    const oldDataKey = await dataKeyOf(oldKeyring, OPERATOR_PASSPHRASE);
    const before = session.head.sequence;
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, NEW_OPERATOR);
    await session.issue({ profile: 'server', subject: parseSubject('CN=after.example.com'), sans: [] });
    await session.lock();

    // Decrypt every record with the old data key's journal subkey (the chain's associated data as the journal uses it).
    const oldKey = subkey(oldDataKey, 'journal', oldKeyring.storeId);
    const newKeyring = (await readKeyring(dir))!;
    const all = await records(dir);
    const opensWithOldKey = await Promise.all(all.map((record) => tryOpen(oldKey, record.body, dir, record.sequence)));
    // Up to the change's commit (store-file-changing, change-begun, passphrase-changed), the old key; from
    // change-ended, the first record after the new files are in place, never.
    const firstNew = newKeyring.epochs!.firstSequence;
    expect(firstNew).toBe(before + 4);
    expect(opensWithOldKey.slice(0, firstNew - 1).every(Boolean)).toBe(true);
    expect(opensWithOldKey.slice(firstNew - 1)).toEqual(all.slice(firstNew - 1).map(() => false));
    expect(all.length).toBeGreaterThan(firstNew);

    // The whole journal, read with the old data key alone, stops at the first record of the new epoch.
    const scan = scanJournal(dir, oldKeyring.storeId, {
      ...journalKeys(oldDataKey, oldKeyring.storeId),
      // The head is MACed under the new key; give the scan the new head key so it gets to the records.
      head: journalKeysFor(newKeyring, await dataKeyOf(newKeyring, NEW_OPERATOR)).head,
    });
    await expect(scan).rejects.toMatchObject({ message: expect.stringContaining(`record ${firstNew}`) });
  });

  it('an old copy of the store file with the old passphrase no longer opens the store, its later records or backups', async () => {
    const session = await makeIssuingStore(dir);
    const oldStoreFile = await readFile(path.join(dir, STORE_FILE));
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, NEW_OPERATOR);
    const backup = path.join(root, 'after.rk');
    await writeBackup(session, backup);
    await session.lock();

    // The attack of the review: the old store file put back, the old passphrase typed.
    await writeFile(path.join(dir, STORE_FILE), oldStoreFile);
    const refused = await failure((await ClosedStore.open(dir, testEnvironment())).unlock(OPERATOR_PASSPHRASE));
    expect(refused.code).toBe('STORE_DAMAGED');

    // The backup made after the change: its payload is sealed with the new data key's backup subkey.
    const oldKeyring = JSON.parse(oldStoreFile.toString('utf8')).body as Keyring;
    const oldBackupKey = subkey(await dataKeyOf(oldKeyring, OPERATOR_PASSPHRASE), 'backup', oldKeyring.storeId);
    const bytes = await readFile(backup);
    const headerLength = bytes.readUInt32BE(10);
    const header = bytes.subarray(14, 14 + headerLength);
    const body = bytes.subarray(14 + headerLength);
    expect(open(oldBackupKey, { nonce: body.subarray(0, 12), ciphertext: body.subarray(12) }, header)).toBeNull();
  });

  it('keeps the whole history readable with the new passphrase, through several changes', async () => {
    const session = await makeIssuingStore(dir);
    const { issued } = await session.issue({ profile: 'server', subject: parseSubject('CN=a.example.com'), sans: [] });
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, NEW_OPERATOR);
    await session.revoke(issued.serialNumber, 'keyCompromise');
    await session.changePassphrase('operator', NEW_OPERATOR, 'amber-falcon-glacier-spire-4');
    await session.generateCrl();
    await session.lock();
    const reopened = await (await ClosedStore.open(dir, testEnvironment())).unlock('amber-falcon-glacier-spire-4');
    expect(reopened.inventory.certificates.get(issued.serialNumber)?.revocation?.reason).toBe('keyCompromise');
    expect((await reopened.readJournal()).filter((entry) => entry.event.type === 'passphrase-changed')).toHaveLength(2);
    expect((await reopened.verifyJournal()).head).toEqual(reopened.head);
    // The intermediate key was re-sealed and still signs.
    await reopened.issue({ profile: 'server', subject: parseSubject('CN=b.example.com'), sans: [] });
    await reopened.lock();
  });

  it('opens in the old state when a crash came after the intent record, before the change began', async () => {
    // Crashes inside the change (after change-begun: staged files, the commit, each rename) are made for real,
    // by SIGKILL at every fault point, in fault-points.test.ts ("of changing the operator passphrase").
    const session = await makeIssuingStore(dir);
    const beforeFiles = await readFolder(dir);
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, NEW_OPERATOR);
    await session.lock();
    const afterFiles = await readFolder(dir);
    const newKeyring = (await readKeyring(dir))!;
    // The store file is bound to the head that ends with the change's intent record.
    const intentRecord = (await records(dir)).find(
      (record) => record.sequence === newKeyring.binding!.journal.sequence,
    )!;
    for (const [name, bytes] of beforeFiles) if (name !== LOCK_FILE) await writeFile(path.join(dir, name), bytes);
    const handle = await openFile(path.join(dir, JOURNAL_FILE), 'a');
    await handle.write(afterFiles.get(JOURNAL_FILE)!.subarray(beforeFiles.get(JOURNAL_FILE)!.length, intentRecord.end));
    await handle.close();
    expect(await failure((await ClosedStore.open(dir, testEnvironment())).unlock(NEW_OPERATOR))).toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    const old = await (await ClosedStore.open(dir, testEnvironment())).unlock(OPERATOR_PASSPHRASE);
    // The intent is kept (it is authentic), the store file is the old one, and the failed try is journaled.
    const types = (await old.readJournal()).slice(-3).map((entry) => entry.event.type);
    expect(types).toEqual(['store-file-changing', 'journal-recovered', 'unlock-failed']);
    await old.issue({ profile: 'server', subject: parseSubject('CN=c.example.com'), sans: [] });
    await old.lock();
  });
});

describe('changing the root passphrase', () => {
  it('re-seals the root key under a key from the new passphrase (a fresh salt), binding the store file anew', async () => {
    const session = await makeIssuingStore(dir);
    const before = (await readKeyring(dir))!;
    await session.changePassphrase('root', ROOT_PASSPHRASE, 'obsidian-willow-comet-harbor-5');
    const after = (await readKeyring(dir))!;
    const saltOf = (slot: typeof after.slots.root) => ('kdf' in slot ? slot.kdf.salt : null);
    expect(saltOf(after.slots.root)).not.toBe(saltOf(before.slots.root));
    expect(saltOf(after.slots.root)).not.toBeNull();
    const sealed = (slot: typeof after.slots.root) => ('ciphertext' in slot ? slot.ciphertext : null);
    expect(sealed(after.slots.root)).not.toBe(sealed(before.slots.root));
    expect(after.binding!.generation).toBe(before.binding!.generation + 1);
    expect(await failure(session.generateRootCrl(ROOT_PASSPHRASE))).toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect((await session.generateRootCrl('obsidian-willow-comet-harbor-5')).crlNumber).toBe(1);
    await session.lock();
  });
});

/** Tries to open a record with `key`, as the journal does: the previous chain hash is part of the associated data. */
async function tryOpen(key: Buffer, body: Buffer, store: string, sequence: number): Promise<boolean> {
  const all = await records(store);
  const { createHash } = await import('node:crypto');
  const storeId = (await readKeyring(store))!.storeId;
  let previous = createHash('sha256').update('rootkeeper-journal-genesis').update(storeId).digest();
  for (const record of all) {
    if (record.sequence === sequence) break;
    previous = createHash('sha256').update(previous).update(record.body).digest();
  }
  const seq = Buffer.alloc(8);
  seq.writeBigUInt64BE(BigInt(sequence));
  const aad = Buffer.concat([Buffer.from('rootkeeper-journal-v1'), Buffer.from(storeId), seq, previous]);
  return open(key, { nonce: body.subarray(8, 20), ciphertext: body.subarray(20) }, aad) !== null;
}
