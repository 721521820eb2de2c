/**
 * Rollback detection (issue 11, item 1): the store file and the journal head
 * bound to each other, the per-user witness, accepting a rollback on
 * purpose, restores moving the witness, scratch copies leaving it alone, and
 * a head from the paper log checked with verifyJournal(expectHead).
 * Each rollback is made as the review made it: files copied back from an
 * earlier copy of the store.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSubject } from '../../../src-main/engine/names';
import { restoreBackup, verifyBackup, writeBackup } from '../../../src-main/store/backup';
import { JOURNAL_FILE, JOURNAL_HEAD_FILE, LOCK_FILE, STORE_FILE } from '../../../src-main/store/layout';
import type { Session } from '../../../src-main/store/session';
import { ClosedStore, acceptRollback } from '../../../src-main/store/store';
import { Witness, witnessPath } from '../../../src-main/store/witness';
import { failure } from '../../support/errors';
import {
  OPERATOR_PASSPHRASE,
  ROOT_PASSPHRASE,
  makeIssuingStore,
  makeStore,
  readFolder,
  snapshotFolder,
  testEnvironment,
  unlock,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let root: string;
let dir: string;
let witness: Witness;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const temp = await makeTempDir('rootkeeper-rollback-');
  cleanup = temp.cleanup;
  root = temp.dir;
  dir = path.join(root, 'store');
  witness = new Witness(path.join(root, 'config', 'rootkeeper', 'witness.json'));
});
afterEach(() => cleanup());

const env = (options: { witness?: Witness | null } = {}) => ({
  ...testEnvironment(),
  witness: options.witness === undefined ? witness : options.witness,
});

async function copyBack(files: Map<string, Buffer>, names: readonly string[]): Promise<void> {
  for (const name of names) await writeFile(path.join(dir, name), files.get(name)!);
}

/** The store's own files of a folder snapshot: not the lock a live session held when it was taken. */
function storeFiles(files: Map<string, Buffer>): string[] {
  return [...files.keys()].filter((name) => name !== LOCK_FILE);
}

async function issueOne(session: Session, name: string): Promise<string> {
  const { issued } = await session.issue({ profile: 'server', subject: parseSubject(`CN=${name}`), sans: [] });
  return issued.serialNumber;
}

describe('the store file and the journal head, bound to each other', () => {
  it('refuses an older journal and head under a newer store file: "rolled back"', async () => {
    await makeStore(dir, env());
    const early = await readFolder(dir);
    const session = await unlock(dir, env());
    await session.createIntermediate(ROOT_PASSPHRASE, {
      subject: parseSubject('CN=Test Intermediate CA'),
      key: 'ec-p256',
      purpose: 'both',
    });
    await session.revoke(await issueOne(session, 'a.example.com'), 'keyCompromise');
    await session.lock();
    // The review's rollback: only the old journal and head copied back; the witness left out of it.
    await copyBack(early, [JOURNAL_FILE, JOURNAL_HEAD_FILE]);
    const before = await snapshotFolder(dir);
    const refused = await failure(unlock(dir, env({ witness: null })));
    expect(refused.code).toBe('STORE_DAMAGED');
    expect(refused.message).toMatch(/rolled back: the journal and its head are older than the store file/);
    expect(await snapshotFolder(dir)).toEqual(before);
  });

  it('refuses an older store file under a newer journal: "rolled back"', async () => {
    await makeStore(dir, env());
    const early = await readFolder(dir);
    const session = await unlock(dir, env());
    await session.changePassphrase('root', ROOT_PASSPHRASE, 'obsidian-willow-comet-harbor-5');
    await session.lock();
    await copyBack(early, [STORE_FILE]);
    const before = await snapshotFolder(dir);
    const refused = await failure(unlock(dir, env({ witness: null })));
    expect(refused).toMatchObject({
      code: 'STORE_DAMAGED',
      message: expect.stringMatching(/rolled back: the store file is older than the journal/),
    });
    expect(await snapshotFolder(dir)).toEqual(before);
  });

  it('refuses a journal rolled back to just before a store-file change (it cannot pass for an interrupted one)', async () => {
    await makeStore(dir, env());
    const session = await unlock(dir, env());
    const justBefore = await readFolder(dir);
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, 'saffron-tundra-beacon-river-9');
    await session.lock();
    await copyBack(justBefore, [JOURNAL_FILE, JOURNAL_HEAD_FILE]);
    const refused = await failure(
      (await ClosedStore.open(dir, env({ witness: null }))).unlock('saffron-tundra-beacon-river-9'),
    );
    expect(refused.message).toMatch(/rolled back/);
  });

  it('opens a version-1 store file (no binding), and binds it at its next change', async () => {
    await makeStore(dir, env());
    const file = path.join(dir, STORE_FILE);
    const { body } = JSON.parse(await readFile(file, 'utf8')) as { body: Record<string, unknown> };
    // What a store made before this change looks like: version 1, no binding; its head (version 2 here) names
    // generation 1, so the head is rewritten as a version-1 head too, through the code's own writer.
    delete body.binding;
    body.version = 1;
    const { createHash } = await import('node:crypto');
    const text = JSON.stringify(body);
    await writeFile(file, `${JSON.stringify({ sha256: createHash('sha256').update(text).digest('hex'), body })}\n`);
    await writeVersion1Head(dir);
    const session = await unlock(dir, env());
    await session.changePassphrase('root', ROOT_PASSPHRASE, 'obsidian-willow-comet-harbor-5');
    await session.lock();
    const after = JSON.parse(await readFile(file, 'utf8')) as { body: { version: number; binding: object } };
    expect(after.body.version).toBe(2);
    expect(after.body.binding).toMatchObject({ generation: 1 });
    await (await unlock(dir, env())).lock();
  });
});

