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
import { ClosedStore } from '../../src-main/store/store';
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

  it('journals one pki-imported event with the counters and the SHA-256 of every source file read', async () => {
    const session = await (await ClosedStore.open(store)).unlock(OPERATOR.slice('pass:'.length));
    try {
      const events = (await session.readJournal()).map((entry) => entry.event);
      const imports = events.filter((event) => event.type === 'pki-imported');
      expect(imports).toHaveLength(1);
      const summary = imports[0]!;
      if (summary.type !== 'pki-imported') throw new Error('unreachable');
      expect(summary.source).toBe('openssl');
      expect(summary.counts).toEqual({ certificates: 4, valid: 3, expired: 0, revoked: 1 });
      const hashes = Object.fromEntries(summary.files.map((file) => [file.path, file.sha256]));
      for (const name of [
        'index.txt',
        'intermediate/index.txt',
        'intermediate/crlnumber',
        'intermediate/crl/intermediate.crl.pem',
        'private/ca.key.pem',
        'newcerts/1000.pem',
      ]) {
        const bytes = await readFile(path.join(ca, name));
        expect(hashes[name], name).toBe(createHash('sha256').update(bytes).digest('hex'));
      }
      const counter = summary.counters.find((entry) => entry.ca === 'intermediate')!;
      expect(counter).toMatchObject({
        crlNumberFile: 0x1001,
        crlNumbersSeen: [0x1000],
        nextCrlNumber: 0x1001,
        serialFile: '1003',
      });
      expect(events.filter((event) => event.type === 'certificate-imported')).toHaveLength(4);
      const revoked = session.inventory.certificates.get('1001')!;
      expect(revoked.revocation?.reason).toBe('keyCompromise');
      expect(session.inventory.intermediates.has('1000')).toBe(true);
    } finally {
      await session.lock();
    }
  });

  it('refuses to import into a folder that already holds a store, writing nothing', async () => {
    const again = await cli(...importArgs(store, '--root-passout', ROOT, '--operator-passout', OPERATOR, ...FAST_KDF));
    expect(again.status).toBe(2);
  });
});

describe('import openssl, root only', () => {
  it('imports a root without an intermediate folder; the intermediate is then created under it', async () => {
    const parent = path.join(dir, 'root-only');
    const rootOnly = await buildGuideCa(parent, { rootOnly: true });
    const treeBefore = await hashTree(rootOnly);
    const store = path.join(dir, 'root-only-store');
    const result = await cli(
      'import',
      'openssl',
      '--store',
      store,
      '--root-dir',
      rootOnly,
      '--root-key-passin',
      `pass:${GUIDE_ROOT_PASS}`,
      '--root-passout',
      ROOT,
      '--operator-passout',
      OPERATOR,
      ...FAST_KDF,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Imported 0 certificates');
    expect(await hashTree(rootOnly)).toEqual(treeBefore);
    const created = await cli(
      'intermediate',
      'create',
      '--store',
      store,
      '--subject',
      'CN=Alice Ltd Issuing CA 2',
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
    );
    expect(created.status, created.stderr).toBe(0);
    const chainFile = path.join(dir, 'root-only-chain.pem');
    const chain = await cli('export', 'chain', '--store', store, '--out', chainFile);
    expect(chain.status, chain.stderr).toBe(0);
    const verdict = openssl(
      'verify',
      '-CAfile',
      path.join(rootOnly, 'certs/ca.cert.pem'),
      '-untrusted',
      chainFile,
      chainFile,
    );
    expect(verdict.status, verdict.stderr + verdict.stdout).toBe(0);
  }, 120_000);
});

describe("import openssl, the guide's exact commands (genrsa -aes256 4096)", () => {
  it('imports and the first CRL revokes what the old one did', async () => {
    const parent = path.join(dir, 'guide-exact');
    const exact = await buildGuideCa(parent, { guideKeys: true });
    const treeBefore = await hashTree(exact);
    const store = path.join(dir, 'guide-exact-store');
    const result = await rootkeeperInProcess(
      [
        'import',
        'openssl',
        '--store',
        store,
        '--root-dir',
        exact,
        '--root-key-passin',
        `pass:${GUIDE_ROOT_PASS}`,
        '--intermediate-key-passin',
        `pass:${GUIDE_INTERMEDIATE_PASS}`,
        '--root-passout',
        ROOT,
        '--operator-passout',
        OPERATOR,
        ...FAST_KDF,
      ],
      dir,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(await hashTree(exact)).toEqual(treeBefore);
    const crlFile = path.join(dir, 'guide-exact.crl.pem');
    const crl = await cli('crl', '--store', store, '--out', crlFile, '--operator-passin', OPERATOR);
    expect(crl.status, crl.stderr).toBe(0);
    const chain = path.join(exact, 'intermediate/certs/ca-chain.cert.pem');
    for (const name of GUIDE_SERVERS) {
      const verdict = openssl(
        'verify',
        '-crl_check',
        '-CAfile',
        chain,
        '-CRLfile',
        crlFile,
        path.join(exact, `intermediate/certs/${name}.cert.pem`),
      );
      if (name === GUIDE_REVOKED) expect(verdict.stdout + verdict.stderr).toContain('certificate revoked');
      else expect(verdict.stdout, verdict.stderr).toContain(': OK');
    }
  }, 300_000);
});
