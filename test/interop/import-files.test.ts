/**
 * `rootkeeper import files` on an XCA-style export made with openssl from the
 * guide's CA: the chain as PEM, the root key as traditional encrypted PEM,
 * the intermediate as a PKCS#12, the server certificates as DER, the CRL as
 * DER. The hierarchy is rebuilt from the certificates, the revocation comes
 * from the CRL, and openssl judges Rootkeeper's first CRL.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
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
const EXPORT_PASS = 'xca-export-secret';
const P12_PASS = 'xca-p12-secret';

let dir: string;
let cleanup: () => Promise<void>;
let ca: string;
let exported: string;
let before: Record<string, string>;
const cli = (...args: string[]) => rootkeeperInProcess(args, dir);

function openssl(...args: string[]): void {
  const result = run('openssl', args, { cwd: dir });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-import-files-'));
  ca = await buildGuideCa(dir);
  exported = path.join(dir, 'xca-export');
  await mkdir(exported);
  const inter = (name: string) => path.join(ca, 'intermediate', name);
  run('sh', ['-c', `cat "${inter('certs/ca-chain.cert.pem')}" > "${path.join(exported, 'chain.pem')}"`]);
  openssl(
    'pkey',
    '-in',
    path.join(ca, 'private/ca.key.pem'),
    '-passin',
    `pass:${GUIDE_ROOT_PASS}`,
    '-aes256',
    '-passout',
    `pass:${EXPORT_PASS}`,
    '-traditional',
    '-out',
    path.join(exported, 'root.key.pem'),
  );
  openssl(
    'pkcs12',
    '-export',
    '-in',
    inter('certs/intermediate.cert.pem'),
    '-inkey',
    inter('private/intermediate.key.pem'),
    '-passin',
    `pass:${GUIDE_INTERMEDIATE_PASS}`,
    '-passout',
    `pass:${P12_PASS}`,
    '-out',
    path.join(exported, 'intermediate.p12'),
  );
  for (const name of GUIDE_SERVERS)
    openssl(
      'x509',
      '-in',
      inter(`certs/${name}.cert.pem`),
      '-outform',
      'DER',
      '-out',
      path.join(exported, `${name}.cer`),
    );
  openssl(
    'crl',
    '-in',
    inter('crl/intermediate.crl.pem'),
    '-outform',
    'DER',
    '-out',
    path.join(exported, 'intermediate.crl'),
  );
  before = await hashTree(exported);
}, 120_000);

afterAll(async () => {
  await cleanup();
});

describe('import files', () => {
  const store = () => path.join(dir, 'store');
  const args = (...extra: string[]) => [
    'import',
    'files',
    '--store',
    store(),
    exported,
    '--key-passin',
    `pass:${EXPORT_PASS}`,
    '--key-passin',
    `pass:${P12_PASS}`,
    ...extra,
  ];

  it('rebuilds the hierarchy in a dry run: root, intermediate from the PKCS#12, the revocation from the CRL', async () => {
    const result = await cli(...args('--dry-run', '--json'));
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ready: boolean;
      cas: { role: string; keyChecked: boolean; crlNumbersSeen: number[]; nextCrlNumber: number }[];
      certificates: { serial: string; issuer: string; status: string; revocation: { reason: string } | null }[];
    };
    expect(report.ready).toBe(true);
    expect(report.cas.map((entry) => [entry.role, entry.keyChecked])).toEqual([
      ['root', true],
      ['intermediate', true],
    ]);
    expect(report.cas[1]!.crlNumbersSeen).toEqual([0x1000]);
    expect(report.cas[1]!.nextCrlNumber).toBe(0x1001);
    const leaves = report.certificates.filter((entry) => entry.issuer === 'intermediate');
    expect(leaves.map((leaf) => [leaf.serial, leaf.status, leaf.revocation?.reason ?? null]).sort()).toEqual([
      ['1000', 'valid', null],
      ['1001', 'revoked', 'keyCompromise'],
      ['1002', 'valid', null],
    ]);
    expect(existsSync(store())).toBe(false);
  });

  it('a wrong passphrase is exit 3 and nothing is written', async () => {
    const result = await cli(
      'import',
      'files',
      '--store',
      store(),
      exported,
      '--key-passin',
      'pass:wrong',
      '--root-passout',
      ROOT,
      '--operator-passout',
      OPERATOR,
      ...FAST_KDF,
    );
    expect(result.status, result.stderr).toBe(3);
    expect(existsSync(store())).toBe(false);
  });

  it('imports, and openssl judges the first CRL against the exported chain', async () => {
    const result = await cli(...args('--root-passout', ROOT, '--operator-passout', OPERATOR, ...FAST_KDF));
    expect(result.status, result.stderr).toBe(0);
    expect(await hashTree(exported)).toEqual(before);
    const crlFile = path.join(dir, 'new.crl.pem');
    const crl = await cli('crl', '--store', store(), '--out', crlFile, '--operator-passin', OPERATOR);
    expect(crl.status, crl.stderr).toBe(0);
    for (const name of GUIDE_SERVERS) {
      const verdict = run('openssl', [
        'verify',
        '-crl_check',
        '-CAfile',
        path.join(exported, 'chain.pem'),
        '-CRLfile',
        crlFile,
        path.join(ca, `intermediate/certs/${name}.cert.pem`),
      ]);
      if (name === GUIDE_REVOKED) expect(verdict.stdout + verdict.stderr).toContain('certificate revoked');
      else expect(verdict.stdout, verdict.stderr).toContain(': OK');
    }
  });
});