/** Rewrites the head file as version 1 (no generation), MACed with the store's head key. */
async function writeVersion1Head(store: string): Promise<void> {
  const { openSlot, readKeyring } = await import('../../../src-main/store/keyring');
  const { subkey } = await import('../../../src-main/vault/secrets');
  const { createHmac } = await import('node:crypto');
  const keyring = (await readKeyring(store))!;
  const dataKey = await openSlot(
    keyring,
    'operator-data-key',
    OPERATOR_PASSPHRASE,
    testEnvironment().kdfPolicy,
    'operator',
  );
  const headFile = path.join(store, JOURNAL_HEAD_FILE);
  const { body } = JSON.parse(await readFile(headFile, 'utf8')) as {
    body: { storeId: string; sequence: number; chainHash: string };
  };
  const mac = createHmac('sha256', subkey(dataKey, 'journal-head', keyring.storeId))
    .update(`rootkeeper-journal-head|${body.storeId}|${body.sequence}|${body.chainHash}`)
    .digest('hex');
  const v1 = {
    format: 'rootkeeper-journal-head',
    version: 1,
    storeId: body.storeId,
    sequence: body.sequence,
    chainHash: body.chainHash,
    mac,
  };
  const text = JSON.stringify(v1);
  const { createHash } = await import('node:crypto');
  await writeFile(
    headFile,
    `${JSON.stringify({ sha256: createHash('sha256').update(text).digest('hex'), body: v1 })}\n`,
  );
}

