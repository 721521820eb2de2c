/**
 * What an OpenSSL CA records about a revocation beyond its date and reason
 * comes along: `openssl ca -revoke -crl_compromise` (index.txt's
 * "date,keyTime,time") and `-crl_CA_compromise` ("date,CAkeyTime,time")
 * become the invalidityDate CRL entry extension on the CRL Rootkeeper signs,
 * as `openssl crl -text` reads it. And a CA whose CRL lists five thousand
 * certificates (revoked with the real `openssl ca`, its CRL made by
 * `openssl ca -gencrl`) imports, every revocation carried onto Rootkeeper's
 * first CRL.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeperInProcess } from '../support/cli-in-process';
import { GUIDE_INTERMEDIATE_PASS, GUIDE_ROOT_PASS, buildGuideCa, gencrlInGuide, hashTree } from '../support/guide-ca';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
const MANY = 5_000;

let dir: string;
let cleanup: () => Promise<void>;
const cli = (...args: string[]) => rootkeeperInProcess(args, dir);

function openssl(cwd: string, ...args: string[]): string {
  const result = run('openssl', args, { cwd });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout + result.stderr;
}

/** Revokes one of the guide's server certificates with the intermediate, as its officer would. */
function revokeInGuide(ca: string, name: string, ...how: string[]): void {
  openssl(
    ca,
    'ca',
    '-config',
    'intermediate/openssl.cnf',
    '-passin',
    `pass:${GUIDE_INTERMEDIATE_PASS}`,
    '-revoke',
    `intermediate/certs/${name}.cert.pem`,
    ...how,
  );
}

async function importGuide(ca: string, store: string) {
  return cli(
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
    '--root-passout',
    ROOT,
    '--operator-passout',
    OPERATOR,
    ...FAST_KDF,
  );
}

async function intermediateCrl(store: string, out: string) {
  const result = await cli(
    'crl',
    '--store',
    store,
    '--ca',
    'intermediate',
    '--out',
    out,
    '--operator-passin',
    OPERATOR,
  );
  expect(result.status, result.stderr).toBe(0);
  return run('openssl', ['crl', '-in', out, '-noout', '-text']).stdout;
}

/** The text block openssl prints for one CRL entry, by serial (upper-case hex). */
function entryText(crlText: string, serial: string): string {
  const blocks = crlText.split(/Serial Number: /).slice(1);
  const block = blocks.find((candidate) => candidate.startsWith(serial));
  if (!block) throw new Error(`serial ${serial} is not on the CRL`);
  return block;
}

function serialOf(file: string): string {
  return run('openssl', ['x509', '-in', file, '-noout', '-serial'])
    .stdout.trim()
    .replace(/^serial=/, '');
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-import-details-'));
}, 30_000);

afterAll(async () => {
  await cleanup();
});

describe('invalidity dates', () => {
  it('openssl ca -crl_compromise and -crl_CA_compromise become the Invalidity Date on our CRL', async () => {
    const ca = await buildGuideCa(path.join(dir, 'guide'));
    revokeInGuide(ca, 'www.example.com', '-crl_compromise', '20250102030405Z');
    revokeInGuide(ca, 'vpn.example.com', '-crl_CA_compromise', '20240506070809Z');
    gencrlInGuide(ca);
    const index = await readFile(path.join(ca, 'intermediate/index.txt'), 'utf8');
    expect(index).toContain(',keyTime,20250102030405Z');
    expect(index).toContain(',CAkeyTime,20240506070809Z');
    // openssl's own CRL carries them: the import checks it agrees with index.txt.
    const sourceText = run('openssl', [
      'crl',
      '-in',
      path.join(ca, 'intermediate/crl/intermediate.crl.pem'),
      '-noout',
      '-text',
    ]).stdout;
    expect(sourceText).toContain('Invalidity Date');
    const before = await hashTree(ca);

    const store = path.join(dir, 'store-details');
    const dry = await cli(
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
      '--dry-run',
      '--json',
    );
    expect(dry.status, dry.stderr).toBe(0);
    const report = JSON.parse(dry.stdout) as {
      certificates: { subject: string; revocation: { reason: string; invalidityDate?: string } | null }[];
    };
    const bySubject = Object.fromEntries(report.certificates.map((c) => [c.subject, c.revocation]));
    expect(bySubject['C=GB, O=Alice Ltd, CN=www.example.com']).toEqual({
      at: expect.any(String),
      reason: 'keyCompromise',
      invalidityDate: '2025-01-02T03:04:05.000Z',
    });
    expect(bySubject['C=GB, O=Alice Ltd, CN=vpn.example.com']).toEqual({
      at: expect.any(String),
      reason: 'cACompromise',
      invalidityDate: '2024-05-06T07:08:09.000Z',
    });
    expect(bySubject['C=GB, O=Alice Ltd, CN=mail.example.com']).toEqual({
      at: expect.any(String),
      reason: 'keyCompromise',
    });

    const imported = await importGuide(ca, store);
    expect(imported.status, imported.stderr).toBe(0);
    expect(await hashTree(ca)).toEqual(before);
    const text = await intermediateCrl(store, path.join(dir, 'details.crl.pem'));
    const www = entryText(text, serialOf(path.join(ca, 'intermediate/certs/www.example.com.cert.pem')));
    expect(www).toMatch(/Invalidity Date: *\n\s*Jan {2}2 03:04:05 2025 GMT/);
    expect(www).not.toMatch(/Invalidity Date: critical/);
    expect(www).toContain('Key Compromise');
    const vpn = entryText(text, serialOf(path.join(ca, 'intermediate/certs/vpn.example.com.cert.pem')));
    expect(vpn).toMatch(/Invalidity Date: *\n\s*May {2}6 07:08:09 2024 GMT/);
    expect(vpn).toContain('CA Compromise');
    const mail = entryText(text, serialOf(path.join(ca, 'intermediate/certs/mail.example.com.cert.pem')));
    expect(mail).not.toContain('Invalidity Date');
  }, 180_000);
});

