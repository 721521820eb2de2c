/**
 * The CLI against hostile files and careless command lines (issue 11, items
 * 5, 6, 8 and 9), run from the built output: no write through a planted
 * link, input refused by its type and size before a byte is read, every
 * file and name checked before the unlock, control characters never
 * reaching the terminal, a closed pipe ending quietly, passphrases never
 * echoed. After every refusal the store's bytes and journal are unchanged.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, rootkeeper } from '../support/cli';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR_TEXT = 'velvet-harbor-quartz-meadow-3';
const OPERATOR = `pass:${OPERATOR_TEXT}`;
const WRONG = 'pass:not-the-operator-passphrase';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
let firstIssue: string | undefined;
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir });
const inStore = (...args: string[]) => cli(...args, '--store', store);
const unlocked = (...args: string[]) => inStore(...args, '--operator-passin', OPERATOR);

/** The store's bytes and its journal as `audit log` prints it: what "nothing changed" means. */
async function state(): Promise<{ files: Record<string, string>; log: string }> {
  const log = unlocked('audit', 'log', '--json');
  expect(log.status, log.stderr).toBe(0);
  return { files: await snapshotFolder(store), log: log.stdout };
}

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-io-'));
  store = path.join(dir, 'store');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=IO Root CA',
    '--root-passout',
    ROOT,
    '--operator-passout',
    OPERATOR,
    ...FAST_KDF,
  );
  expect(init.status, init.stderr).toBe(0);
  const intermediate = unlocked(
    'intermediate',
    'create',
    '--subject',
    'CN=IO Issuing CA',
    '--purpose',
    'both',
    '--root-passin',
    ROOT,
  );
  expect(intermediate.status, intermediate.stderr).toBe(0);
  for (const cn of ['a.example.com', 'b.example.com']) {
    const issued = unlocked('issue', '--profile', 'server', '--cn', cn, '--out', 'bundles', '--no-key-encryption');
    expect(issued.status, issued.stderr).toBe(0);
    firstIssue ??= issued.stdout;
  }
  // Seven CLI runs with argon2id each: generous, for a loaded two-core machine.
}, 240_000);
afterAll(() => cleanup());

describe('no write through a link', () => {
  it('refuses a link planted below the export folder (kit/linux → victim), naming it, and writes nothing', async () => {
    const kit = path.join(dir, 'kit');
    const victim = path.join(dir, 'victim');
    await mkdir(kit);
    await mkdir(victim);
    await symlink(victim, path.join(kit, 'linux'));
    for (const force of [[], ['--force']]) {
      const result = inStore('export', 'root', '--out', 'kit', ...force);
      expect([result.status, result.stderr]).toEqual([
        2,
        expect.stringContaining(
          `${path.join(kit, 'linux')} is a symbolic link; Rootkeeper does not write through links.`,
        ),
      ]);
    }
    expect(await readdir(victim)).toEqual([]);
    expect(await readdir(kit)).toEqual(['linux']);
  });

  it('refuses a journal replaced by a link, naming it, and leaves its target alone', async () => {
    const copy = path.join(dir, 'linked-store');
    expect(unlocked('backup', '--out', 'linked.backup').status).toBe(0);
    // A restored copy beside the live store is a second history of the same store: the user's rollback
    // witness would then refuse the original (docs/vault.md). The copy is handled as on another account.
    const elsewhereUser = { env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'another-account') } };
    const restore = rootkeeper(['restore', 'linked.backup', '--store', copy, '--operator-passin', OPERATOR], {
      cwd: dir,
      ...elsewhereUser,
    });
    expect(restore.status, restore.stderr).toBe(0);
    const journal = path.join(copy, 'journal.rkj');
    const elsewhere = path.join(dir, 'journal-elsewhere.rkj');
    await writeFile(elsewhere, await readFile(journal));
    await rm(journal);
    await symlink(elsewhere, journal);
    const before = await readFile(elsewhere);
    const result = rootkeeper(['list', '--store', copy, '--operator-passin', OPERATOR], { cwd: dir, ...elsewhereUser });
    expect([result.status, result.stderr]).toEqual([2, expect.stringContaining(`${journal} is a symbolic link`)]);
    expect(await readFile(elsewhere)).toEqual(before);
  });
});

