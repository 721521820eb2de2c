/**
 * `audit accept-rollback` for a root in custody, through the built CLI: a
 * 2-of-3 store (one share PIN-protected) put back from an earlier copy is
 * refused by the witness (exit 4); accepting it takes the custodians' shares
 * like every other root operation. One share, a mistyped share, a wrong PIN
 * and a root passphrase are each refused by name, with the store's bytes,
 * its journal and the witness unchanged (throttle.json aside: a wrong secret
 * counts there); two shares (one with its PIN) accept it, and the journal
 * says so and names the custodians present.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, beforeEach, afterEach, describe, expect, it, vi } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const PIN = 'tulip-4821-xyz';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let store: string;
let config: string;
let cleanup: () => Promise<void>;
const env = () => ({ ...process.env, XDG_CONFIG_HOME: config });
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir, env: env() });
const inStore = (...args: string[]) => cli(...args, '--store', store);
const unlocked = (...args: string[]) => inStore(...args, '--operator-passin', OPERATOR);
const share = (index: number) =>
  `file:${path.join(dir, 'shares', ['share-1-Ada-Lovelace.txt', 'share-2-Alan-Turing.txt', 'share-3-Grace-Hopper.txt'][index - 1]!)}`;
const witnessFile = () => path.join(config, 'rootkeeper', 'witness.json');
const acceptRollback = (...root: string[]) =>
  inStore('audit', 'accept-rollback', '--operator-passin', OPERATOR, ...root);
/** Each step is a CLI process running argon2id; on a shared two-core machine a test takes minutes. */
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

beforeAll(() => requireBuiltCli());
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-rollback-custody-'));
  store = path.join(dir, 'store');
  config = path.join(dir, 'config');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=Custody Rollback Root CA',
    '--root-custody',
    '2-of-3',
    '--custodian',
    'Ada Lovelace',
    '--custodian',
    'Alan Turing',
    '--custodian',
    'Grace Hopper',
    '--custodian-pin',
    'pass:',
    '--custodian-pin',
    `pass:${PIN}`,
    '--custodian-pin',
    'pass:',
    '--share-out',
    path.join(dir, 'shares'),
    '--operator-passin',
    OPERATOR,
    ...FAST_KDF,
  );
  expect(init.status, init.stderr).toBe(0);
});
afterEach(() => cleanup());

const headOf = async () =>
  (JSON.parse((await readFile(path.join(store, 'journal-head.json'), 'utf8')).trim()) as { body: { sequence: number } })
    .body.sequence;

/** The store moved on (an intermediate signed by shares 1 and 3), then its earlier folder put back whole. */
async function rollBack(): Promise<{ earlierHead: number; lastSeen: number }> {
  const earlier = path.join(dir, 'earlier');
  await cp(store, earlier, { recursive: true });
  const earlierHead = await headOf();
  const created = unlocked(
    'intermediate',
    'create',
    '--subject',
    'CN=Custody Rollback Issuing CA',
    '--root-share',
    share(1),
    '--root-share',
    share(3),
  );
  expect(created.status, created.stderr).toBe(0);
  const lastSeen = await headOf();
  expect(lastSeen).toBeGreaterThan(earlierHead);
  await rm(store, { recursive: true });
  await cp(earlier, store, { recursive: true });
  return { earlierHead, lastSeen };
}

describe('accept-rollback with a root in custody', () => {
  it('refuses fewer than M shares, a mistyped share, a wrong PIN and a passphrase, changing nothing; two shares accept it', async () => {
    const { earlierHead, lastSeen } = await rollBack();
    const refused = unlocked('list');
    expect(refused.status).toBe(4);
    expect(refused.stderr).toContain(
      `This store was rolled back to record ${earlierHead}; the last seen was record ${lastSeen}.`,
    );
    expect(refused.stderr).toContain('a quorum of its shares');

    const before = await snapshotFolder(store, ['throttle.json']);
    const witnessBefore = await readFile(witnessFile());
    const unchanged = async () => {
      expect(await snapshotFolder(store, ['throttle.json'])).toEqual(before);
      expect(await readFile(witnessFile())).toEqual(witnessBefore);
    };

    const one = acceptRollback('--root-share', share(1));
    expect(one.status).toBe(3);
    expect(one.stderr).toMatch(/1 valid share of the 2 needed \(share 1 of Ada Lovelace\): the root stays locked/);
    await unchanged();

    const text = await readFile(share(3).slice('file:'.length), 'utf8');
    const lines = text.split('\n');
    const wordLine = lines.findIndex((line) => /^ 5 {2}/.test(line));
    const words = lines[wordLine]!.trim().split(/\s+/);
    words[2] = words[2] === 'zoo' ? 'zone' : 'zoo';
    lines[wordLine] = ` 5  ${words.slice(1).join(' ')}`;
    await writeFile(path.join(dir, 'mistyped.txt'), lines.join('\n'));
    const mistyped = acceptRollback('--root-share', share(1), '--root-share', `file:${path.join(dir, 'mistyped.txt')}`);
    expect(mistyped.status).toBe(2);
    expect(mistyped.stderr).toMatch(/mistyped\.txt is mistyped: its checksum does not match/);
    await unchanged();

    const wrongPin = acceptRollback(
      '--root-share',
      share(2),
      '--share-pin',
      'pass:not-the-pin',
      '--root-share',
      share(1),
    );
    expect(wrongPin.status).toBe(3);
    expect(wrongPin.stderr).toMatch(/The PIN for share-2-Alan-Turing\.txt is wrong/);
    await unchanged();

    const passphrase = acceptRollback('--root-passin', 'pass:granite-lantern-orbit-canyon-7');
    expect(passphrase.status).toBe(2);
    expect(passphrase.stderr).toMatch(/held by custodians, 2 of 3 shares needed/);
    await unchanged();

    // Still refused to open: nothing above accepted anything.
    expect(unlocked('list').status).toBe(4);

    const accepted = acceptRollback('--root-share', share(2), '--share-pin', `pass:${PIN}`, '--root-share', share(3));
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(
      `Accepted: this store goes on from record ${earlierHead}; the last seen was record ${lastSeen}.`,
    );
    expect(await readFile(witnessFile())).not.toEqual(witnessBefore);

    const log = unlocked('audit', 'log', '--json');
    expect(log.status, log.stderr).toBe(0);
    const summaries = (JSON.parse(log.stdout) as { summary: string }[]).map((entry) => entry.summary).join('\n');
    expect(summaries).toMatch(/An older copy of the store was accepted/);
    expect(summaries).toMatch(/Alan Turing/);
    expect(summaries).toMatch(/Grace Hopper/);
    // The intermediate made after the earlier copy is not in it: the store goes on from the copy.
    const list = unlocked('intermediate', 'list');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).not.toContain('Custody Rollback Issuing CA');
  });
});
