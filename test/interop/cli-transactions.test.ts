/**
 * The CLI's exit 2 means nothing changed: each refusal below is tried on a
 * store, and afterwards every byte of the store, `audit log` and `list` are
 * what they were. These reproduce what the review found: issuing into an
 * existing bundle folder signed and journaled a certificate before refusing,
 * and `crl --out existing.pem` used up a CRL number. openssl reads the CRL
 * numbers back.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
/** Every check unlocks (argon2id) several times: generous on a loaded two-core machine. */
const SLOW = 600_000;

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir });
const unlocked = (...args: string[]) => cli(...args, '--store', store, '--operator-passin', OPERATOR);
const issueWww = (...extra: string[]) =>
  unlocked('issue', '--profile', 'server', '--cn', 'www.example.com', '--out', 'usb', '--no-key-encryption', ...extra);

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-txn-'));
  store = path.join(dir, 'store');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=Txn CLI Root CA',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
    ...FAST_KDF,
  );
  expect(init.status, init.stderr).toBe(0);
  const intermediate = unlocked('intermediate', 'create', '--subject', 'CN=Txn CLI Issuing CA', '--root-passin', ROOT);
  expect(intermediate.status, intermediate.stderr).toBe(0);
  expect(issueWww().status).toBe(0);
  expect(unlocked('crl', '--out', 'first.crl.pem').status).toBe(0);
  await mkdir(path.join(dir, 'kit'));
  await writeFile(path.join(dir, 'kit', 'SHA256SUMS'), 'a kit written before');
  await writeFile(path.join(dir, 'taken.rkbackup'), 'someone else’s file');
}, 600_000);
afterAll(() => cleanup());

/** The store's bytes, the audit timeline and the inventory, as the CLI prints them. */
async function state() {
  return {
    files: await snapshotFolder(store),
    audit: unlocked('audit', 'log', '--json').stdout,
    list: unlocked('list', '--json').stdout,
  };
}

function crlNumber(file: string): string {
  return run('openssl', ['crl', '-in', path.join(dir, file), '-noout', '-crlnumber']).stdout.trim();
}

async function expectExit2ChangingNothing(args: () => ReturnType<typeof cli>, message: RegExp): Promise<void> {
  const before = await state();
  const result = args();
  expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(message)]);
  expect(await state()).toEqual(before);
}

describe('exit 2 changes nothing', () => {
  it(
    'issue into an existing bundle folder: no certificate is signed or journaled',
    async () => {
      const listed = JSON.parse((await state()).list) as unknown[];
      await expectExit2ChangingNothing(
        () => issueWww(),
        // The CLI checks the bundle folder before it unlocks (nothing was even unlocked).
        /www\.example\.com\.cert\.pem already exists; nothing was written/,
      );
      expect(JSON.parse(unlocked('list', '--json').stdout)).toHaveLength(listed.length);
      // --force still replaces the files, as before.
      expect(issueWww('--force').status).toBe(0);
    },
    SLOW,
  );

  it(
    'crl --out an existing file: the CRL number is not used up',
    async () => {
      expect(crlNumber('first.crl.pem')).toBe('crlNumber=0x01');
      await expectExit2ChangingNothing(
        () => unlocked('crl', '--out', 'first.crl.pem'),
        /first\.crl\.pem already exists; nothing was written/,
      );
      expect(unlocked('crl', '--out', 'second.crl.pem').status).toBe(0);
      expect(crlNumber('second.crl.pem')).toBe('crlNumber=0x02');
    },
    SLOW,
  );

  it(
    'crl --out into a folder that does not exist: nothing signed or numbered',
    async () => {
      await expectExit2ChangingNothing(
        () => unlocked('crl', '--out', 'missing/third.crl.pem'),
        /missing is not a folder; nothing was written/,
      );
    },
    SLOW,
  );

  it(
    'export root into an existing folder, and backup over an existing file',
    async () => {
      await expectExit2ChangingNothing(
        () => cli('export', 'root', '--store', store, '--out', 'kit'),
        /kit\/SHA256SUMS already exists; nothing was written/,
      );
      await expectExit2ChangingNothing(
        () => unlocked('backup', '--out', 'taken.rkbackup'),
        /taken\.rkbackup already exists; nothing was written/,
      );
    },
    SLOW,
  );
});
