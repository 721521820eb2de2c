/**
 * `rootkeeper sign-csr --flat` from the built CLI, checked with the real
 * tools: `sha256sum -c` in the output folder, `openssl verify` of every
 * `<SERIAL>.pem` against the exported root and the batch's chain, file names
 * as `openssl ca -outdir` and `openssl x509 -serial` spell the serials that
 * `list --json` reports; refusals change neither the store nor the folder.
 */
import { lstat, mkdir, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatName } from '../../src-main/exports/flat';
import { normaliseSerial } from '../../src-main/engine/serial';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { opensslCsr } from '../support/openssl-csr';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
let rootPem: string;
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir });
const unlocked = (...args: string[]) => cli(...args, '--store', store, '--operator-passin', OPERATOR);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function tool(command: string, args: readonly string[], cwd = dir) {
  const result = run(command, args, { cwd });
  return { ...result, output: `${result.stdout}${result.stderr}` };
}

/** Everything under a folder: links by target, files by hash, folders by their entries. */
async function tree(folder: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const name of (await readdir(folder)).sort()) {
    const item = path.join(folder, name);
    const info = await lstat(item);
    if (info.isSymbolicLink()) found[name] = `link to ${await readlink(item)}`;
    else if (info.isDirectory())
      for (const [inner, value] of Object.entries(await tree(item))) found[`${name}/${inner}`] = value;
    else found[name] = sha256(await readFile(item));
  }
  return found;
}

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-flat-cli-'));
  store = path.join(dir, 'store');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=Flat Root CA, O=Rootkeeper Tests',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
    ...FAST_KDF,
  );
  expect(init.status, init.stderr).toBe(0);
  const intermediate = unlocked(
    'intermediate',
    'create',
    '--subject',
    'CN=Flat Issuing CA, O=Rootkeeper Tests',
    '--purpose',
    'server',
    '--root-passin',
    ROOT,
  );
  expect(intermediate.status, intermediate.stderr).toBe(0);
  const kit = cli('export', 'root', '--store', store, '--out', 'kit');
  expect(kit.status, kit.stderr).toBe(0);
  const crt = (await readdir(path.join(dir, 'kit'))).find((name) => name.endsWith('.crt'))!;
  rootPem = path.join(dir, 'kit', crt);
  await opensslCsr(dir, 'a', '/CN=a.example.com', 'subjectAltName=DNS:a.example.com,DNS:a2.example.com');
  await opensslCsr(dir, 'b', '/CN=b.example.com');
  const rsa = tool('openssl', [
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'c.key',
    '-subj',
    '/CN=c.example.com',
    '-outform',
    'DER',
    '-out',
    'c.der',
  ]);
  expect(rsa.status, rsa.stderr).toBe(0);
});
afterAll(() => cleanup());

