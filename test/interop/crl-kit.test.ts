/**
 * The CRL publishing kit as `rootkeeper crl --out DIR/` writes it (the built
 * CLI), followed literally: DER and PEM agree and parse with openssl, the
 * checksums pass, and nginx with the README's location block serves
 * /crl/NAME.crl as application/pkix-crl, byte for byte.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, rootkeeper } from '../support/cli';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';
import { freePort, killGroup } from './trust-kit-lab';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';

let dir: string;
let cleanup: () => Promise<void>;
let nginx: ChildProcess | undefined;
const cli = (...args: string[]) => rootkeeper(args, { cwd: dir });

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-crl-kit-'));
  const store = path.join(dir, 'store');
  const init = cli(
    'init',
    '--store',
    store,
    '--root-subject',
    'CN=CRL Kit Root CA',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
    '--kdf-memory',
    '64',
    '--kdf-passes',
    '2',
  );
  expect(init.status, init.stderr).toBe(0);
  const intermediate = cli(
    'intermediate',
    'create',
    '--store',
    store,
    '--subject',
    'CN=CRL Kit Issuing CA',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
  );
  expect(intermediate.status, intermediate.stderr).toBe(0);
  const intermediateCrl = cli(
    'crl',
    '--store',
    store,
    '--ca',
    'intermediate',
    '--out',
    'crls/',
    '--operator-passin',
    OPERATOR,
  );
  expect(intermediateCrl.status, intermediateCrl.stderr).toBe(0);
  expect(intermediateCrl.stdout).toContain(`to ${path.join(dir, 'crls', 'intermediate-crl-1')}:\n`);
  const rootCrl = cli(
    'crl',
    '--store',
    store,
    '--ca',
    'root',
    '--out',
    'crls',
    '--root-passin',
    ROOT,
    '--operator-passin',
    OPERATOR,
  );
  expect(rootCrl.status, rootCrl.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  killGroup(nginx?.pid);
  await cleanup?.();
});

describe('crl --out DIR/', () => {
  it('writes CA.crl (DER), CA.crl.pem, crls.pem, a README and SHA256SUMS that check', async () => {
    for (const [ca, folder] of [
      ['intermediate', 'intermediate-crl-1'],
      ['root', 'root-crl-1'],
    ] as const) {
      const kit = path.join(dir, 'crls', folder);
      expect((await readdir(kit)).sort()).toEqual(
        ['README.txt', 'SHA256SUMS', `${ca}.crl`, `${ca}.crl.pem`, 'crls.pem'].sort(),
      );
      expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: kit }).status).toBe(0);
      const der = run('openssl', ['crl', '-inform', 'DER', '-in', `${ca}.crl`, '-noout', '-hash'], { cwd: kit });
      const pem = run('openssl', ['crl', '-in', `${ca}.crl.pem`, '-noout', '-hash'], { cwd: kit });
      expect(der.status).toBe(0);
      expect(pem.stdout).toBe(der.stdout);
      expect(await readFile(path.join(kit, 'crls.pem'), 'utf8')).toBe(
        await readFile(path.join(kit, `${ca}.crl.pem`), 'utf8'),
      );
    }
  });

  it("is served by nginx with the README's location block as application/pkix-crl, byte for byte", async () => {
    const kit = path.join(dir, 'crls', 'intermediate-crl-1');
    const readme = await readFile(path.join(kit, 'README.txt'), 'utf8');
    // nginx's workers run as nobody: the scratch folder (0700 from mkdtemp) must let them through.
    await chmod(dir, 0o755);
    const www = path.join(dir, 'var/www/crl');
    await mkdir(www, { recursive: true });
    await copyFile(path.join(kit, 'intermediate.crl'), path.join(www, 'intermediate.crl'));
    const block = readme
      .split('the CRL URL: it serves /crl/NAME.crl with the type RFC 5280 asks for.\n')[1]!
      .split('\nCheck it: ')[0]!;
    expect(block).toContain('    location /crl/ {\n');
    const port = await freePort();
    const prefix = path.join(dir, 'nginx');
    await mkdir(prefix, { recursive: true });
    const conf = [
      `pid ${prefix}/nginx.pid;`,
      `error_log ${prefix}/error.log;`,
      'events { worker_connections 16; }',
      'http {',
      '    access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${prefix}/${kind};`),
      '    server {',
      `        listen 127.0.0.1:${port};`,
      block.replace('/var/www/crl/', `${www}/`).replace(/^/gm, '    '),
      '    }',
      '}',
    ].join('\n');
    await writeFile(path.join(prefix, 'nginx.conf'), conf);
    const check = run('nginx', ['-t', '-p', `${prefix}/`, '-c', `${prefix}/nginx.conf`]);
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn('nginx', ['-p', `${prefix}/`, '-c', `${prefix}/nginx.conf`, '-g', 'daemon off;'], {
      detached: true,
      stdio: 'ignore',
    });
    await waitForPort(port);

    const checkLine = readme.split('\nCheck it: ')[1]!.split('  shows  ')[0]!;
    const head = run('/bin/sh', ['-c', checkLine.replace('SERVER', `127.0.0.1:${port}`)]);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200 OK\r$/m);
    expect(head.stdout).toMatch(/^Content-Type: application\/pkix-crl\r$/m);
    const body = path.join(dir, 'downloaded.crl');
    expect(run('curl', ['-sS', '-o', body, `http://127.0.0.1:${port}/crl/intermediate.crl`]).status).toBe(0);
    expect(await readFile(body)).toEqual(await readFile(path.join(kit, 'intermediate.crl')));
  });
});

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nginx did not listen on ${port}`);
}
