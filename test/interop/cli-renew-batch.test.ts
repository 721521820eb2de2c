/**
 * `rootkeeper renew --expiring DAYS`, with real certificates that expire
 * soon (issued for 5 days) beside ones that do not (400 days), after a
 * rotation: the ones whose key was made here are renewed in one unlock by
 * the active intermediate, each into its bundle folder, with the same
 * subject and names; those issued from CSRs are listed for a new request;
 * the old certificates are left as they were (not revoked — as `renew
 * SERIAL` leaves them). OpenSSL checks every renewed certificate.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const KEY_PASS = 'pass:harbor-lantern-key-9';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir });
const unlocked = (...args: string[]) => cli(...args, '--store', store, '--operator-passin', OPERATOR);
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

function mustRun(result: { status: number | null; stdout: string; stderr: string }) {
  expect(result.status, result.stderr).toBe(0);
  return result;
}

function issue(profile: string, cn: string, days: string, ...extra: string[]): string {
  const issued = mustRun(
    unlocked(
      'issue',
      '--profile',
      profile,
      '--cn',
      cn,
      '--days',
      days,
      '--out',
      'first',
      '--no-key-encryption',
      '--json',
      ...extra,
    ),
  );
  return (JSON.parse(issued.stdout) as { certificate: { serial: string } }).certificate.serial;
}

function signCsr(name: string, days: string): string {
  mustRun(
    openssl(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name}`,
      '-out',
      `${name}.csr`,
    ),
  );
  const signed = mustRun(
    unlocked('sign-csr', `${name}.csr`, '--profile', 'server', '--days', days, '--out', 'first', '--json'),
  );
  return (JSON.parse(signed.stdout) as { issued: { certificate: { serial: string } }[] }).issued[0]!.certificate.serial;
}

interface Batch {
  renewed: { oldSerial: string; newSerial: string; subject: string; folder: string }[];
  needRequest: { serial: string; subject: string; notAfter: string; why: string }[];
  alreadyRenewed: { serial: string; renewedBy: string }[];
}

const serials: Record<string, string> = {};

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-renew-batch-'));
  store = path.join(dir, 'store');
  mustRun(
    cli(
      'init',
      '--store',
      store,
      '--root-subject',
      'CN=Renewal Root CA',
      '--root-key',
      'ec-p256',
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
      ...FAST_KDF,
    ),
  );
  const create = (subject: string, ...extra: string[]) =>
    mustRun(
      unlocked(
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
      ),
    );
  create('CN=Renewal CA 1');

  // Nothing issued yet: nothing to renew, exit 0, and no folder made.
  const nothing = mustRun(unlocked('renew', '--expiring', '30', '--out', 'never'));
  expect(nothing.stdout).toBe('Nothing expires within 30 days.\n');
  expect(await readdir(dir)).not.toContain('never');

  serials.web = issue('server', 'web.example.com', '5', '--san', 'dns:alt.example.com', '--san', 'ip:10.0.0.7');
  serials.client = issue('client', 'alice', '5', '--san', 'email:alice@example.com');
  serials.far = issue('server', 'far.example.com', '400');
  serials.revoked = issue('server', 'gone.example.com', '5');
  mustRun(unlocked('revoke', serials.revoked, '--reason', 'superseded'));
  serials.csr = signCsr('csr.example.com', '5');
  serials.csrKept = signCsr('kept.example.com', '5');
  // A CSR certificate renewed on its own key: the key is still the requester's.
  const single = mustRun(unlocked('renew', serials.csrKept, '--days', '6', '--out', 'single', '--json'));
  serials.csrRenewal = (JSON.parse(single.stdout) as { certificate: { serial: string } }).certificate.serial;
  // The batch runs after a rotation: renewals come from the active generation.
  create('CN=Renewal CA 2', '--rotate');
  const generations = JSON.parse(mustRun(unlocked('intermediate', 'list', '--json')).stdout) as { serial: string }[];
  for (const [index, generation] of generations.entries()) {
    const shown = mustRun(unlocked('show', generation.serial, '--pem')).stdout;
    await writeFile(path.join(dir, `ca${index + 1}.pem`), shown);
  }
  mustRun(cli('export', 'chain', '--store', store, '--out', 'chain.pem'));
  // The chain was exported without a passphrase: the next unlock journals its pending note (docs/vault.md).
  mustRun(unlocked('list'));
  mustRun(openssl('x509', '-in', 'chain.pem', '-out', 'active.pem'));
  const root = (await readFile(path.join(dir, 'chain.pem'), 'utf8')).split(/(?<=-----END CERTIFICATE-----\n)/)[1]!;
  await writeFile(path.join(dir, 'root.pem'), root);
}, 300_000);
afterAll(() => cleanup());

describe('renew --expiring', () => {
  it('refuses bad command lines and a taken bundle folder before signing, changing nothing', async () => {
    const before = await snapshotFolder(store);
    expect(unlocked('renew', serials.web!, '--expiring', '30', '--out', 'x').status).toBe(1);
    expect(unlocked('renew', '--out', 'x').status).toBe(1);
    expect(unlocked('renew', '--expiring', 'soon', '--out', 'x').status).toBe(1);
    // web.example.com's folder exists already: the whole batch is refused before anything is signed.
    await mkdir(path.join(dir, 'taken', 'web.example.com'), { recursive: true });
    const taken = unlocked(
      'renew',
      '--expiring',
      '30',
      '--out',
      'taken',
      '--key',
      'ec-p256',
      '--key-passout',
      KEY_PASS,
    );
    expect([taken.status, taken.stderr]).toEqual([
      2,
      expect.stringMatching(/web\.example\.com already exists.*nothing was written or signed/),
    ]);
    expect(await readdir(path.join(dir, 'taken'))).toEqual(['web.example.com']);
    expect(await snapshotFolder(store)).toEqual(before);
  }, 120_000);

  it('renews what expires and was made here, lists CSR certificates, leaves the old ones and the rest alone', async () => {
    const oldWeb = await readFile(path.join(dir, 'first', 'web.example.com', 'web.example.com.cert.pem'), 'utf8');
    const ran = mustRun(
      unlocked(
        'renew',
        '--expiring',
        '30',
        '--out',
        'renewed',
        '--key',
        'ec-p256',
        '--key-passout',
        KEY_PASS,
        '--days',
        '90',
        '--json',
      ),
    );
    const batch = JSON.parse(ran.stdout) as Batch;
    expect(batch.renewed.map((item) => item.oldSerial).sort()).toEqual([serials.web, serials.client].sort());
    // The CSR certificate renewed on its own key needs a request; the one it renewed is already renewed.
    expect(batch.needRequest.map((item) => [item.serial, item.why]).sort()).toEqual(
      [
        [serials.csr, 'csr'],
        [serials.csrRenewal, 'csr'],
      ].sort(),
    );
    expect(batch.alreadyRenewed).toEqual([
      expect.objectContaining({ serial: serials.csrKept, renewedBy: serials.csrRenewal }),
    ]);
    expect(batch.needRequest.find((item) => item.serial === serials.csr)).toMatchObject({
      subject: 'CN=csr.example.com',
    });
    expect(batch.renewed.map((item) => path.basename(item.folder)).sort()).toEqual([
      'alice_example.com',
      'web.example.com',
    ]);

    for (const item of batch.renewed) {
      const name = path.basename(item.folder);
      const certificate = path.join(item.folder, `${name}.cert.pem`);
      // Chains to the active generation (CA 2), not to the one that signed the old certificate.
      const verified = openssl('verify', '-CAfile', 'root.pem', '-untrusted', 'active.pem', certificate);
      expect([verified.status, verified.stdout]).toEqual([0, `${certificate}: OK\n`]);
      expect(openssl('verify', '-CAfile', 'root.pem', '-untrusted', 'ca1.pem', certificate).status).not.toBe(0);
      expect(openssl('x509', '-in', certificate, '-noout', '-issuer').stdout).toBe('issuer=CN = Renewal CA 2\n');
      // Same subject and names as the old one.
      const old = path.join(dir, 'first', name, `${name}.cert.pem`);
      const fields = (file: string) =>
        openssl('x509', '-in', file, '-noout', '-subject', '-ext', 'subjectAltName,extendedKeyUsage').stdout;
      expect(fields(certificate)).toBe(fields(old));
      // openssl pads an odd-length serial with a leading 0; the store writes it without.
      const printed = openssl('x509', '-in', certificate, '-noout', '-serial').stdout.trim().toLowerCase();
      expect(printed.replace(/^serial=0*/, '')).toBe(item.newSerial.replace(/^0+/, ''));
      // 90 days from now, and a new key, in the bundle, encrypted, opening with the passphrase.
      expect(openssl('x509', '-in', certificate, '-noout', '-checkend', String(80 * 86_400)).status).toBe(0);
      expect(openssl('x509', '-in', certificate, '-noout', '-checkend', String(91 * 86_400)).status).not.toBe(0);
      const keyFile = path.join(item.folder, `${name}.key.pem`);
      expect(await readFile(keyFile, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      const publicKey = openssl('pkey', '-in', keyFile, '-passin', KEY_PASS, '-pubout').stdout;
      expect(publicKey).toMatch(/BEGIN PUBLIC KEY/);
      expect(openssl('x509', '-in', certificate, '-noout', '-pubkey').stdout).toBe(publicKey);
      expect(openssl('x509', '-in', old, '-noout', '-pubkey').stdout).not.toBe(publicKey);
      expect(mustRun(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: item.folder })).stdout).toMatch(/OK/);
    }
    expect(
      openssl(
        'x509',
        '-in',
        path.join(dir, 'renewed', 'web.example.com', 'web.example.com.cert.pem'),
        '-noout',
        '-ext',
        'subjectAltName',
      ).stdout,
    ).toMatch(/DNS:web\.example\.com, DNS:alt\.example\.com, IP Address:10\.0\.0\.7/);

    // The old certificates are untouched: same files, still valid, not revoked; the far one was not renewed.
    expect(await readFile(path.join(dir, 'first', 'web.example.com', 'web.example.com.cert.pem'), 'utf8')).toBe(oldWeb);
    const rows = JSON.parse(mustRun(unlocked('list', '--json')).stdout) as { serial: string; status: string }[];
    const status = (serial: string) => rows.find((row) => row.serial === serial)?.status;
    expect([status(serials.web!), status(serials.client!), status(serials.far!), status(serials.revoked!)]).toEqual([
      'expiring',
      'expiring',
      'valid',
      'revoked',
    ]);
    expect(rows).toHaveLength(9);

    // Run again: what was renewed is not renewed twice; nothing is written.
    const again = JSON.parse(
      mustRun(unlocked('renew', '--expiring', '30', '--out', 'again', '--json')).stdout,
    ) as Batch;
    expect(again.renewed).toEqual([]);
    expect(again.alreadyRenewed.map((item) => [item.serial, item.renewedBy]).sort()).toEqual(
      [...batch.renewed.map((item) => [item.oldSerial, item.newSerial]), [serials.csrKept, serials.csrRenewal]].sort(),
    );
    expect(await readdir(dir)).not.toContain('again');
    const text = mustRun(unlocked('renew', '--expiring', '30', '--out', 'again')).stdout;
    expect(text).toMatch(/Need a new request from their owner/);
    expect(text).toContain(serials.csr);
    expect(mustRun(unlocked('renew', '--expiring', '0', '--out', 'again')).stdout).toBe(
      'Nothing expires within 0 days.\n',
    );
  }, 300_000);
});
