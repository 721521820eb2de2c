/**
 * Store integrity through the built CLI, each command a new process as a
 * script runs it (issue 11, items 1, 4 and 7): the rollback the review made
 * (journal.rkj and journal-head.json copied back) and a whole-folder one
 * caught by the per-user witness (exit 4, "rolled back"), accept-rollback,
 * restore and verify-backup around the witness, --expect-head, passwd, and
 * the throttle holding across processes. The witness lives under the
 * XDG_CONFIG_HOME each test sets to a fresh folder.
 */
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let store: string;
let config: string;
let cleanup: () => Promise<void>;
const env = () => ({ ...process.env, XDG_CONFIG_HOME: config });
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir, env: env() });
const inStore = (...args: string[]) => cli(...args, '--store', store);
const unlocked = (...args: string[]) => inStore(...args, '--operator-passin', OPERATOR);
const witnessFile = () => path.join(config, 'rootkeeper', 'witness.json');
/** Each step is a CLI process running argon2id; on a shared two-core machine a test takes minutes. */
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

beforeAll(() => requireBuiltCli());
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-integrity-'));
  store = path.join(dir, 'store');
  config = path.join(dir, 'config');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=Integrity Root CA',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
    ...FAST_KDF,
  );
  expect(init.status, init.stderr).toBe(0);
  // The ceremony record carries the journal head, for the paper log.
  expect(init.stdout).toMatch(/Journal head: record 2, chain hash [0-9a-f]{64}/);
});
afterEach(() => cleanup());

function createIntermediate(): void {
  const result = unlocked('intermediate', 'create', '--subject', 'CN=Integrity Issuing CA', '--root-passin', ROOT);
  expect(result.status, result.stderr).toBe(0);
}

function issue(cn: string): string {
  const result = unlocked(
    'issue',
    '--profile',
    'server',
    '--cn',
    cn,
    '--out',
    path.join(dir, 'bundles'),
    '--no-key-encryption',
    '--json',
  );
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { certificate: { serial: string } }).certificate.serial;
}

async function copyStore(to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(store, to, { recursive: true });
}

describe('rollback detection', () => {
  it('refuses the review rollback (journal and head copied back): exit 4 "rolled back", nothing written', async () => {
    const early = path.join(dir, 'early');
    await copyStore(early);
    createIntermediate();
    const serial = issue('victim.example.com');
    expect(unlocked('revoke', serial, '--reason', 'keyCompromise').status).toBe(0);
    expect(unlocked('crl', '--out', path.join(dir, 'crl1.pem')).status).toBe(0);
    // Only the old journal and head are needed for the attack; the witness is kept out of it.
    for (const name of ['journal.rkj', 'journal-head.json'])
      await writeFile(path.join(store, name), await readFile(path.join(early, name)));
    await rm(config, { recursive: true, force: true });
    const before = await snapshotFolder(store);
    const opened = unlocked('list');
    expect(opened.status, opened.stderr).toBe(4);
    expect(opened.stderr).toMatch(/rolled back/);
    expect(await snapshotFolder(store)).toEqual(before);
  });

  it('refuses a whole folder put back from an earlier copy, through the witness; accept-rollback needs both passphrases', async () => {
    createIntermediate();
    const serial = issue('victim.example.com');
    const earlier = path.join(dir, 'earlier');
    await copyStore(earlier);
    const earlierHead = JSON.parse((await readFile(path.join(store, 'journal-head.json'), 'utf8')).trim()).body
      .sequence;
    expect(unlocked('revoke', serial, '--reason', 'keyCompromise').status).toBe(0);
    const lastSeen = JSON.parse((await readFile(path.join(store, 'journal-head.json'), 'utf8')).trim()).body.sequence;
    await rm(store, { recursive: true });
    await cp(earlier, store, { recursive: true });
    const before = await snapshotFolder(store);
    const refused = unlocked('list');
    expect(refused.status).toBe(4);
    expect(refused.stderr).toContain(
      `This store was rolled back to record ${earlierHead}; the last seen was record ${lastSeen}.`,
    );
    expect(await snapshotFolder(store)).toEqual(before);

    const witnessBefore = await readFile(witnessFile());
    const wrongRoot = inStore(
      'audit',
      'accept-rollback',
      '--operator-passin',
      OPERATOR,
      '--root-passin',
      'pass:not-the-root-passphrase',
    );
    expect(wrongRoot.status).toBe(3);
    expect(await readFile(witnessFile())).toEqual(witnessBefore);

    const accepted = inStore('audit', 'accept-rollback', '--operator-passin', OPERATOR, '--root-passin', ROOT);
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(`the last seen was record ${lastSeen}`);
    const log = unlocked('audit', 'log', '--json');
    expect(log.status, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/An older copy of the store was accepted/);
  });

  it('verify-backup never reads or moves the witness; restore journals itself and moves it', async () => {
    createIntermediate();
    const backup = path.join(dir, 'store.rkbackup');
    const made = unlocked('backup', '--out', backup);
    expect(made.status, made.stderr).toBe(0);
    issue('after.example.com');
    const witnessBefore = await readFile(witnessFile());
    const verified = cli('verify-backup', backup, '--operator-passin', OPERATOR);
    expect(verified.status, verified.stderr).toBe(0);
    expect(await readFile(witnessFile())).toEqual(witnessBefore);

    const target = path.join(dir, 'restored');
    const restored = cli('restore', backup, '--store', target, '--operator-passin', OPERATOR);
    expect(restored.status, restored.stderr).toBe(0);
    expect(await readFile(witnessFile())).not.toEqual(witnessBefore);
    const log = cli('audit', 'log', '--store', target, '--operator-passin', OPERATOR);
    expect(log.status, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/Restored from the backup store\.rkbackup/);
  });

  it('audit verify --expect-head finds the head written on paper, or exits 4', async () => {
    createIntermediate();
    const first = unlocked('audit', 'verify', '--json');
    const onPaper = (JSON.parse(first.stdout) as { head: { sequence: number; chainHash: string } }).head;
    issue('x.example.com');
    const found = unlocked('audit', 'verify', '--expect-head', onPaper.chainHash);
    expect(found.status, found.stderr).toBe(0);
    expect(found.stdout).toContain(`The expected head is record ${onPaper.sequence}`);
    const bundleReadme = await readFile(path.join(dir, 'bundles', 'x.example.com', 'README.txt'), 'utf8');
    expect(bundleReadme).toMatch(/CA journal: {2}record \d+, chain hash [0-9a-f]{64}/);
    const missing = unlocked('audit', 'verify', '--expect-head', 'ab'.repeat(32));
    expect(missing.status).toBe(4);
    expect(missing.stderr).toMatch(/does not pass through the head/);
    expect(unlocked('audit', 'verify', '--expect-head', 'xyz').status).toBe(1);
    // The root trust kit carries no head: what it holds does not change as the journal grows (the
    // mobileconfig's UUIDs and the PKCS#12 salt are fresh for every export, by design, and are left out).
    const kit1 = inStore('export', 'root', '--out', path.join(dir, 'kit1'));
    issue('y.example.com');
    const kit2 = inStore('export', 'root', '--out', path.join(dir, 'kit2'));
    const stable = (output: string) =>
      output
        .split('\n')
        .filter((line) => /^ {2}[0-9a-f]{64} {2}/.test(line) && !/mobileconfig|\.p12|SHA256SUMS/.test(line));
    expect(stable(kit1.stdout).length).toBeGreaterThan(5);
    expect(stable(kit2.stdout)).toEqual(stable(kit1.stdout));
    expect(await readFile(path.join(dir, 'kit1', 'README.txt'), 'utf8')).not.toMatch(/journal|chain hash/i);
  });
});

