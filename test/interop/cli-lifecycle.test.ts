/**
 * The CA lifecycle from the built CLI: a second intermediate refused with
 * exit 2 and nothing changed, rotation, `intermediate list --json`, `show`
 * for CAs, `crl --out DIR` ready to publish, revoking an intermediate with
 * the root CRL written at once, and `export chain` after a rotation — each
 * result checked with openssl.
 */
import { readFile, readdir } from 'node:fs/promises';
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
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

interface Generation {
  serial: string;
  subject: string;
  key: string;
  notBefore: string;
  notAfter: string;
  status: string;
  issued: number;
  crlNumber: number;
  nextUpdate: string | null;
}

function generations(): Generation[] {
  const listed = unlocked('intermediate', 'list', '--json');
  expect(listed.status, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as Generation[];
}

function create(subject: string, ...extra: string[]) {
  return unlocked(
    'intermediate',
    'create',
    '--subject',
    subject,
    '--key',
    'ec-p256',
    '--purpose',
    'both',
    '--root-passin',
    ROOT,
    ...extra,
  );
}

function issue(cn: string): string {
  const issued = unlocked(
    'issue',
    '--profile',
    'server',
    '--cn',
    cn,
    '--out',
    'bundles',
    '--no-key-encryption',
    '--json',
  );
  expect(issued.status, issued.stderr).toBe(0);
  return (JSON.parse(issued.stdout) as { certificate: { serial: string } }).certificate.serial;
}

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-lifecycle-'));
  store = path.join(dir, 'store');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=Lifecycle Root CA',
    '--root-key',
    'ec-p256',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
    ...FAST_KDF,
  );
  expect(init.status, init.stderr).toBe(0);
  const first = create(
    'CN=Issuing CA 1',
    '--issued-crl-url',
    'http://pki.example.com/issuing-1.crl',
    '--issued-aia-url',
    'http://pki.example.com/issuing-1.cer',
  );
  expect(first.status, first.stderr).toBe(0);
});
afterAll(() => cleanup());

