/**
 * `rootkeeper import easy-rsa` on a pki/ made by Debian's easy-rsa, and a
 * mkcert CAROOT refused. The easy-rsa CA becomes the root; its leaves stay
 * under it with their revocation, and the root CRL Rootkeeper signs says
 * "certificate revoked" for the revoked client and OK for the others, judged
 * by openssl against the source's own ca.crt.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeperInProcess } from '../support/cli-in-process';
import { EASYRSA_CA_PASS, buildEasyRsaPki } from '../support/easy-rsa';
import { hashTree } from '../support/guide-ca';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let pki: string;
let before: Record<string, string>;
const cli = (...args: string[]) => rootkeeperInProcess(args, dir);

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-import-easyrsa-'));
  ({ pki } = buildEasyRsaPki(dir));
  before = await hashTree(pki);
}, 120_000);

afterAll(async () => {
  await cleanup();
});

describe('import easy-rsa', () => {
  const store = () => path.join(dir, 'store');

  it('dry run: the CA as root, its leaves under it, bob revoked keyCompromise, no CRL number (Debian 3.1 writes none)', async () => {
    const result = await cli(
      'import',
      'easy-rsa',
      '--store',
      store(),
      '--pki',
      pki,
      '--ca-key-passin',
      `pass:${EASYRSA_CA_PASS}`,
      '--dry-run',
      '--json',
    );
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ready: boolean;
      cas: { role: string; nextCrlNumber: number; keyChecked: boolean }[];
      certificates: { subject: string; issuer: string; status: string; revocation: { reason: string } | null }[];
      leafKeys: string[];
    };
    expect(report.ready).toBe(true);
    expect(report.cas.map((ca) => [ca.role, ca.keyChecked])).toEqual([['root', true]]);
    const bySubject = Object.fromEntries(
      report.certificates.map((c) => [c.subject, [c.issuer, c.status, c.revocation?.reason ?? null]]),
    );
    expect(bySubject).toEqual({
      'CN=server': ['root', 'valid', null],
      'CN=alice': ['root', 'valid', null],
      'CN=bob': ['root', 'revoked', 'keyCompromise'],
    });
    expect(report.leafKeys).toEqual(expect.arrayContaining(['private/server.key', 'private/alice.key']));
    expect(existsSync(store())).toBe(false);
  });

  it('imports, and the root CRL Rootkeeper signs revokes bob, judged by openssl against the old ca.crt', async () => {
    const result = await cli(
      'import',
      'easy-rsa',
      '--store',
      store(),
      '--pki',
      pki,
      '--ca-key-passin',
      `pass:${EASYRSA_CA_PASS}`,
      '--root-passout',
      ROOT,
      '--operator-passout',
      OPERATOR,
      ...FAST_KDF,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(await hashTree(pki)).toEqual(before);
    const crlFile = path.join(dir, 'root.crl.pem');
    const crl = await cli(
      'crl',
      '--store',
      store(),
      '--ca',
      'root',
      '--out',
      crlFile,
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
    );
    expect(crl.status, crl.stderr).toBe(0);
    const verdict = (name: string) =>
      run('openssl', [
        'verify',
        '-crl_check',
        '-CAfile',
        path.join(pki, 'ca.crt'),
        '-CRLfile',
        crlFile,
        path.join(pki, name),
      ]);
    for (const name of ['issued/server.crt', 'issued/alice.crt']) {
      const ok = verdict(name);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain(': OK');
    }
    const revoked = verdict('revoked/certs_by_serial/' + (await revokedSerialFile()));
    expect(revoked.status).not.toBe(0);
    expect(revoked.stdout + revoked.stderr).toContain('certificate revoked');
  });

  it('creates the intermediate under the imported root, and its certificates verify with the old ca.crt', async () => {
    const created = await cli(
      'intermediate',
      'create',
      '--store',
      store(),
      '--subject',
      'CN=Example VPN Issuing CA',
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
    );
    expect(created.status, created.stderr).toBe(0);
    const out = path.join(dir, 'issued');
    const issued = await cli(
      'issue',
      '--store',
      store(),
      '--profile',
      'server',
      '--cn',
      'vpn2.example.com',
      '--san',
      'dns:vpn2.example.com',
      '--out',
      out,
      '--no-key-encryption',
      '--operator-passin',
      OPERATOR,
    );
    expect(issued.status, issued.stderr).toBe(0);
    const folder = path.join(out, 'vpn2.example.com');
    const verdict = run('openssl', [
      'verify',
      '-CAfile',
      path.join(pki, 'ca.crt'),
      '-untrusted',
      path.join(folder, 'ca-chain.cert.pem'),
      path.join(folder, 'vpn2.example.com.cert.pem'),
    ]);
    expect(verdict.status, verdict.stderr + verdict.stdout).toBe(0);
  });
});

async function revokedSerialFile(): Promise<string> {
  const index = await readFile(path.join(pki, 'index.txt'), 'utf8');
  const line = index.split('\n').find((entry) => entry.startsWith('R'))!;
  return `${line.split('\t')[3]}.crt`;
}

describe('a mkcert CAROOT', () => {
  it('is refused with exit 2 and the reason, nothing written', async () => {
    const caroot = path.join(dir, 'mkcert');
    await mkdir(caroot);
    const made = run('mkcert', ['example.test'], {
      cwd: caroot + '/..',
      env: { ...process.env, CAROOT: caroot, TRUST_STORES: 'none', HOME: dir },
    });
    expect(existsSync(path.join(caroot, 'rootCA.pem')), made.stderr).toBe(true);
    const sourceBefore = await hashTree(caroot);
    const store = path.join(dir, 'mkcert-store');
    for (const args of [
      ['import', 'easy-rsa', '--pki', caroot, '--ca-key-passin', 'pass:'],
      ['import', 'openssl', '--root-dir', caroot, '--root-key-passin', 'pass:'],
    ]) {
      const result = await cli(
        ...args,
        '--store',
        store,
        '--root-passout',
        ROOT,
        '--operator-passout',
        OPERATOR,
        ...FAST_KDF,
      );
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(
        'A mkcert CAROOT cannot head a Rootkeeper hierarchy — it can sign neither an intermediate nor a CRL',
      );
      expect(existsSync(store)).toBe(false);
    }
    expect(await hashTree(caroot)).toEqual(sourceBefore);
  });
});