describe('passwd', () => {
  it('changes the operator passphrase to a new data key: the old store file and passphrase no longer open the store', async () => {
    createIntermediate();
    const oldStoreFile = await readFile(path.join(store, 'rootkeeper-store.json'));
    const changed = inStore(
      'passwd',
      '--operator',
      '--passin',
      OPERATOR,
      '--passout',
      'pass:saffron-tundra-beacon-river-9',
    );
    expect(changed.status, changed.stderr).toBe(0);
    expect(unlocked('list').status).toBe(3);
    const list = inStore('list', '--operator-passin', 'pass:saffron-tundra-beacon-river-9');
    expect(list.status, list.stderr).toBe(0);
    // The review's attack: the old store file back, the old passphrase typed.
    await writeFile(path.join(store, 'rootkeeper-store.json'), oldStoreFile);
    expect(unlocked('list').status).toBe(4);
  });

  it('changes the root passphrase; usage errors are exit 1', () => {
    createIntermediate();
    const changed = inStore(
      'passwd',
      '--root',
      '--operator-passin',
      OPERATOR,
      '--passin',
      ROOT,
      '--passout',
      'pass:obsidian-willow-comet-harbor-5',
    );
    expect(changed.status, changed.stderr).toBe(0);
    expect(unlocked('crl', '--ca', 'root', '--root-passin', ROOT, '--out', path.join(dir, 'r.crl')).status).toBe(3);
    expect(
      unlocked(
        'crl',
        '--ca',
        'root',
        '--root-passin',
        'pass:obsidian-willow-comet-harbor-5',
        '--out',
        path.join(dir, 'r.crl'),
      ).status,
    ).toBe(0);
    expect(inStore('passwd', '--operator', '--root', '--passin', OPERATOR).status).toBe(1);
    expect(inStore('passwd', '--passin', OPERATOR).status).toBe(1);
  });
});

describe('what happened while the store was locked', () => {
  it('journals, at the next unlock, a wrong passphrase given to another process and exports made without one', async () => {
    createIntermediate();
    expect(inStore('list', '--operator-passin', 'pass:wrong-passphrase-1').status).toBe(3);
    const kit = inStore('export', 'root', '--out', path.join(dir, 'kit'));
    expect(kit.status, kit.stderr).toBe(0);
    const chain = inStore('export', 'chain', '--out', path.join(dir, 'chain.pem'));
    expect(chain.status, chain.stderr).toBe(0);
    expect(await readFile(path.join(store, 'pending-journal.jsonl'), 'utf8')).toMatch(/root-trust-kit[\s\S]*ca-chain/);
    // One exported file changed before the next unlock: the journal says so.
    await writeFile(path.join(dir, 'chain.pem'), 'changed');
    const log = unlocked('audit', 'log');
    expect(log.status, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/1 wrong operator passphrase between/);
    expect(log.stdout).toMatch(
      /Export \(root-trust-kit\) written to .*kit.* Recorded while locked; at the next unlock the files still match\./,
    );
    expect(log.stdout).toMatch(
      /Export \(ca-chain\) written to .* Recorded while locked; at the next unlock the files have changed since\./,
    );
    await expect(readFile(path.join(store, 'pending-journal.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the throttle across processes', () => {
  it('refuses the sixth attempt, even with the right passphrase, in a new process: exit 3 "wait 30 s"', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = inStore('list', '--operator-passin', `pass:wrong-passphrase-${attempt}`);
      expect(wrong.status).toBe(3);
    }
    const before = await snapshotFolder(store);
    const refused = unlocked('list');
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/Wait (2\d|30) s before trying again/);
    // The refusal wrote nothing, not even the throttle's count.
    expect(await snapshotFolder(store)).toEqual(before);
  });
});
