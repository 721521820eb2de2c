/**
 * Leaves an imported single-tier CA signed with its root (a pki/ built by
 * Debian's easy-rsa: a server, alice, and bob revoked keyCompromise in
 * easy-rsa before the import) are listed, shown and revoked like any
 * certificate; revoking one needs the root, which signs its new CRL in the
 * same ceremony. OpenSSL judges the root CRLs against easy-rsa's own ca.crt:
 * bob and alice "certificate revoked", the server OK — and still so on every
 * root CRL signed afterwards.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeperInProcess } from '../support/cli-in-process';
import { EASYRSA_CA_PASS, buildEasyRsaPki } from '../support/easy-rsa';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let pki: string;
let store: string;
const cli = (...args: string[]) => rootkeeperInProcess(args, dir);

interface Listed {
  serial: string;
  subject: string;
  status: string;
  revocationReason: string | null;
  issuedBy?: string;
}

/** The serial easy-rsa gave a certificate, from the certificate itself (upper-case hex, as index.txt has it). */
function serialOf(file: string): string {
  const out = run('openssl', ['x509', '-in', file, '-noout', '-serial']);
  expect(out.status, out.stderr).toBe(0);
  return out.stdout.trim().replace(/^serial=/, '');
}

function verdict(crl: string, certificate: string) {
  return run('openssl', ['verify', '-crl_check', '-CAfile', path.join(pki, 'ca.crt'), '-CRLfile', crl, certificate]);
}

async function bobFile(): Promise<string> {
  const index = await readFile(path.join(pki, 'index.txt'), 'utf8');
  const line = index.split('\n').find((entry) => entry.startsWith('R'))!;
  return path.join(pki, 'revoked/certs_by_serial', `${line.split('\t')[3]}.crt`);
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-root-leaves-'));
  ({ pki } = buildEasyRsaPki(dir));
  store = path.join(dir, 'store');
  const imported = await cli(
    'import',
    'easy-rsa',
    '--store',
    store,
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
  expect(imported.status, imported.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await cleanup();
});

describe('leaves an imported easy-rsa root signed', () => {
  it('are listed with their status, bob revoked in easy-rsa before the import', async () => {
    const listed = await cli('list', '--store', store, '--json', '--operator-passin', OPERATOR);
    expect(listed.status, listed.stderr).toBe(0);
    const rows = (JSON.parse(listed.stdout) as Listed[]).map((row) => [
      row.subject,
      row.status,
      row.revocationReason,
      row.issuedBy,
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['CN=server', 'valid', null, 'root'],
        ['CN=alice', 'valid', null, 'root'],
        ['CN=bob', 'revoked', 'keyCompromise', 'root'],
      ]),
    );
    expect(rows).toHaveLength(3);
    const text = await cli('list', '--store', store, '--search', 'alice', '--operator-passin', OPERATOR);
    expect(text.stdout).toContain('CN=alice');
    expect(text.stdout).not.toContain('CN=bob');
  });

  it('are shown by serial, as signed by the root', async () => {
    const alice = serialOf(path.join(pki, 'issued/alice.crt'));
    const shown = await cli('show', '--store', store, alice, '--operator-passin', OPERATOR);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Subject:     CN=alice');
    expect(shown.stdout).toContain('signed by the root itself');
    expect(shown.stdout).toContain('Issuer:      CN=Example VPN CA');
  });

  it('without the root, or with a wrong root passphrase, nothing is revoked or written', async () => {
    const alice = serialOf(path.join(pki, 'issued/alice.crt'));
    // throttle.json is the one file a wrong passphrase changes (docs/vault.md, "The throttle").
    const before = await snapshotFolder(store, ['throttle.json']);
    const crlOut = path.join(dir, 'refused.crl.pem');
    const wrong = await cli(
      'revoke',
      '--store',
      store,
      alice,
      '--root-passin',
      'pass:not-the-root-passphrase-at-all',
      '--crl-out',
      crlOut,
      '--operator-passin',
      OPERATOR,
    );
    expect(wrong.status).toBe(3);
    expect(await snapshotFolder(store, ['throttle.json'])).toEqual(before);
    expect(run('test', ['-e', crlOut]).status).not.toBe(0);
  });

  it('revoke SERIAL --root-passin revokes alice; the root CRL written says revoked for alice and bob, OK for the server', async () => {
    const alice = serialOf(path.join(pki, 'issued/alice.crt'));
    const crlOut = path.join(dir, 'root-after-alice.crl.pem');
    const revoked = await cli(
      'revoke',
      '--store',
      store,
      alice,
      '--reason',
      'superseded',
      '--root-passin',
      ROOT,
      '--crl-out',
      crlOut,
      '--operator-passin',
      OPERATOR,
    );
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('Revoked the certificate (signed by the root)');
    for (const file of [path.join(pki, 'issued/alice.crt'), await bobFile()]) {
      const result = verdict(crlOut, file);
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toContain('certificate revoked');
    }
    const ok = verdict(crlOut, path.join(pki, 'issued/server.crt'));
    expect(ok.status, ok.stderr + ok.stdout).toBe(0);
    const text = run('openssl', ['crl', '-in', crlOut, '-noout', '-text']).stdout;
    expect(text).toContain('Superseded');
    expect(text).toContain('Key Compromise');

    const shown = await cli('show', '--store', store, alice, '--json', '--operator-passin', OPERATOR);
    const summary = (JSON.parse(shown.stdout) as { summary: Listed }).summary;
    expect([summary.status, summary.revocationReason]).toEqual(['revoked', 'superseded']);
  });

  it('a second revocation is refused, nothing changed', async () => {
    const alice = serialOf(path.join(pki, 'issued/alice.crt'));
    const before = await snapshotFolder(store);
    const again = await cli('revoke', '--store', store, alice, '--root-passin', ROOT, '--operator-passin', OPERATOR);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already revoked');
    expect(await snapshotFolder(store)).toEqual(before);
  });

  it('stay on every root CRL signed later, after an intermediate is created under the root', async () => {
    const created = await cli(
      'intermediate',
      'create',
      '--store',
      store,
      '--subject',
      'CN=Example VPN Issuing CA',
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
    );
    expect(created.status, created.stderr).toBe(0);
    const later = path.join(dir, 'root-later.crl.pem');
    const crl = await cli(
      'crl',
      '--store',
      store,
      '--ca',
      'root',
      '--out',
      later,
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
    );
    expect(crl.status, crl.stderr).toBe(0);
    for (const file of [path.join(pki, 'issued/alice.crt'), await bobFile()]) {
      const result = verdict(later, file);
      expect(result.stdout + result.stderr).toContain('certificate revoked');
    }
    expect(verdict(later, path.join(pki, 'issued/server.crt')).status).toBe(0);
  });
});
