/**
 * The rootkeeper CLI end to end, run from the built output as scripts run it:
 * every command, every exit code, rejected input leaving the store
 * unchanged, a wrong passphrase giving 3 and a tampered store giving 4, with
 * openssl checking what the commands wrote.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { opensslCsr } from '../support/openssl-csr';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
/** The floor of argon2id, so the suite runs quickly; production stores default to 256 MiB and 3 passes. */
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir });
const inStore = (...args: string[]) => cli(...args, '--store', store);
const unlocked = (...args: string[]) => inStore(...args, '--operator-passin', OPERATOR);

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-'));
  store = path.join(dir, 'store');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=CLI Root CA, O=Rootkeeper Tests',
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
    'CN=CLI Issuing CA, O=Rootkeeper Tests',
    '--purpose',
    'both',
    '--permit-dns',
    'example.com',
    '--permit-ip',
    '10.0.0.0/8',
    '--permit-email',
    'example.com',
    '--root-passin',
    ROOT,
  );
  expect(intermediate.status, intermediate.stderr).toBe(0);
});
afterAll(() => cleanup());

function openssl(...args: string[]) {
  return run('openssl', args, { cwd: dir });
}

describe('help and usage', () => {
  it('prints help with exit 0 and refuses bad command lines with exit 1', () => {
    const overview = cli('--help');
    expect(overview.status).toBe(0);
    expect(overview.stdout).toMatch(/intermediate create/);
    expect(overview.stdout).toMatch(/Exit codes: 0 done, 1 usage/);
    expect(cli('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    for (const command of [
      'init',
      'intermediate create',
      'intermediate csr',
      'intermediate import',
      'issue',
      'sign-csr',
      'renew',
      'revoke',
      'crl',
      'export root',
      'export chain',
      'list',
      'show',
      'audit log',
      'audit verify',
      'backup',
      'restore',
      'verify-backup',
      'convert',
    ]) {
      const help = cli(...command.split(' '), '--help');
      expect(help.status, command).toBe(0);
      expect(help.stdout, command).toContain(`Usage: rootkeeper ${command}`);
    }
    const unknown = cli('frobnicate');
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringMatching(/is not a command/)]);
    const missing = inStore('issue', '--profile', 'server', '--operator-passin', OPERATOR);
    expect([missing.status, missing.stderr.trim()]).toEqual([
      1,
      expect.stringMatching(/^rootkeeper: error: --cn is required\. Usage: rootkeeper issue/),
    ]);
    expect(inStore('list', '--bogus').status).toBe(1);
    expect(inStore('revoke', '--operator-passin', OPERATOR).status).toBe(1);
    // Some 25 runs of the CLI: generous, for a loaded two-core machine.
  }, 240_000);
});

