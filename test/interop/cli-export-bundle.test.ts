/**
 * `export bundle`: a certificate's bundle written again from the store — the
 * command every PARTIAL failure of issue and sign-csr points to. After a
 * rotation, an old leaf's bundle carries its own (retired) generation's
 * chain, and openssl verifies it; no key is ever in it; refusals change
 * nothing.
 */
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir });
const unlocked = (...args: string[]) => cli(...args, '--store', store, '--operator-passin', OPERATOR);

function ok(result: { status: number | null; stdout: string; stderr: string }): string {
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

function createIntermediate(subject: string, ...extra: string[]): void {
  ok(unlocked('intermediate', 'create', '--subject', subject, '--key', 'ec-p256', '--root-passin', ROOT, ...extra));
}

let oldSerial: string;

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-export-bundle-'));
  store = path.join(dir, 'store');
  ok(
    cli(
      'init',
      '--store',
      store,
      '--root-subject',
      'CN=Bundle Root CA',
      '--root-key',
      'ec-p256',
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
      ...FAST_KDF,
    ),
  );
  createIntermediate('CN=Issuing CA 1');
  const issued = unlocked(
    'issue',
    '--profile',
    'server',
    '--cn',
    'old.example.com',
    '--out',
    'issued',
    '--no-key-encryption',
    '--json',
  );
  oldSerial = (JSON.parse(ok(issued)) as { certificate: { serial: string } }).certificate.serial;
  createIntermediate('CN=Issuing CA 2', '--rotate');
}, 180_000);
afterAll(() => cleanup());

describe('export bundle', () => {
  it("writes an old leaf's bundle with its own generation's chain, without a key, and journals it", async () => {
    const out = path.join(dir, 'again');
    const written = JSON.parse(ok(unlocked('export', 'bundle', '--serial', oldSerial, '--out', out, '--json'))) as {
      folder: string;
      files: { name: string; sha256: string }[];
    };
    const folder = path.join(out, 'old.example.com');
    expect(written.folder).toBe(folder);
    const names = (await readdir(folder)).sort();
    expect(names).toEqual(written.files.map((file) => file.name).sort());
    expect(names.some((name) => name.endsWith('.key.pem') || name.endsWith('.p12'))).toBe(false);
    // SHA256SUMS-style list checked by the real tool.
    const sums = run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);

    // The chain in the bundle is the retired generation's, and openssl builds the path with it.
    const chain = await readFile(path.join(folder, 'ca-chain.cert.pem'), 'utf8');
    const issuers = run('openssl', ['crl2pkcs7', '-nocrl', '-certfile', path.join(folder, 'ca-chain.cert.pem')]);
    const subjects = run('openssl', ['pkcs7', '-print_certs', '-noout'], { input: issuers.stdout }).stdout;
    expect(subjects).toMatch(/subject=CN\s?=\s?Issuing CA 1/);
    expect(subjects).not.toMatch(/Issuing CA 2/);
    await writeFile(path.join(dir, 'root.pem'), chain.slice(chain.lastIndexOf('-----BEGIN CERTIFICATE-----')));
    const cert = path.join(folder, 'old.example.com.cert.pem');
    const verified = run('openssl', [
      'verify',
      '-CAfile',
      path.join(dir, 'root.pem'),
      '-untrusted',
      path.join(folder, 'ca-chain.cert.pem'),
      cert,
    ]);
    expect(verified.stdout.trim(), verified.stderr).toBe(`${cert}: OK`);
    const serial = run('openssl', ['x509', '-in', cert, '-noout', '-serial']).stdout;
    expect(
      serial
        .trim()
        .replace(/^serial=0*/, '')
        .toLowerCase(),
    ).toBe(oldSerial);

    // The export is in the audit timeline.
    expect(ok(unlocked('audit', 'log'))).toContain(folder);
  }, 120_000);

  it('refuses a bundle file already there and an unknown serial with exit 2, changing nothing', async () => {
    const out = path.join(dir, 'taken');
    await mkdir(path.join(out, 'old.example.com'), { recursive: true });
    // A file of the bundle's is already there (another folder's files beside it are left alone, by design).
    await writeFile(path.join(out, 'old.example.com', 'old.example.com.cert.pem'), 'mine');
    const before = await snapshotFolder(store);
    const taken = unlocked('export', 'bundle', '--serial', oldSerial, '--out', out);
    expect(taken.status).toBe(2);
    expect(taken.stderr).toMatch(/old\.example\.com\.cert\.pem already exists/);
    expect(await readFile(path.join(out, 'old.example.com', 'old.example.com.cert.pem'), 'utf8')).toBe('mine');
    expect(await readdir(path.join(out, 'old.example.com'))).toEqual(['old.example.com.cert.pem']);
    const unknown = unlocked('export', 'bundle', '--serial', 'abcdef0123', '--out', path.join(dir, 'unknown'));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/abcdef0123/);
    expect(await snapshotFolder(store)).toEqual(before);
  }, 120_000);
});
