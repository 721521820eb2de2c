/**
 * An intermediate for an online CA, end to end: the online CA's key and
 * request made by openssl, signed by `rootkeeper intermediate sign-external`,
 * then served by Debian's `cfssl serve` on loopback, which issues a leaf over
 * HTTP that `openssl verify` chains to the Rootkeeper root. OpenSSL also
 * enforces the name constraints (a leaf outside them fails), and after
 * `rootkeeper revoke` the root's new CRL makes the whole chain fail with
 * "certificate revoked". Refusals come before any unlock and change nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
const ROOT_CRL_URL = 'http://pki.example.test/root.crl';
const CONSTRAINTS = ['--permit-dns', 'example.com', '--exclude-ip', '0.0.0.0/0', '--exclude-ip', '::/0'];

let dir: string;
let cleanup: () => Promise<void>;
let store: string;
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir });
const unlocked = (...args: string[]) => cli(...args, '--store', store, '--operator-passin', OPERATOR);
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
const signExternal = (...args: string[]) =>
  unlocked('intermediate', 'sign-external', '--root-passin', ROOT, ...CONSTRAINTS, ...args);

function mustRun(result: { status: number | null; stdout: string; stderr: string }) {
  expect(result.status, result.stderr).toBe(0);
  return result;
}

/** A key and request made by openssl, as the online CA's operator makes them. */
function request(name: string, subject: string, ...addext: string[]) {
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
      subject,
      ...addext.flatMap((extension) => ['-addext', extension]),
      '-out',
      `${name}.csr`,
    ),
  );
}

beforeAll(async () => {
  requireBuiltCli();
  expect(run('cfssl', ['version']).stdout, 'Debian golang-cfssl must be installed').toMatch(/Version/);
  ({ dir, cleanup } = await makeTempDir('rootkeeper-external-ca-'));
  store = path.join(dir, 'store');
  mustRun(
    cli(
      'init',
      '--store',
      store,
      '--root-subject',
      'CN=External Test Root CA, O=Rootkeeper Tests',
      '--root-key',
      'ec-p256',
      '--root-days',
      '1000',
      '--root-passin',
      ROOT,
      '--operator-passin',
      OPERATOR,
      ...FAST_KDF,
    ),
  );
  mustRun(
    unlocked(
      'intermediate',
      'create',
      '--subject',
      'CN=Internal Issuing CA',
      '--key',
      'ec-p256',
      '--crl-url',
      ROOT_CRL_URL,
      '--root-passin',
      ROOT,
    ),
  );
  mustRun(cli('export', 'root', '--store', store, '--out', 'kit'));
  mustRun(openssl('x509', '-inform', 'DER', '-in', 'kit/external_test_root_ca.cer', '-out', 'root.pem'));
  // cfssl writes its CRL's issuer in Go's attribute order (O before CN): the request uses that order, so they match.
  request('online', '/O=Acme/CN=Acme Online CA');
}, 120_000);
afterAll(() => cleanup());