describe('issuing', () => {
  it('issues a server certificate and writes a verified bundle that openssl accepts', async () => {
    const result = unlocked(
      'issue',
      '--profile',
      'server',
      '--cn',
      'www.example.com',
      '--san',
      'dns:api.example.com',
      '--san',
      'ip:10.1.2.3',
      '--out',
      'bundles',
      '--key-passout',
      'pass:bundle-key-passphrase',
      '--p12',
      'compatible',
      '--p12-passout',
      'pass:bundle-p12-password',
      '--json',
    );
    expect(result.status, result.stderr).toBe(0);
    const issued = JSON.parse(result.stdout);
    expect(issued.certificate.sans).toEqual([
      { type: 'dns', value: 'www.example.com' },
      { type: 'dns', value: 'api.example.com' },
      { type: 'ip', value: '10.1.2.3' },
    ]);
    const folder = path.join(dir, 'bundles', 'www.example.com');
    expect((await readdir(folder)).sort()).toEqual([
      'README.txt',
      'SHA256SUMS',
      'apache-passphrase.sh',
      'apache.conf',
      'ca-chain.cert.pem',
      'ca-chain.p7b',
      'haproxy.cfg',
      'nginx.conf',
      'www.example.com.cert.pem',
      'www.example.com.fullchain.pem',
      'www.example.com.key.pem',
      'www.example.com.p12',
    ]);
    expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder }).status).toBe(0);
    const chain = cli('export', 'chain', '--store', store, '--out', 'chain.pem');
    expect(chain.status).toBe(0);
    const verify = openssl(
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-CAfile',
      'chain.pem',
      path.join(folder, 'www.example.com.cert.pem'),
    );
    expect(verify.stdout).toMatch(/: OK/);
    expect(
      openssl(
        'pkey',
        '-in',
        path.join(folder, 'www.example.com.key.pem'),
        '-passin',
        'pass:bundle-key-passphrase',
        '-noout',
      ).status,
    ).toBe(0);
    expect(
      openssl(
        'pkey',
        '-in',
        path.join(folder, 'www.example.com.key.pem'),
        '-passin',
        'pass:wrong-passphrase-x',
        '-noout',
      ).status,
    ).not.toBe(0);
    const p12 = openssl(
      'pkcs12',
      '-legacy',
      '-info',
      '-in',
      path.join(folder, 'www.example.com.p12'),
      '-passin',
      'pass:bundle-p12-password',
      '-noout',
    );
    expect(p12.stderr + p12.stdout).toMatch(/MAC: sha1/);
    const readme = await readFile(path.join(folder, 'README.txt'), 'utf8');
    expect(readme).toContain('sudo cp -r www.example.com /etc/ssl/rootkeeper/\n');
    const nginx = await readFile(path.join(folder, 'nginx.conf'), 'utf8');
    expect(nginx).toMatch(/ssl_certificate\s+\/etc\/ssl\/rootkeeper\/www.example.com\/www.example.com.fullchain.pem;/);
    expect(nginx).toContain('    server_name www.example.com api.example.com;\n');
  });

  it('keeps a hostile common name inside the output folder', async () => {
    const result = unlocked(
      'issue',
      '--profile',
      'client',
      '--cn',
      '../../etc/x',
      '--out',
      'hostile',
      '--no-key-encryption',
    );
    expect(result.status, result.stderr).toBe(0);
    expect(await readdir(path.join(dir, 'hostile'))).toEqual(['etc_x']);
  });

  it('refuses names outside the name constraints with exit 2, and changes nothing', async () => {
    const before = await snapshotFolder(store);
    const result = unlocked(
      'issue',
      '--profile',
      'server',
      '--cn',
      'www.example.org',
      '--out',
      'refused',
      '--no-key-encryption',
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^rootkeeper: error: The name dns:www.example.org is outside the name constraints/,
    );
    expect(await snapshotFolder(store)).toEqual(before);
    const badSan = unlocked(
      'issue',
      '--profile',
      'server',
      '--cn',
      'www.example.com',
      '--san',
      'dns:10.0.0.1',
      '--out',
      'refused',
      '--no-key-encryption',
    );
    expect([badSan.status, badSan.stderr]).toEqual([1, expect.stringMatching(/is an IP address/)]);
  });

  it('never overwrites a bundle without --force', () => {
    const args = ['issue', '--profile', 'server', '--cn', 'dup.example.com', '--out', 'dups', '--no-key-encryption'];
    expect(unlocked(...args).status).toBe(0);
    const again = unlocked(...args);
    expect([again.status, again.stderr]).toEqual([2, expect.stringMatching(/already exists; nothing was written/)]);
    expect(unlocked(...args, '--force').status).toBe(0);
  });

  it('signs many CSRs made by openssl in one call, keeping their SANs', async () => {
    await opensslCsr(dir, 'a', '/CN=a.example.com', 'subjectAltName=DNS:a.example.com,DNS:a2.example.com');
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'b.key',
      '-subj',
      '/CN=b.example.com',
      '-out',
      'b.der',
      '-outform',
      'DER',
    );
    const result = unlocked('sign-csr', 'a.csr', 'b.der', '--profile', 'server', '--out', 'signed', '--json');
    expect(result.status, result.stderr).toBe(0);
    const { issued } = JSON.parse(result.stdout);
    expect(issued.map((entry: { certificate: { sans: unknown } }) => entry.certificate.sans)).toEqual([
      [
        { type: 'dns', value: 'a.example.com' },
        { type: 'dns', value: 'a2.example.com' },
      ],
      [{ type: 'dns', value: 'b.example.com' }],
    ]);
    expect((await readdir(path.join(dir, 'signed'))).sort()).toEqual(['a.example.com', 'b.example.com']);
  });

  it('refuses a whole batch with a bad request in it, naming the file, and signs nothing', async () => {
    await writeFile(path.join(dir, 'key.pem'), await readFile(path.join(dir, 'a.key')));
    const before = await snapshotFolder(store);
    const result = unlocked('sign-csr', 'a.csr', 'key.pem', '--profile', 'server', '--out', 'batch2');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/key\.pem: This file is a private key, not a certificate signing request\./);
    expect(await snapshotFolder(store)).toEqual(before);
  });
});