describe('sign-csr --flat', () => {
  it('writes what openssl ca writes, which sha256sum -c and openssl verify accept, named by list --json serials', async () => {
    const result = unlocked('sign-csr', 'a.csr', 'b.csr', 'c.der', '--profile', 'server', '--out', 'flat', '--flat');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/with ca-chain\.cert\.pem and SHA256SUMS/);
    const out = path.join(dir, 'flat');
    const files = (await readdir(out)).sort();
    const pems = files.filter((name) => /^[0-9A-F]+\.pem$/.test(name));
    expect(pems).toHaveLength(3);
    expect(files).toEqual([...pems, 'SHA256SUMS', 'ca-chain.cert.pem'].sort());

    const listed: { serial: string }[] = JSON.parse(unlocked('list', '--json').stdout);
    expect(listed).toHaveLength(3);
    expect(listed.map((entry) => flatName(normaliseSerial(entry.serial)!)).sort()).toEqual(pems);

    const sums = tool('sha256sum', ['-c', '--strict', 'SHA256SUMS'], out);
    expect(sums.status, sums.output).toBe(0);
    expect(sums.stdout.trim().split('\n').sort()).toEqual([...pems, 'ca-chain.cert.pem'].map((name) => `${name}: OK`));

    for (const pem of pems) {
      const verify = tool('openssl', ['verify', '-CAfile', rootPem, '-untrusted', 'ca-chain.cert.pem', pem], out);
      expect([verify.status, verify.stdout.trim()], verify.output).toEqual([0, `${pem}: OK`]);
      const serial = tool('openssl', ['x509', '-in', pem, '-noout', '-serial'], out);
      expect(serial.stdout.trim()).toBe(`serial=${pem.replace(/\.pem$/, '')}`);
      expect(tool('openssl', ['x509', '-in', pem, '-noout', '-purpose'], out).stdout).toMatch(/SSL server : Yes/);
    }

    // The chain: the intermediate, then the root as the trust kit exports it.
    const chain = await readFile(path.join(out, 'ca-chain.cert.pem'), 'utf8');
    const blocks = chain.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g)!;
    expect(blocks).toHaveLength(2);
    await writeFile(path.join(dir, 'first.pem'), blocks[0]!);
    expect(tool('openssl', ['x509', '-in', 'first.pem', '-noout', '-subject']).stdout).toMatch(
      /CN ?= ?Flat Issuing CA/,
    );
    const root = tool('openssl', ['x509', '-in', rootPem, '-outform', 'PEM']).stdout;
    expect(blocks[1]).toBe(root);
  });

  it('names files as openssl ca -outdir does, leading zero nibble kept', async () => {
    const ca = path.join(dir, 'openssl-ca');
    await mkdir(path.join(ca, 'newcerts'), { recursive: true });
    await writeFile(path.join(ca, 'index.txt'), '');
    await writeFile(path.join(ca, 'serial'), '0A11\n');
    await writeFile(
      path.join(ca, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = d',
        '[ d ]',
        `database = ${ca}/index.txt`,
        `new_certs_dir = ${ca}/newcerts`,
        `serial = ${ca}/serial`,
        `certificate = ${ca}/ca.pem`,
        `private_key = ${ca}/ca.key`,
        'default_md = sha256',
        'default_days = 30',
        'policy = p',
        '[ p ]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    const made = tool(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key'].concat([
        '-subj',
        '/CN=Naming CA',
        '-out',
        'ca.pem',
      ]),
      ca,
    );
    expect(made.status, made.stderr).toBe(0);
    const signed = tool(
      'openssl',
      ['ca', '-batch', '-config', 'ca.cnf', '-notext', '-out', 'all.pem', '-infiles', path.join(dir, 'b.csr')],
      ca,
    );
    expect(signed.status, signed.output).toBe(0);
    expect(await readdir(path.join(ca, 'newcerts'))).toEqual([flatName(normaliseSerial('0A11')!)]);
  });

  it('refuses a folder holding an earlier batch, before the unlock: the store and the folder unchanged', async () => {
    const before = await snapshotFolder(store, ['throttle.json']);
    const folder = await tree(path.join(dir, 'flat'));
    const again = unlocked('sign-csr', 'b.csr', '--profile', 'server', '--out', 'flat', '--flat');
    expect([again.status, again.stderr]).toEqual([
      2,
      expect.stringMatching(/ca-chain\.cert\.pem already exists; nothing was written/),
    ]);
    expect(again.stderr).not.toMatch(/unlocking/);
    expect(await snapshotFolder(store, ['throttle.json'])).toEqual(before);
    expect(await tree(path.join(dir, 'flat'))).toEqual(folder);
  });

  it('refuses a link for the folder, a file for the folder and a bad request: nothing written or journaled', async () => {
    await mkdir(path.join(dir, 'real'));
    await symlink(path.join(dir, 'real'), path.join(dir, 'linked'));
    await writeFile(path.join(dir, 'plain'), 'a file');
    await writeFile(path.join(dir, 'key.pem'), await readFile(path.join(dir, 'a.key')));
    const before = await snapshotFolder(store, ['throttle.json']);
    const around = await tree(dir);
    const cases = [
      [['b.csr', '--out', 'linked'], /linked is a symbolic link/],
      [['b.csr', '--out', 'plain'], /plain: this is a file, not a folder|plain.*not a folder/],
      [['b.csr', 'key.pem', '--out', 'fresh'], /key\.pem: This file is a private key/],
    ] as const;
    for (const [args, message] of cases) {
      const refused = unlocked('sign-csr', ...args, '--profile', 'server', '--flat');
      expect([refused.status, refused.stderr]).toEqual([2, expect.stringMatching(message)]);
    }
    expect(await snapshotFolder(store, ['throttle.json'])).toEqual(before);
    expect(await tree(dir)).toEqual(around);
  });

  it('keeps one bundle folder per certificate without --flat', async () => {
    const result = unlocked('sign-csr', 'b.csr', '--profile', 'server', '--out', 'bundles');
    expect(result.status, result.stderr).toBe(0);
    expect(await readdir(path.join(dir, 'bundles'))).toEqual(['b.example.com']);
    const sums = tool('sha256sum', ['-c', '--strict', 'SHA256SUMS'], path.join(dir, 'bundles', 'b.example.com'));
    expect(sums.status, sums.output).toBe(0);
  });
});
