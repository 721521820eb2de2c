/**
 * `rootkeeper import openssl` against the guide's OpenSSL CA, built here with
 * the real openssl: the dry run reports every certificate and writes nothing;
 * the import keeps the source untouched, carries the revocation and the
 * counters, and OpenSSL judges the result — Rootkeeper's first CRL revokes
 * what the old one did (checked against the source's own chain file), and a
 * certificate issued afterwards verifies with the OLD ca-chain.cert.pem.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeperInProcess } from '../support/cli-in-process';
import {
  GUIDE_INTERMEDIATE_PASS,
  GUIDE_REVOKED,
  GUIDE_ROOT_PASS,
  GUIDE_SERVERS,
  buildGuideCa,
  hashTree,
} from '../support/guide-ca';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let ca: string;
let before: Record<string, string>;

const cli = (...args: string[]) => rootkeeperInProcess(args, dir);
const importArgs = (store: string, ...extra: string[]) => [
  'import',
  'openssl',
  '--store',
  store,
  '--root-dir',
  ca,
  '--root-key-passin',
  `pass:${GUIDE_ROOT_PASS}`,
  '--intermediate-key-passin',
  `pass:${GUIDE_INTERMEDIATE_PASS}`,
  ...extra,
];

function openssl(...args: string[]) {
  return run('openssl', args, { cwd: dir });
}

function serialOf(file: string): string {
  return openssl('x509', '-in', file, '-noout', '-serial')
    .stdout.trim()
    .replace('serial=', '')
    .replace(/^0+/, '')
    .toLowerCase();
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-import-openssl-'));
  ca = await buildGuideCa(dir);
  before = await hashTree(ca);
}, 120_000);

afterAll(async () => {
  await cleanup();
});

describe('import openssl --dry-run', () => {
  it('reports every certificate with serial, subject, status and the revocation reason, and writes nothing', async () => {
    const store = path.join(dir, 'dry-store');
    const result = await cli(...importArgs(store, '--dry-run'));
    expect(result.status, result.stderr).toBe(0);
    for (const name of GUIDE_SERVERS) expect(result.stdout).toContain(`CN=${name}`);
    const revokedLine = result.stdout.split('\n').find((line) => line.includes(`CN=${GUIDE_REVOKED}`))!;
    expect(revokedLine).toMatch(/1001\s+revoked on \d{4}-\d\d-\d\dT[\d:.]+Z \(keyCompromise\)/);
    expect(result.stdout).toMatch(/1000\s+valid\s+C=GB, O=Alice Ltd, CN=www\.example\.com/);
    expect(result.stdout).toContain('next CRL number 4097');
    expect(result.stdout).toContain('intermediate/private/www.example.com.key.pem');
    expect(result.stdout).toContain('Ready to import.');
    expect(existsSync(store)).toBe(false);
    expect(await hashTree(ca)).toEqual(before);
  });

  it('prints the same report as JSON', async () => {
    const result = await cli(...importArgs(path.join(dir, 'dry-json'), '--dry-run', '--json'));
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ready: boolean;
      certificates: {
        serial: string;
        subject: string;
        status: string;
        issuer: string;
        revocation: { reason: string } | null;
      }[];
      cas: { role: string; nextCrlNumber: number; crlNumberFile: number | null; serialFile: string }[];
      files: { path: string; sha256: string }[];
    };
    expect(report.ready).toBe(true);
    const leaves = report.certificates.filter((certificate) => certificate.issuer === 'intermediate');
    expect(leaves.map((leaf) => [leaf.serial, leaf.status, leaf.revocation?.reason ?? null])).toEqual([
      ['1000', 'valid', null],
      ['1001', 'revoked', 'keyCompromise'],
      ['1002', 'valid', null],
    ]);
    const intermediate = report.cas.find((entry) => entry.role === 'intermediate')!;
    expect(intermediate.crlNumberFile).toBe(0x1001);
    expect(intermediate.serialFile).toBe('1003');
    const index = report.files.find((file) => file.path === 'intermediate/index.txt')!;
    const expected = createHash('sha256')
      .update(await readFile(path.join(ca, 'intermediate/index.txt')))
      .digest('hex');
    expect(index.sha256).toBe(expected);
  });
});

describe('import openssl', () => {
  let store: string;

  beforeAll(async () => {
    store = path.join(dir, 'store');
    const result = await cli(...importArgs(store, '--root-passout', ROOT, '--operator-passout', OPERATOR, ...FAST_KDF));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Imported 4 certificates');
  }, 120_000);

  it('never writes the source', async () => {
    expect(await hashTree(ca)).toEqual(before);
  });

  it('writes no private key in clear into the store', async () => {
    for (const name of await readdir(store)) {
      const text = await readFile(path.join(store, name), 'latin1');
      expect(text).not.toContain('PRIVATE KEY');
    }
  });

  it("signs a first CRL that revokes what the old one did, judged by openssl against the source's chain", async () => {
    const crlFile = path.join(dir, 'rootkeeper.crl.pem');
    const crl = await cli('crl', '--store', store, '--out', crlFile, '--operator-passin', OPERATOR);
    expect(crl.status, crl.stderr).toBe(0);
    const number = openssl('crl', '-in', crlFile, '-noout', '-crlnumber').stdout;
    // The source's crlnumber file says 1001 (hex): OpenSSL would have used 0x1001 next.
    expect(number.trim()).toBe('crlNumber=0x1001');
    const chain = path.join(ca, 'intermediate/certs/ca-chain.cert.pem');
    for (const name of GUIDE_SERVERS) {
      const certificate = path.join(ca, `intermediate/certs/${name}.cert.pem`);
      const verdict = openssl('verify', '-crl_check', '-CAfile', chain, '-CRLfile', crlFile, certificate);
      if (name === GUIDE_REVOKED) {
        expect(verdict.status).not.toBe(0);
        expect(verdict.stdout + verdict.stderr).toContain('certificate revoked');
      } else {
        expect(verdict.status, verdict.stderr).toBe(0);
        expect(verdict.stdout).toContain(': OK');
      }
    }
    const text = openssl('crl', '-in', crlFile, '-noout', '-text').stdout;
    expect(text).toContain('Key Compromise');
    const oldText = openssl(
      'crl',
      '-in',
      path.join(ca, 'intermediate/crl/intermediate.crl.pem'),
      '-noout',
      '-text',
    ).stdout;
    const revocationDate = /Revocation Date: (.+)/.exec(oldText)![1];
    expect(text).toContain(`Revocation Date: ${revocationDate}`);
  });

  it('issues a certificate that verifies with the OLD ca-chain.cert.pem, with a serial unlike any imported one', async () => {
    const out = path.join(dir, 'issued');
    const issued = await cli(
      'issue',
      '--store',
      store,
      '--profile',
      'server',
      '--cn',
      'new.example.com',
      '--san',
      'dns:new.example.com',
      '--out',
      out,
      '--no-key-encryption',
      '--operator-passin',
      OPERATOR,
    );
    expect(issued.status, issued.stderr).toBe(0);
    const files = (await readdir(out, { recursive: true })).map(String);
    const certificate = path.join(
      out,
      files.find((name) => name.endsWith('new.example.com.cert.pem'))!,
    );
    const verdict = openssl('verify', '-CAfile', path.join(ca, 'intermediate/certs/ca-chain.cert.pem'), certificate);
    expect(verdict.status, verdict.stderr).toBe(0);
    expect(verdict.stdout).toContain(': OK');
    expect(['1000', '1001', '1002']).not.toContain(serialOf(certificate));
  });

  it('records the import in the journal with the SHA-256 of the source files', async () => {
    const log = await cli('audit', 'log', '--store', store, '--operator-passin', OPERATOR, '--json');
    expect(log.status, log.stderr).toBe(0);
    expect(log.stdout).toContain('Existing CA imported from openssl');
    const verify = await cli('audit', 'verify', '--store', store, '--operator-passin', OPERATOR);
    expect(verify.status, verify.stderr).toBe(0);
  });

  it('refuses to import into a folder that already holds a store, writing nothing', async () => {
    const again = await cli(...importArgs(store, '--root-passout', ROOT, '--operator-passout', OPERATOR, ...FAST_KDF));
    expect(again.status).toBe(2);
  });
});