describe('intermediate sign-external', () => {
  it('refuses bad requests, a --days past the root and a taken --out before any unlock, changing nothing', async () => {
    const before = await snapshotFolder(store);
    // Wrong passphrases everywhere: a refusal that came after an unlock would be exit 3, not 2.
    const refused = (...args: string[]) =>
      cli(
        'intermediate',
        'sign-external',
        '--store',
        store,
        '--root-passin',
        'pass:wrong-root-passphrase',
        '--operator-passin',
        'pass:wrong-operator-passphrase',
        ...args,
      );

    const pastRoot = refused('--csr', 'online.csr', '--days', '1500', '--out', 'x.pem');
    expect([pastRoot.status, pastRoot.stderr]).toEqual([
      2,
      expect.stringMatching(/would outlast the root.*at most 99\d days/),
    ]);

    // A request whose signature no longer matches its contents.
    const der = Buffer.from(
      (await readFile(path.join(dir, 'online.csr'), 'utf8')).replace(/-----[^-]+-----|\s/g, ''),
      'base64',
    );
    der.writeUInt8(der.readUInt8(der.length - 5) ^ 0xff, der.length - 5);
    await writeFile(path.join(dir, 'forged.csr'), der);
    const forged = refused('--csr', 'forged.csr', '--out', 'x.pem');
    expect([forged.status, forged.stderr]).toEqual([2, expect.stringMatching(/forged\.csr: .*signature/i)]);

    const notCsr = refused('--csr', 'root.pem', '--out', 'x.pem');
    expect([notCsr.status, notCsr.stderr]).toEqual([
      2,
      expect.stringMatching(/certificate, not a certificate signing request/),
    ]);

    await writeFile(path.join(dir, 'taken.pem'), 'already here\n');
    const taken = refused('--csr', 'online.csr', '--out', 'taken.pem');
    expect([taken.status, taken.stderr]).toEqual([2, expect.stringMatching(/taken\.pem already exists/)]);
    expect(await readFile(path.join(dir, 'taken.pem'), 'utf8')).toBe('already here\n');

    const badConstraint = refused('--csr', 'online.csr', '--permit-ip', '10.0.0.0/33', '--out', 'x.pem');
    expect(badConstraint.status).toBe(2);
    const https = refused('--csr', 'online.csr', '--crl-url', 'https://pki.example.test/root.crl', '--out', 'x.pem');
    expect([https.status, https.stderr]).toEqual([2, expect.stringMatching(/plain http:\/\//)]);

    expect(await snapshotFolder(store)).toEqual(before);
    expect(run('ls', [dir]).stdout).not.toMatch(/^x\.pem$/m);
  }, 120_000);

  it('signs the online CA with pathLen 0, critical name constraints and the root CRL, served by cfssl', async () => {
    const signed = signExternal('--csr', 'online.csr', '--purpose', 'server', '--out', 'online-ca.der', '--json');
    mustRun(signed);
    const result = JSON.parse(signed.stdout) as {
      certificate: { serial: string; pem: string };
      generation: { status: string; external: boolean };
      crlUrl: string;
      file: string;
    };
    expect(result.generation).toMatchObject({ status: 'external', external: true });
    expect(result.crlUrl).toBe(ROOT_CRL_URL);
    const serial = result.certificate.serial;

    // --out without .pem is DER; openssl reads it back.
    mustRun(openssl('x509', '-inform', 'DER', '-in', 'online-ca.der', '-out', 'online-ca.pem'));
    const text = openssl('x509', '-in', 'online-ca.pem', '-noout', '-text').stdout;
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(text).toMatch(/Extended Key Usage: \s+TLS Web Server Authentication\n/);
    expect(text).toMatch(
      /Name Constraints: critical\s+Permitted:\s+DNS:example\.com\s+Excluded:\s+IP:0\.0\.0\.0\/0\.0\.0\.0/,
    );
    expect(text).toContain(`URI:${ROOT_CRL_URL}`);
    expect(text).toMatch(/Subject: O = Acme, CN = Acme Online CA/);
    // Its AKI is the root's SKI, and it is the online CA's own key.
    const rootSki = openssl('x509', '-in', 'root.pem', '-noout', '-ext', 'subjectKeyIdentifier')
      .stdout.split('\n')[1]!
      .trim();
    expect(text).toContain(rootSki);
    const key = (file: string, ...args: string[]) => openssl('pkey', '-in', file, ...args, '-pubout').stdout;
    expect(openssl('x509', '-in', 'online-ca.pem', '-noout', '-pubkey').stdout).toBe(key('online.key'));
    expect(mustRun(openssl('verify', '-CAfile', 'root.pem', 'online-ca.pem')).stdout).toMatch(/OK/);

    // Listed as external, shown, and its certificate handed over again as PEM.
    const listed = JSON.parse(mustRun(unlocked('intermediate', 'list', '--json')).stdout) as {
      serial: string;
      status: string;
    }[];
    expect(listed.map((generation) => generation.status)).toEqual(['active', 'external']);
    expect(listed[1]!.serial).toBe(serial);
    expect(mustRun(unlocked('show', serial)).stdout).toMatch(/online CA.*external/);
    expect(mustRun(unlocked('show', serial, '--pem')).stdout).toBe(
      await readFile(path.join(dir, 'online-ca.pem'), 'utf8'),
    );

    // The online CA at work: cfssl serve with the signed intermediate, a leaf requested over HTTP.
    request('leaf', '/CN=www.example.com', 'subjectAltName=DNS:www.example.com');
    const port = await freePort();
    const server = spawn(
      'cfssl',
      ['serve', '-address', '127.0.0.1', '-port', String(port), '-ca', 'online-ca.pem', '-ca-key', 'online.key'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const leaf = await cfsslSign(server, port, await readFile(path.join(dir, 'leaf.csr'), 'utf8'), [
        'www.example.com',
      ]);
      await writeFile(path.join(dir, 'leaf.pem'), leaf);
    } finally {
      await stop(server);
    }
    const verified = openssl(
      'verify',
      '-purpose',
      'sslserver',
      '-CAfile',
      'root.pem',
      '-untrusted',
      'online-ca.pem',
      'leaf.pem',
    );
    expect([verified.status, verified.stdout]).toEqual([0, 'leaf.pem: OK\n']);

    // OpenSSL enforces the constraints: a leaf the online CA signs for another domain fails.
    request('outside', '/CN=www.example.org', 'subjectAltName=DNS:www.example.org');
    mustRun(
      openssl(
        'x509',
        '-req',
        '-in',
        'outside.csr',
        '-CA',
        'online-ca.pem',
        '-CAkey',
        'online.key',
        '-set_serial',
        '7',
        '-days',
        '30',
        '-copy_extensions',
        'copy',
        '-out',
        'outside.pem',
      ),
    );
    const outside = openssl('verify', '-CAfile', 'root.pem', '-untrusted', 'online-ca.pem', 'outside.pem');
    expect(outside.status).not.toBe(0);
    expect(outside.stdout + outside.stderr).toMatch(/permitted subtree violation/);

    // CRLs: the online CA's own (cfssl gencrl, nothing revoked) and the root's, before and after the revocation.
    await writeFile(path.join(dir, 'none.txt'), '');
    const onlineCrl = mustRun(run('cfssl', ['gencrl', 'none.txt', 'online-ca.pem', 'online.key'], { cwd: dir })).stdout;
    await writeFile(path.join(dir, 'online.crl'), Buffer.from(onlineCrl.trim(), 'base64'));
    mustRun(openssl('crl', '-inform', 'DER', '-in', 'online.crl', '-out', 'online.crl.pem'));
    mustRun(unlocked('crl', '--ca', 'root', '--out', 'root-before.crl.pem', '--root-passin', ROOT));
    const checkAll = (rootCrl: string) =>
      openssl(
        'verify',
        '-crl_check_all',
        '-CAfile',
        'root.pem',
        '-untrusted',
        'online-ca.pem',
        '-CRLfile',
        'online.crl.pem',
        '-CRLfile',
        rootCrl,
        'leaf.pem',
      );
    expect(checkAll('root-before.crl.pem').stdout).toBe('leaf.pem: OK\n');

    const revoked = mustRun(
      unlocked('revoke', serial, '--reason', 'keyCompromise', '--root-passin', ROOT, '--crl-out', 'root-after.crl'),
    );
    expect(revoked.stdout).toMatch(/Revoked the intermediate/);
    mustRun(openssl('crl', '-inform', 'DER', '-in', 'root-after.crl', '-out', 'root-after.crl.pem'));
    expect(openssl('crl', '-in', 'root-after.crl.pem', '-noout', '-text').stdout.toLowerCase()).toContain(serial);
    const after = checkAll('root-after.crl.pem');
    expect(after.status).not.toBe(0);
    expect(after.stdout + after.stderr).toMatch(/error 23 at 1 depth lookup: certificate revoked/);
    const statuses = JSON.parse(mustRun(unlocked('intermediate', 'list', '--json')).stdout) as { status: string }[];
    expect(statuses.map((generation) => generation.status)).toEqual(['active', 'revoked']);
    // The internal intermediate still issues: the external one never touched it.
    expect(
      mustRun(
        unlocked('issue', '--profile', 'server', '--cn', 'in.example.com', '--out', 'bundles', '--no-key-encryption'),
      ).status,
    ).toBe(0);
  }, 300_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** POSTs the request to cfssl's sign endpoint, retrying while the server starts; returns the leaf PEM. */
async function cfsslSign(server: ChildProcess, port: number, csr: string, hosts: string[]): Promise<string> {
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  for (let attempt = 0; attempt < 100; attempt++) {
    if (server.exitCode !== null) throw new Error(`cfssl serve exited: ${log}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/cfssl/sign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ certificate_request: csr, hosts }),
      });
      const body = (await response.json()) as { success: boolean; errors: unknown[]; result: { certificate: string } };
      expect(body.success, JSON.stringify(body.errors)).toBe(true);
      return body.result.certificate;
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`cfssl serve did not answer on port ${port}: ${log}`);
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
}