describe('a source CRL of five thousand entries', () => {
  it('imports, and Rootkeeper’s first CRL revokes all of them', async () => {
    const ca = await buildGuideCa(path.join(dir, 'big'));
    const inter = path.join(ca, 'intermediate');
    // One request signed MANY times by `openssl ca` (subjects need not be unique here).
    await writeFile(path.join(inter, 'index.txt.attr'), 'unique_subject = no\n');
    openssl(
      ca,
      'req',
      '-new',
      '-key',
      'intermediate/private/www.example.com.key.pem',
      '-passin',
      'pass:guide-server-secret',
      '-subj',
      '/C=GB/O=Alice Ltd/CN=client.example.com',
      '-out',
      'intermediate/csr/many.csr.pem',
    );
    // In batches, each one `openssl ca` run well inside the tool timeout on a busy machine.
    const BATCH = 500;
    for (let batch = 0; batch < MANY / BATCH; batch++)
      openssl(
        ca,
        'ca',
        '-batch',
        '-config',
        'intermediate/openssl.cnf',
        '-extensions',
        'usr_cert',
        '-days',
        '375',
        '-notext',
        '-md',
        'sha256',
        '-passin',
        `pass:${GUIDE_INTERMEDIATE_PASS}`,
        '-out',
        'intermediate/many.pem',
        '-infiles',
        ...Array.from({ length: BATCH }, () => 'intermediate/csr/many.csr.pem'),
      );
    // Revoked in the database directly (as `openssl ca -revoke` would write each line), then the CRL made by openssl.
    const revokedAt = '260101000000Z';
    const index = (await readFile(path.join(inter, 'index.txt'), 'utf8')).split('\n');
    let revoked = 0;
    const edited = index.map((line) => {
      const fields = line.split('\t');
      if (fields[0] !== 'V' || !fields[5]?.endsWith('CN=client.example.com')) return line;
      revoked++;
      return ['R', fields[1], `${revokedAt},superseded`, ...fields.slice(3)].join('\t');
    });
    expect(revoked).toBe(MANY);
    await writeFile(path.join(inter, 'index.txt'), edited.join('\n'));
    gencrlInGuide(ca);
    const sourceCrl = run('openssl', [
      'crl',
      '-in',
      path.join(inter, 'crl/intermediate.crl.pem'),
      '-noout',
      '-text',
    ]).stdout;
    expect(sourceCrl.match(/Serial Number:/g)).toHaveLength(MANY + 1);

    const store = path.join(dir, 'store-big');
    const imported = await importGuide(ca, store);
    expect(imported.status, imported.stderr).toBe(0);
    // MANY, the three servers and the intermediate itself.
    expect(imported.stdout).toContain(`Imported ${MANY + 4} certificates`);
    const ours = path.join(dir, 'big.crl.pem');
    const text = await intermediateCrl(store, ours);
    expect(text.match(/Serial Number:/g)).toHaveLength(MANY + 1);
    const crlNumber = run('openssl', ['crl', '-in', ours, '-noout', '-crlnumber']).stdout;
    // The source's crlnumber went 1000 → 1002 (two gencrl runs): ours carries on above it.
    expect(Number.parseInt(crlNumber.trim().replace(/^crlNumber=0x/, ''), 16)).toBeGreaterThanOrEqual(0x1002);
    const many = (await readFile(path.join(inter, 'many.pem'), 'utf8')).split(/(?=-----BEGIN CERTIFICATE-----)/);
    const last = path.join(dir, 'last-of-many.pem');
    await writeFile(last, many[many.length - 1]!);
    const verdict = run('openssl', [
      'verify',
      '-crl_check',
      '-CAfile',
      path.join(ca, 'certs/ca.cert.pem'),
      '-untrusted',
      path.join(inter, 'certs/intermediate.cert.pem'),
      '-CRLfile',
      ours,
      last,
    ]);
    expect(verdict.stdout + verdict.stderr).toContain('certificate revoked');
  }, 600_000);
});
