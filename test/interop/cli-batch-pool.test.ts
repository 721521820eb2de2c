/**
 * The built CLI (out/main/cli.js under plain Node) signs a batch large
 * enough for the worker pool: the worker is found as the build lays it out
 * (out/main/csr-batch-worker.js beside the shared chunks' folder). With
 * ROOTKEEPER_BATCH_POOL=require a pool that cannot start fails the command
 * instead of falling back to one thread, so this test fails if the built
 * worker is missing or broken. The requests are made by `openssl req`;
 * OpenSSL checks what was signed.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POOL_THRESHOLD } from '../../src-main/engine/csr-batch-pool';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';
import { snapshotFolder } from '../support/store';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
const COUNT = POOL_THRESHOLD + 4;

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
const env = { ...process.env, ROOTKEEPER_BATCH_POOL: 'require' };
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir, env });
const unlocked = (...args: string[]) => cli(...args, '--store', store, '--operator-passin', OPERATOR);

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-pool-'));
  store = path.join(dir, 'store');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=Pool CLI Root CA',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
    ...FAST_KDF,
  );
  expect(init.status, init.stderr).toBe(0);
  const created = cli(
    'intermediate',
    'create',
    '--store',
    store,
    '--subject',
    'CN=Pool CLI Issuing CA',
    '--purpose',
    'server',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
  );
  expect(created.status, created.stderr).toBe(0);
  run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'key.pem'], {
    cwd: dir,
  });
  for (let index = 0; index < COUNT; index++) {
    const name = `node${index}.example.com`;
    const made = run(
      'openssl',
      ['req', '-new', '-key', 'key.pem', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`],
      { cwd: dir },
    );
    await writeFile(path.join(dir, `${String(index).padStart(3, '0')}.csr`), made.stdout);
  }
}, 180_000);
afterAll(() => cleanup());

describe('sign-csr from the built CLI, on the worker pool', () => {
  it('signs every request, in order, each certificate verified by openssl', () => {
    const files = Array.from({ length: COUNT }, (_, index) => `${String(index).padStart(3, '0')}.csr`);
    const result = unlocked('sign-csr', ...files, '--profile', 'server', '--out', 'signed', '--json');
    expect(result.status, result.stderr).toBe(0);
    const { issued } = JSON.parse(result.stdout) as {
      issued: { certificate: { subject: string; serial: string }; bundle: { folder: string } }[];
    };
    expect(issued.map((entry) => entry.certificate.subject)).toEqual(
      files.map((_, index) => `CN=node${index}.example.com`),
    );
    expect(new Set(issued.map((entry) => entry.certificate.serial)).size).toBe(COUNT);
    for (const index of [0, 31, COUNT - 1]) {
      const folder = issued[index]!.bundle.folder;
      const verified = run('openssl', [
        'verify',
        '-CAfile',
        path.join(folder, 'ca-chain.cert.pem'),
        path.join(folder, `node${index}.example.com.cert.pem`),
      ]);
      expect(verified.stdout, verified.stderr).toMatch(/: OK\n$/);
    }
  }, 180_000);

  it('refuses the whole batch for one forged signature, naming its file: nothing signed, the store unchanged', async () => {
    // The CLI's look before the unlock reads no signature: the pool's full reading must refuse it.
    const files = Array.from({ length: COUNT }, (_, index) => `${String(index).padStart(3, '0')}.csr`);
    run('openssl', ['req', '-in', files[40]!, '-outform', 'DER', '-out', 'forged.csr'], { cwd: dir });
    const forged = await readFile(path.join(dir, 'forged.csr'));
    forged[forged.length - 2]! ^= 0x01;
    await writeFile(path.join(dir, 'forged.csr'), forged);
    // OpenSSL 3.0 reports the failure but exits 0.
    const checked = run('openssl', ['req', '-in', 'forged.csr', '-inform', 'DER', '-verify', '-noout'], { cwd: dir });
    expect(checked.stdout + checked.stderr).toMatch(/verify failure/);
    const batch = [...files.slice(0, 40), 'forged.csr', ...files.slice(41)];
    const before = await snapshotFolder(store);
    const log = unlocked('audit', 'log', '--json').stdout;
    const result = unlocked('sign-csr', ...batch, '--profile', 'server', '--out', 'forged-out');
    expect([result.status, result.stderr]).toEqual([2, expect.stringMatching(/forged\.csr: .*signature/i)]);
    expect(result.stderr).toMatch(/unlocking/);
    expect(existsSync(path.join(dir, 'forged-out'))).toBe(false);
    expect(await snapshotFolder(store)).toEqual(before);
    expect(unlocked('audit', 'log', '--json').stdout).toBe(log);
    expect(await readFile(path.join(dir, 'forged.csr'))).toEqual(forged);
  }, 180_000);
});