describe('bounded input, checked before anything is unlocked', () => {
  it('refuses /dev/zero, a FIFO and a folder at once, by their type', async () => {
    const zero = cli('convert', '/dev/zero', '--to', 'pem');
    expect([zero.status, zero.stderr]).toEqual([
      2,
      expect.stringContaining('/dev/zero: this is a device, not a file.'),
    ]);
    const fifo = path.join(dir, 'fifo');
    expect(run('mkfifo', [fifo]).status).toBe(0);
    const piped = cli('convert', 'fifo', '--to', 'pem');
    expect([piped.status, piped.stderr]).toEqual([
      2,
      expect.stringContaining('fifo: this is a pipe (FIFO), not a file.'),
    ]);
    const folder = cli('convert', 'bundles', '--to', 'pem');
    expect([folder.status, folder.stderr]).toEqual([
      2,
      expect.stringContaining('bundles: this is a folder, not a file.'),
    ]);
  });

  it('refuses a file over the cap by its size, before reading it', async () => {
    await writeFile(path.join(dir, 'big.pem'), Buffer.alloc(200 * 1024, 0x41));
    const result = cli('convert', 'big.pem', '--to', 'der');
    expect([result.status, result.stderr]).toEqual([
      2,
      expect.stringMatching(/big\.pem: this file is 204800 bytes; at most \d+/),
    ]);
  });

  it('sign-csr looks at its files before the unlock: a key given by mistake is named, even with a wrong passphrase', async () => {
    run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'mistake.pem'], {
      cwd: dir,
    });
    const before = await state();
    const result = inStore(
      'sign-csr',
      'mistake.pem',
      '--profile',
      'server',
      '--out',
      'signed',
      '--operator-passin',
      WRONG,
    );
    expect([result.status, result.stderr]).toEqual([
      2,
      expect.stringMatching(/mistake\.pem: This file is a private key, not a certificate signing request\./),
    ]);
    expect(result.stderr).not.toMatch(/unlocking/);
    expect(await state()).toEqual(before);
    const device = inStore(
      'sign-csr',
      '/dev/zero',
      '--profile',
      'server',
      '--out',
      'signed',
      '--operator-passin',
      WRONG,
    );
    expect([device.status, device.stderr]).toEqual([2, expect.stringContaining('/dev/zero: this is a device')]);
  });

  it('checks days, names, destinations and output files before the unlock', async () => {
    const before = await state();
    const days = inStore(
      'issue',
      '--profile',
      'server',
      '--cn',
      'c.example.com',
      '--days',
      '900',
      '--out',
      'x',
      '--no-key-encryption',
      '--operator-passin',
      WRONG,
    );
    expect([days.status, days.stderr]).toEqual([2, expect.stringMatching(/--days must be from 1 to 825/)]);
    const bundle = inStore(
      'issue',
      '--profile',
      'server',
      '--cn',
      'a.example.com',
      '--out',
      'bundles',
      '--no-key-encryption',
      '--operator-passin',
      WRONG,
    );
    expect([bundle.status, bundle.stderr]).toEqual([2, expect.stringMatching(/already exists; nothing was written/)]);
    await writeFile(path.join(dir, 'existing.crl'), 'keep');
    const crl = inStore('crl', '--out', 'existing.crl', '--operator-passin', WRONG);
    expect([crl.status, crl.stderr]).toEqual([
      2,
      expect.stringMatching(/existing\.crl already exists; nothing was written/),
    ]);
    const crlDays = inStore('crl', '--days', '400', '--out', 'new.crl', '--operator-passin', WRONG);
    expect([crlDays.status, crlDays.stderr]).toEqual([2, expect.stringMatching(/--days must be from 1 to 366/)]);
    const subject = inStore(
      'intermediate',
      'create',
      '--subject',
      'XX=nonsense',
      '--root-passin',
      ROOT,
      '--operator-passin',
      WRONG,
    );
    expect(subject.status).toBe(2);
    for (const result of [days, bundle, crl, crlDays, subject]) expect(result.stderr).not.toMatch(/unlocking|wrong/i);
    expect(await readFile(path.join(dir, 'existing.crl'), 'utf8')).toBe('keep');
    expect(await state()).toEqual(before);
  });

  it('init refuses a folder that holds a store before it asks for anything or makes a key', () => {
    const again = cli('init', '--store', store, '--root-subject', 'CN=Again', ...FAST_KDF);
    expect([again.status, again.stderr]).toEqual([2, expect.stringMatching(/already holds a Rootkeeper store/)]);
    expect(again.stderr).not.toMatch(/generating|passphrase/i);
  });
});