describe('intermediate generations from the command line', () => {
  it('refuses a second intermediate with exit 2 and a sentence about rotation, changing nothing', async () => {
    const before = await snapshotFolder(store);
    const refused = create('CN=Issuing CA 2');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/already active.*rotation.*retired.*--rotate/);
    expect(await snapshotFolder(store)).toEqual(before);
    const csr = unlocked('intermediate', 'csr', '--subject', 'CN=Issuing CA 2', '--out', 'ca2.csr');
    expect(csr.status).toBe(2);
    const https = create('CN=Issuing CA 2', '--rotate', '--issued-crl-url', 'https://pki.example.com/x.crl');
    expect([https.status, https.stderr]).toEqual([2, expect.stringMatching(/must be a plain http:\/\/ URL/)]);
    // The root's own CRL URL is checked before any passphrase is read: the passphrase files here do not exist.
    const rootCrl = cli(
      'intermediate',
      'create',
      '--store',
      store,
      '--subject',
      'CN=Issuing CA 2',
      '--rotate',
      '--crl-url',
      'https://pki.example.com/root.crl',
      '--root-passin',
      `file:${path.join(dir, 'no-such-root-passphrase')}`,
      '--operator-passin',
      `file:${path.join(dir, 'no-such-operator-passphrase')}`,
    );
    expect([rootCrl.status, rootCrl.stderr]).toEqual([
      2,
      expect.stringMatching(/CRL URL.*must be a plain http:\/\/ URL/),
    ]);
    expect(rootCrl.stderr).not.toMatch(/no-such/);
    expect(await snapshotFolder(store)).toEqual(before);
  }, 120_000);

  it('rotates, lists generations, publishes one CRL per issuer, revokes the old CA with the root CRL', async () => {
    const oldLeaf = issue('old.example.com');
    const [first] = generations();
    const rotated = create('CN=Issuing CA 2', '--rotate');
    expect(rotated.status, rotated.stderr).toBe(0);
    const newLeaf = issue('new.example.com');

    const listed = generations();
    expect(listed.map((generation) => [generation.status, generation.issued, generation.crlNumber])).toEqual([
      ['retired', 1, 0],
      ['active', 1, 0],
    ]);
    expect(Object.keys(listed[0]!).sort()).toEqual(
      ['serial', 'subject', 'key', 'notBefore', 'notAfter', 'status', 'issued', 'crlNumber', 'nextUpdate'].sort(),
    );
    expect(listed[0]).toMatchObject({ serial: first!.serial, subject: 'CN=Issuing CA 1', nextUpdate: null });
    const text = unlocked('intermediate', 'list');
    expect(text.stdout).toMatch(/retired/);

    // The old leaf carries its generation's links; openssl reads them back.
    const oldPem = path.join(dir, 'bundles', 'old.example.com', 'old.example.com.cert.pem');
    const links = openssl('x509', '-in', oldPem, '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess').stdout;
    expect(links).toContain('URI:http://pki.example.com/issuing-1.crl');
    expect(links).toContain('CA Issuers - URI:http://pki.example.com/issuing-1.cer');

    expect(unlocked('revoke', oldLeaf, '--reason', 'superseded').status).toBe(0);
    const published = unlocked('crl', '--out', 'publish');
    expect(published.status, published.stderr).toBe(0);
    const files = (await readdir(path.join(dir, 'publish'))).sort();
    const second = listed[1]!.serial;
    expect(files).toEqual(
      [
        'issuing-1.crl',
        'issuing-1.crl.pem',
        'issuing-1.cer',
        `issuing_ca_2-${second.slice(0, 8)}.crl`,
        `issuing_ca_2-${second.slice(0, 8)}.crl.pem`,
        `issuing_ca_2-${second.slice(0, 8)}.cer`,
        'SHA256SUMS',
      ].sort(),
    );
    // The DER CRL of the old generation, against its own certificate (DER too), lists the old leaf only.
    const crl = openssl('crl', '-inform', 'DER', '-in', 'publish/issuing-1.crl', '-noout', '-text');
    expect(crl.stdout.toLowerCase()).toContain(oldLeaf);
    expect(crl.stdout.toLowerCase()).not.toContain(newLeaf);
    const signer = openssl(
      'crl',
      '-inform',
      'DER',
      '-in',
      'publish/issuing-1.crl',
      '-noout',
      '-CAfile',
      await derToPem('publish/issuing-1.cer'),
    );
    expect(signer.stderr + signer.stdout).toMatch(/verify OK/);

    // show works for CAs and the root.
    const shown = unlocked('show', first!.serial);
    expect(shown.stdout).toMatch(/intermediate CA, retired/);

    // Revoking the old CA: the root signs its CRL in the same ceremony.
    const revoked = unlocked(
      'revoke',
      first!.serial,
      '--reason',
      'cACompromise',
      '--root-passin',
      ROOT,
      '--crl-out',
      'root.crl',
    );
    expect(revoked.status, revoked.stderr).toBe(0);
    const rootCrl = openssl('crl', '-inform', 'DER', '-in', 'root.crl', '-noout', '-text').stdout;
    expect(rootCrl.toLowerCase()).toContain(first!.serial);
    expect(rootCrl).toMatch(/CA Compromise/);
    expect(generations().map((generation) => generation.status)).toEqual(['revoked', 'active']);

    // The chain is the active generation, then the root.
    expect(cli('export', 'chain', '--store', store, '--out', 'chain.pem').status).toBe(0);
    const subjects = openssl('crl2pkcs7', '-nocrl', '-certfile', 'chain.pem').stdout;
    const printed = run('openssl', ['pkcs7', '-print_certs', '-noout'], { cwd: dir, input: subjects }).stdout;
    expect(printed.match(/subject=.*/g)).toEqual(['subject=CN = Issuing CA 2', 'subject=CN = Lifecycle Root CA']);
    // About fifteen commands, each unlocking with argon2id: generous on a loaded two-core machine.
  }, 300_000);

  it('says so when no intermediate is active', () => {
    const [, active] = generations();
    expect(unlocked('revoke', active!.serial, '--root-passin', ROOT).stdout).toMatch(/No intermediate is active now/);
    const refused = unlocked(
      'issue',
      '--profile',
      'server',
      '--cn',
      'x.example.com',
      '--out',
      'bundles',
      '--no-key-encryption',
    );
    expect([refused.status, refused.stderr]).toEqual([2, expect.stringMatching(/No intermediate CA is active/)]);
    expect(cli('export', 'chain', '--store', store, '--out', 'chain2.pem').status).toBe(2);
  }, 120_000);
});

async function derToPem(file: string): Promise<string> {
  const pem = `${file}.pem`;
  const converted = openssl('x509', '-inform', 'DER', '-in', file, '-out', pem);
  expect(converted.status, converted.stderr).toBe(0);
  expect((await readFile(path.join(dir, pem), 'utf8')).startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
  return pem;
}