describe('the witness', () => {
  it('lives at the platform paths the issue names', () => {
    expect(witnessPath({ XDG_CONFIG_HOME: '/x/config' }, 'linux', '/home/o')).toBe('/x/config/rootkeeper/witness.json');
    expect(witnessPath({}, 'linux', '/home/o')).toBe('/home/o/.config/rootkeeper/witness.json');
    expect(witnessPath({}, 'darwin', '/Users/o')).toBe('/Users/o/Library/Application Support/rootkeeper/witness.json');
    expect(witnessPath({ APPDATA: 'C:\\Users\\o\\AppData\\Roaming' }, 'win32', 'C:\\Users\\o')).toBe(
      'C:\\Users\\o\\AppData\\Roaming\\rootkeeper\\witness.json',
    );
  });

  it('refuses a whole store folder put back from an earlier copy: "rolled back to record N; the last seen was record M"', async () => {
    const session = await makeIssuingStore(dir, env());
    const serial = await issueOne(session, 'victim.example.com');
    const earlier = await readFolder(dir);
    const earlierHead = session.head;
    await session.revoke(serial, 'keyCompromise');
    await session.generateCrl();
    const lastSeen = session.head;
    await session.lock();
    expect(await witness.read(session.storeId)).toMatchObject(lastSeen);

    await copyBack(earlier, storeFiles(earlier));
    const before = await snapshotFolder(dir);
    const refused = await failure(unlock(dir, env()));
    expect(refused.code).toBe('STORE_DAMAGED');
    expect(refused.message).toContain(
      `This store was rolled back to record ${earlierHead.sequence}; the last seen was record ${lastSeen.sequence}.`,
    );
    expect(await snapshotFolder(dir)).toEqual(before);
    expect(await witness.read(session.storeId)).toMatchObject(lastSeen);

    // Without the witness (another user, another machine) the internally consistent copy opens: the layer's limit.
    const elsewhere = await unlock(dir, env({ witness: null }));
    expect(elsewhere.inventory.certificates.get(serial)?.revocation).toBeUndefined();
    await elsewhere.lock();
  });

  it('refuses a rolled-back store that was written again (a fork), naming the record last seen', async () => {
    const session = await makeIssuingStore(dir, env());
    const earlier = await readFolder(dir);
    await issueOne(session, 'one.example.com');
    const lastSeen = session.head;
    await session.lock();
    await copyBack(earlier, storeFiles(earlier));
    // Someone without the witness writes to the old copy until it is as long as before.
    const forked = await unlock(dir, env({ witness: null }));
    await issueOne(forked, 'other.example.com');
    expect(forked.head.sequence).toBe(lastSeen.sequence);
    await forked.lock();
    const refused = await failure(unlock(dir, env()));
    expect(refused.message).toContain(
      `This store was rolled back and written again: the last seen was record ${lastSeen.sequence}, and this journal's record ${lastSeen.sequence} is another one`,
    );
  });

  it('accepts an older copy on purpose only with both passphrases, journals it and moves the witness back', async () => {
    const session = await makeIssuingStore(dir, env());
    const earlier = await readFolder(dir);
    const storeId = session.storeId;
    await issueOne(session, 'later.example.com');
    const lastSeen = session.head;
    await session.lock();
    await copyBack(earlier, storeFiles(earlier));

    expect(await failure(acceptRollback(dir, OPERATOR_PASSPHRASE, 'not-the-root-passphrase', env()))).toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    expect(await witness.read(storeId)).toMatchObject(lastSeen);
    await failure(unlock(dir, env()));

    const accepted = await acceptRollback(dir, OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, env());
    expect(accepted.lastSeen).toMatchObject(lastSeen);
    expect(await witness.read(storeId)).toMatchObject(accepted.head);
    const reopened = await unlock(dir, env());
    const last = (await reopened.readJournal()).at(-1)!.event;
    expect(last).toMatchObject({
      type: 'rollback-accepted',
      lastSeen: lastSeen.sequence,
      lastSeenHash: lastSeen.chainHash,
    });
    await reopened.lock();
    // Nothing to accept now.
    expect(await failure(acceptRollback(dir, OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, env()))).toMatchObject({
      code: 'REJECTED_INPUT',
    });
  });

  it('is never read or moved by verifying a backup; a restore journals itself and moves it back', async () => {
    const session = await makeIssuingStore(dir, env());
    const file = path.join(root, 'old.rk');
    const backup = await writeBackup(session, file);
    await issueOne(session, 'after-backup.example.com');
    const lastSeen = session.head;
    await session.lock();
    const witnessBytes = await readFile(witness.file);

    // A scratch copy: verifying an older backup neither trips on nor moves the witness.
    expect(await verifyBackup(file, OPERATOR_PASSPHRASE, env())).toMatchObject({ head: backup.head });
    expect(await readFile(witness.file)).toEqual(witnessBytes);

    // Restoring it (same store id, older head) is deliberate: journaled, and the witness follows.
    const target = path.join(root, 'restored');
    const restored = await restoreBackup(file, target, OPERATOR_PASSPHRASE, env());
    expect(restored.head.sequence).toBe(backup.head.sequence + 1);
    expect((await witness.read(session.storeId))!.sequence).toBeLessThan(lastSeen.sequence);
    const reopened = await unlock(target, env());
    expect((await reopened.readJournal()).at(-1)!.event).toMatchObject({ type: 'store-restored', file: 'old.rk' });
    await reopened.lock();
    // The original went on from the same record in another direction: now it is the copy that does not fit.
    expect((await failure(unlock(dir, env()))).message).toMatch(/rolled back and written again/);
  });
});

describe('a head from the paper log', () => {
  it('is found in the journal, or the journal was rolled back or rewritten since', async () => {
    const session = await makeIssuingStore(dir, env());
    const onPaper = session.head;
    await issueOne(session, 'x.example.com');
    expect(await session.verifyJournal(onPaper.chainHash)).toEqual({ head: session.head, expected: onPaper.sequence });
    expect(await failure(session.verifyJournal('ab'.repeat(32)))).toMatchObject({
      code: 'STORE_DAMAGED',
      message: expect.stringMatching(/does not pass through the head abab.* written down earlier/),
    });
    await session.lock();
  });
});