describe('names and the terminal', () => {
  it('refuses a control character in --cn, so an ESC never reaches `list`', async () => {
    const before = await state();
    const evil = 'evil\u001b]0;owned\u0007\u001b[2J.example.com';
    const result = unlocked('issue', '--profile', 'client', '--cn', evil, '--out', 'evil', '--no-key-encryption');
    expect([result.status, result.stderr]).toEqual([
      2,
      expect.stringMatching(/--cn: the CN value contains control characters/),
    ]);
    expect(result.stderr).not.toContain('\u001b');
    expect(await state()).toEqual(before);
    const listed = unlocked('list');
    // eslint-disable-next-line no-control-regex
    expect(listed.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('CLI edges', () => {
  it('ends quietly with exit 0 when its reader closes early (list | head -1)', async () => {
    const child = spawn(process.execPath, [CLI, 'list', '--store', store, '--operator-passin', OPERATOR], { cwd: dir });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect([code, stderr]).toEqual([0, expect.not.stringMatching(/EPIPE|Error|at /)]);
    const head = spawnSync(
      'bash',
      [
        '-c',
        `set -o pipefail; "${process.execPath}" "${CLI}" audit log --store "${store}" --operator-passin ${OPERATOR} | head -c 1 >/dev/null`,
      ],
      { encoding: 'utf8' },
    );
    expect([head.status, head.stderr]).toEqual([0, expect.not.stringMatching(/EPIPE|Error/)]);
  });

  it('calls fd:abc a usage error (exit 1), and a closed descriptor too', () => {
    const abc = inStore('list', '--operator-passin', 'fd:abc');
    expect([abc.status, abc.stderr]).toEqual([
      1,
      expect.stringMatching(/fd: takes the number of an open file descriptor/),
    ]);
    const closed = inStore('list', '--operator-passin', 'fd:97');
    expect([closed.status, closed.stderr]).toEqual([1, expect.stringMatching(/file descriptor 97 is not open/)]);
  });

  it('never echoes a passphrase given without pass:, wherever it lands', () => {
    const bare = inStore('list', '--operator-passin', OPERATOR_TEXT);
    expect(bare.status).toBe(1);
    expect(bare.stderr).toMatch(/operator passphrase source is not one rootkeeper knows/);
    const positional = inStore('show', '0a', OPERATOR_TEXT, '--operator-passin', OPERATOR);
    expect(positional.status).toBe(1);
    const command = cli(OPERATOR, 'list');
    expect(command.status).toBe(1);
    const equals = inStore('list', `--operator-passin=${OPERATOR_TEXT}`);
    expect(equals.status).toBe(1);
    for (const result of [bare, positional, command, equals]) expect(result.stderr).not.toContain(OPERATOR_TEXT);
  });
});

describe('the store lock from the command line', () => {
  it('takes over a dead process’s lock with a notice, and names another host’s', async () => {
    const deadPid = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
    );
    const lock = path.join(store, 'rootkeeper.lock');
    await writeFile(lock, JSON.stringify({ pid: deadPid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const taken = unlocked('list');
    expect([taken.status, taken.stderr]).toEqual([
      0,
      expect.stringMatching(new RegExp(`notice: .*process ${deadPid} .*taken over`)),
    ]);
    await writeFile(lock, JSON.stringify({ pid: 4242, host: 'vault-laptop-2', since: '2026-01-01T00:00:00.000Z' }));
    const foreign = unlocked('list');
    expect([foreign.status, foreign.stderr]).toEqual([
      5,
      expect.stringMatching(/"vault-laptop-2" \(pid 4242.*ps -p 4242.*delete/),
    ]);
    await rm(lock);
  });
});

describe('the command line an officer expects (issue 16)', () => {
  it('prints a group’s commands for --help and when none is named', () => {
    const help = cli('export', '--help');
    expect([help.status, help.stdout]).toEqual([0, expect.stringMatching(/export root[\s\S]*export chain/)]);
    const none = cli('audit');
    expect([none.status, none.stdout]).toEqual([1, expect.stringMatching(/audit log[\s\S]*audit verify/)]);
    expect(cli('intermediate', '--help').stdout).toMatch(/intermediate create[\s\S]*intermediate import/);
  });

  it('takes the store from ROOTKEEPER_STORE, says so, and writes to standard output for -', async () => {
    const chain = rootkeeper(['export', 'chain', '--out', '-'], {
      cwd: dir,
      env: { ...process.env, ROOTKEEPER_STORE: store },
    });
    expect(chain.status, chain.stderr).toBe(0);
    expect(chain.stdout).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]*-----END CERTIFICATE-----\n$/);
    expect(chain.stderr).toContain(`store: ${store} (from ROOTKEEPER_STORE)`);
    expect(await readdir(dir)).not.toContain('-');
    const none = rootkeeper(['export', 'chain', '--out', '-'], {
      cwd: dir,
      env: { ...process.env, ROOTKEEPER_STORE: '' },
    });
    expect([none.status, none.stderr]).toEqual([
      1,
      expect.stringMatching(/--store is required \(or set ROOTKEEPER_STORE\)/),
    ]);
  });

  it('prints dates in words, not ISO', () => {
    expect(firstIssue).toMatch(/valid until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });
});