describe('revocation and CRLs', () => {
  it('revokes by serial as openssl prints it, and publishes CRLs openssl verifies', async () => {
    const issued = JSON.parse(
      unlocked(
        'issue',
        '--profile',
        'server',
        '--cn',
        'gone.example.com',
        '--out',
        'gone',
        '--no-key-encryption',
        '--json',
      ).stdout,
    );
    const printed = openssl(
      'x509',
      '-in',
      path.join(issued.bundle.folder, 'gone.example.com.cert.pem'),
      '-noout',
      '-serial',
    )
      .stdout.trim()
      .split('=')[1]!;
    const colons = printed.match(/../g)!.join(':');
    expect(unlocked('revoke', colons, '--reason', 'keyCompromise').status).toBe(0);
    expect(unlocked('revoke', colons).status).toBe(2);
    expect(unlocked('revoke', 'abcdef').status).toBe(2);
    expect(unlocked('crl', '--out', 'intermediate.crl').status).toBe(0);
    await writeFile(
      path.join(dir, 'intermediate.pem'),
      (await readFile(path.join(dir, 'chain.pem'), 'utf8')).split(/(?<=-----END CERTIFICATE-----\n)/)[0]!,
    );
    const verified = openssl(
      'crl',
      '-in',
      'intermediate.crl',
      '-inform',
      'DER',
      '-CAfile',
      'intermediate.pem',
      '-noout',
      '-text',
    );
    expect(verified.stderr).toMatch(/verify OK/);
    expect(verified.stdout).toMatch(new RegExp(`Serial Number: ${printed}[\\s\\S]*Key Compromise`));
    const root = inStore(
      'crl',
      '--ca',
      'root',
      '--out',
      'root.crl.pem',
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
    );
    expect(root.status, root.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'root.crl.pem'), 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/);
  });
});

describe('reading the store', () => {
  it('lists certificates as JSON with their status and shows one in full', () => {
    const listed = JSON.parse(unlocked('list', '--json').stdout);
    expect(listed.length).toBeGreaterThanOrEqual(5);
    for (const entry of listed) {
      expect(Object.keys(entry)).toEqual(
        expect.arrayContaining(['serial', 'subject', 'sans', 'notBefore', 'notAfter', 'status', 'revocationReason']),
      );
    }
    expect(listed.filter((entry: { status: string }) => entry.status === 'revoked')).toHaveLength(1);
    expect(JSON.parse(unlocked('list', '--json', '--expiring', '10').stdout)).toEqual([]);
    expect(JSON.parse(unlocked('list', '--json', '--expiring', '400').stdout).length).toBe(listed.length - 1);
    const revoked = JSON.parse(unlocked('list', '--json', '--status', 'revoked').stdout);
    expect(revoked.map((entry: { serial: string }) => entry.serial)).toEqual(
      listed
        .filter((entry: { status: string }) => entry.status === 'revoked')
        .map((entry: { serial: string }) => entry.serial),
    );
    const target = listed[listed.length - 1];
    const found = JSON.parse(unlocked('list', '--json', '--search', target.subject.slice(3).toUpperCase()).stdout);
    expect(found.map((entry: { serial: string }) => entry.serial)).toContain(target.serial);
    const bySerial = JSON.parse(unlocked('list', '--json', '--sort', 'serial', '--descending').stdout);
    expect(bySerial.map((entry: { serial: string }) => entry.serial)).toEqual(
      listed
        .map((entry: { serial: string }) => entry.serial)
        .sort((a: string, b: string) => b.length - a.length || (a < b ? 1 : -1)),
    );
    expect(unlocked('list', '--status', 'bogus').stderr).toMatch(
      /--status must be one of valid, expiring, expired, revoked/,
    );
    const shown = JSON.parse(unlocked('show', listed[0].serial.toUpperCase(), '--json').stdout);
    expect(shown.detail.extensions.map((extension: { name: string }) => extension.name)).toEqual(
      expect.arrayContaining(['basicConstraints', 'keyUsage', 'extKeyUsage', 'subjectAltName']),
    );
    expect(shown.detail.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(unlocked('show', 'ffff').status).toBe(2);
  });

  it('prints the journal as a timeline, newest first as the app does (or oldest first), filtered by category', () => {
    const timeline = JSON.parse(unlocked('audit', 'log', '--json', '--oldest-first').stdout);
    expect(timeline[0]).toMatchObject({ sequence: 1, type: 'store-created' });
    expect(timeline.map((entry: { sequence: number }) => entry.sequence)).toEqual(
      timeline.map((_: unknown, index: number) => index + 1),
    );
    const newestFirst = JSON.parse(unlocked('audit', 'log', '--json').stdout);
    expect(newestFirst.map((entry: { sequence: number }) => entry.sequence)).toEqual(
      timeline.map((entry: { sequence: number }) => entry.sequence).reverse(),
    );
    const text = unlocked('audit', 'log').stdout.trimEnd().split('\n');
    expect(text.at(-1)).toMatch(/^\s+1 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC {2}Store created/);
    expect(text[0]).toMatch(new RegExp(`^\\s+${newestFirst[0].sequence}\\s`));
    const revocations = unlocked('audit', 'log', '--category', 'revocation');
    expect(revocations.status).toBe(0);
    expect(revocations.stdout).toMatch(/Certificate revoked \(/);
    expect(revocations.stdout).not.toMatch(/Store created/);
  });

  it('renews a certificate on its own key: same names, same public key, no key file', async () => {
    const [target] = JSON.parse(unlocked('list', '--json', '--status', 'valid').stdout);
    const result = unlocked('renew', target.serial, '--out', 'renewed', '--json');
    expect(result.status, result.stderr).toBe(0);
    const renewed = JSON.parse(result.stdout);
    expect(renewed.certificate.sans).toEqual(target.sans);
    expect(renewed.bundle.files.some((file: { name: string }) => file.name.endsWith('.key.pem'))).toBe(false);
    const spki = (serial: string) =>
      run('openssl', ['x509', '-noout', '-pubkey'], {
        input: JSON.parse(unlocked('show', serial, '--json').stdout).detail.pem,
      }).stdout;
    expect(spki(renewed.certificate.serial)).toBe(spki(target.serial));
    expect(
      unlocked('renew', target.serial, '--out', 'renewed2', '--key-passout', 'pass:whatever-long-1').stderr,
    ).toMatch(/--key same writes no key/);
  });

  it('verifies the journal and prints its head', () => {
    const result = unlocked('audit', 'verify', '--json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      head: { sequence: expect.any(Number), chainHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });
});

describe('passphrases', () => {
  it('reads them from env:, file:, fd: and stdin', async () => {
    await writeFile(path.join(dir, 'operator.txt'), 'velvet-harbor-quartz-meadow-3\n');
    const env = { ...process.env, OPERATOR_PASSPHRASE: 'velvet-harbor-quartz-meadow-3' };
    expect(
      rootkeeper(['audit', 'verify', '--store', store, '--operator-passin', 'env:OPERATOR_PASSPHRASE'], {
        cwd: dir,
        env,
      }).status,
    ).toBe(0);
    expect(inStore('audit', 'verify', '--operator-passin', 'file:operator.txt').status).toBe(0);
    expect(
      rootkeeper(['audit', 'verify', '--store', store, '--operator-passin', 'stdin'], {
        cwd: dir,
        input: 'velvet-harbor-quartz-meadow-3\n',
      }).status,
    ).toBe(0);
    const fd = run(
      'sh',
      [
        '-c',
        `"${process.execPath}" "${path.resolve('out/main/cli.js')}" audit verify --store "${store}" --operator-passin fd:3 3<operator.txt`,
      ],
      { cwd: dir },
    );
    expect(fd.status, fd.stderr).toBe(0);
    // Two passphrases from stdin: root first, then operator, as the help says.
    const both = rootkeeper(
      [
        'crl',
        '--store',
        store,
        '--ca',
        'root',
        '--out',
        'root2.crl',
        '--root-passin',
        'stdin',
        '--operator-passin',
        'stdin',
      ],
      { cwd: dir, input: 'granite-lantern-orbit-canyon-7\nvelvet-harbor-quartz-meadow-3\n' },
    );
    expect(both.status, both.stderr).toBe(0);
    const noTerminal = rootkeeper(['audit', 'verify', '--store', store], { cwd: dir, input: '' });
    expect([noTerminal.status, noTerminal.stderr]).toEqual([1, expect.stringMatching(/no terminal to ask on/)]);
  });

  it('answers a wrong passphrase with exit 3, and a wrong root passphrase too', async () => {
    const before = await snapshotFolder(store);
    const wrong = inStore('list', '--operator-passin', 'pass:not-the-operator-passphrase');
    expect([wrong.status, wrong.stderr.trim().split('\n').at(-1)]).toEqual([
      3,
      expect.stringMatching(/^rootkeeper: error: The operator passphrase is wrong\./),
    ]);
    // throttle.json is the one file a failed attempt may change (docs/vault.md, "The throttle").
    expect(await snapshotFolder(store, ['throttle.json'])).toEqual(before);
    const wrongRoot = inStore(
      'crl',
      '--ca',
      'root',
      '--out',
      'x.crl',
      '--root-passin',
      'pass:not-the-root-passphrase',
      '--operator-passin',
      OPERATOR,
    );
    expect(wrongRoot.status).toBe(3);
  });

  it('refuses a weak passphrase at init with exit 2, saying why', () => {
    const weak = cli(
      'init',
      '--store',
      path.join(dir, 'weak'),
      '--root-subject',
      'CN=Weak',
      '--root-passin',
      'pass:password1234',
      '--operator-passin',
      OPERATOR,
      ...FAST_KDF,
    );
    expect([weak.status, weak.stderr]).toEqual([
      2,
      expect.stringMatching(/root passphrase is refused.*too easy to guess/),
    ]);
    const low = cli(
      'init',
      '--store',
      path.join(dir, 'low'),
      '--root-subject',
      'CN=Low',
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
      '--kdf-memory',
      '32',
    );
    expect([low.status, low.stderr]).toEqual([2, expect.stringMatching(/at least 64 MiB/)]);
  });
});

describe('exports, backups and conversions', () => {
  it('writes the root trust kit without a passphrase', async () => {
    const result = cli('export', 'root', '--store', store, '--out', 'kit', '--json');
    expect(result.status, result.stderr).toBe(0);
    const kit = JSON.parse(result.stdout);
    expect(kit.files.map((file: { name: string }) => file.name)).toEqual(
      expect.arrayContaining(['SHA256SUMS', 'README.txt']),
    );
    expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(dir, 'kit') }).status).toBe(0);
    expect(cli('export', 'root', '--store', store, '--out', 'kit').status).toBe(2);
  });

  it('backs up, verifies and restores, never over an existing store', async () => {
    expect(unlocked('backup', '--out', 'store.backup').status).toBe(0);
    expect(unlocked('backup', '--out', 'store.backup').status).toBe(2);
    expect(cli('verify-backup', 'store.backup', '--operator-passin', OPERATOR).stdout).toMatch(/verifies/);
    expect(cli('verify-backup', 'store.backup', '--operator-passin', 'pass:wrong-passphrase-here').status).toBe(3);
    const restored = path.join(dir, 'restored');
    const original = JSON.parse(unlocked('list', '--json').stdout);
    expect(cli('restore', 'store.backup', '--store', restored, '--operator-passin', OPERATOR).status).toBe(0);
    expect(
      JSON.parse(
        rootkeeper(['list', '--json', '--store', restored, '--operator-passin', OPERATOR], { cwd: dir }).stdout,
      ),
    ).toEqual(original);
    expect(cli('restore', 'store.backup', '--store', store, '--operator-passin', OPERATOR).status).toBe(2);
    // The restore is journaled in the restored copy and the witness follows it: the copy it came from is now a
    // second history of the same CA and is refused (docs/vault.md, "Rollback detection").
    const forked = unlocked('list');
    expect([forked.status, forked.stderr]).toEqual([4, expect.stringMatching(/rolled back/)]);
    expect(inStore('audit', 'accept-rollback', '--operator-passin', OPERATOR, '--root-passin', ROOT).status).toBe(0);
  });

  it('converts certificates among PEM, DER and PKCS#7', async () => {
    expect(cli('convert', 'chain.pem', '--to', 'p7b', '--out', 'chain.p7b').status).toBe(0);
    expect(openssl('pkcs7', '-inform', 'DER', '-in', 'chain.p7b', '-print_certs', '-noout').stdout).toMatch(
      /CLI Issuing CA[\s\S]*CLI Root CA/,
    );
    expect(cli('convert', 'chain.p7b', '--to', 'pem', '--out', 'chain2.pem').status).toBe(0);
    expect(await readFile(path.join(dir, 'chain2.pem'), 'utf8')).toBe(
      await readFile(path.join(dir, 'chain.pem'), 'utf8'),
    );
    const der = cli('convert', 'chain.pem', '--to', 'der', '--out', 'chain.der');
    expect([der.status, der.stderr]).toEqual([
      2,
      expect.stringMatching(/DER holds one certificate but this file has 2/),
    ]);
    expect(cli('convert', 'intermediate.pem', '--to', 'der', '--out', 'intermediate.der').status).toBe(0);
    expect(openssl('x509', '-inform', 'DER', '-in', 'intermediate.der', '-noout', '-subject').stdout).toMatch(
      /CLI Issuing CA/,
    );
  });
});

describe('a tampered store', () => {
  it('is refused with exit 4, naming the file', async () => {
    const copy = path.join(dir, 'tampered');
    expect(cli('restore', 'store.backup', '--store', copy, '--operator-passin', OPERATOR).status).toBe(0);
    const journal = path.join(copy, 'journal.rkj');
    const bytes = await readFile(journal);
    bytes[bytes.length - 50]! ^= 0x10;
    await writeFile(journal, bytes);
    const result = rootkeeper(['list', '--store', copy, '--operator-passin', OPERATOR], { cwd: dir });
    expect([result.status, result.stderr]).toEqual([
      4,
      expect.stringMatching(/damaged or has been tampered with: journal.rkj, record \d+/),
    ]);
  });
});

describe('an intermediate for a root kept elsewhere', () => {
  it('writes the CSR and refuses to import a certificate for another key', async () => {
    const other = path.join(dir, 'second');
    expect(
      cli(
        'init',
        '--store',
        other,
        '--root-subject',
        'CN=Second Root',
        '--root-passin',
        ROOT,
        '--operator-passin',
        OPERATOR,
        ...FAST_KDF,
      ).status,
    ).toBe(0);
    const csr = rootkeeper(
      [
        'intermediate',
        'csr',
        '--store',
        other,
        '--subject',
        'CN=Pending Intermediate',
        '--out',
        'pending.csr',
        '--operator-passin',
        OPERATOR,
      ],
      { cwd: dir },
    );
    expect(csr.status, csr.stderr).toBe(0);
    expect(openssl('req', '-in', 'pending.csr', '-noout', '-verify', '-subject').stdout).toMatch(
      /CN = Pending Intermediate/,
    );
    const wrong = rootkeeper(
      ['intermediate', 'import', '--store', other, 'intermediate.pem', '--operator-passin', OPERATOR],
      { cwd: dir },
    );
    expect([wrong.status, wrong.stderr]).toEqual([2, expect.stringMatching(/not for the pending intermediate key/)]);
  });
});
