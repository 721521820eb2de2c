/**
 * Server and client bundles followed literally, with Debian's own servers:
 *   - nginx 1.22 (nginx -t, then a real TLS handshake through it, curl
 *     trusting only the root), Apache 2.4 with mod_ssl (apache2 -t, then a
 *     handshake), HAProxy 2.6 (haproxy -c, then a request through it), each
 *     with the configuration file the bundle carries, moved only from
 *     /etc/ssl/rootkeeper/ to a scratch folder and from port 443 to a free one;
 *   - an encrypted key through nginx's ssl_password_file and Apache's
 *     SSLPassPhraseDialog helper;
 *   - the commented mutual-TLS blocks switched on, with the CRL kit's
 *     crls.pem: the client bundle's curl and Python snippets get in, a
 *     revoked client and a client without a certificate do not;
 *   - every snippet of the READMEs (Node.js, Python, curl, openssl s_client) run as written.
 * The servers run on 127.0.0.1 (and ::1) and are stopped after each test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCrl } from '../../src-main/engine/crl';
import { bundleFiles, type Bundle } from '../../src-main/exports/bundle';
import { crlKitFiles } from '../../src-main/exports/crl-kit';
import { writeExportFolder } from '../../src-main/exports/folder';
import { run, type RunResult } from '../support/run';
import { makeHierarchy, makeLeaf, writeHierarchy, type TestHierarchy, type TestLeaf } from '../support/pki';
import { makeTempDir } from '../support/temp-dir';
import { freePort, killGroup, runTool } from './trust-kit-lab';

const PASSPHRASE = 'correct horse battery staple';
const APACHE_MODULES = '/usr/lib/apache2/modules';

let tmp: { dir: string; cleanup: () => Promise<void> };
let hierarchy: TestHierarchy;
let root: string;
/** The root of another CA, which vouches for none of these servers. */
let strangerRoot: string;
/** Bundle folders as written, and as copied to the scratch /etc/ssl/rootkeeper. */
const written: Record<string, string> = {};
const deployed: Record<string, string> = {};
let deployBase: string;
const running: ChildProcess[] = [];

async function pkcs8Of(leaf: TestLeaf): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', leaf.keys.privateKey));
}

async function writeBundle(label: string, bundle: Bundle): Promise<void> {
  const folder = path.join(tmp.dir, 'out', label, bundle.name);
  await writeExportFolder(folder, bundle.files);
  written[label] = folder;
  // The README's own step: copy the folder to /etc/ssl/rootkeeper/ (here: a scratch copy of it).
  const target = path.join(deployBase, label === 'encrypted' ? 'encrypted' : '', bundle.name);
  await mkdir(path.dirname(target), { recursive: true });
  expect(run('cp', ['-r', folder, path.dirname(target) + '/']).status).toBe(0);
  deployed[label] = target;
}

beforeAll(async () => {
  tmp = await makeTempDir('rootkeeper-bundle-servers-');
  deployBase = path.join(tmp.dir, 'etc/ssl/rootkeeper');
  hierarchy = await makeHierarchy({ label: 'Bundle Servers' });
  root = (await writeHierarchy(tmp.dir, hierarchy)).root!;
  const strangerDir = path.join(tmp.dir, 'stranger');
  await mkdir(strangerDir);
  strangerRoot = (await writeHierarchy(strangerDir, await makeHierarchy({ label: 'Stranger' }))).root!;
  const localhost = { cn: 'localhost', sans: [{ type: 'dns' as const, value: 'localhost' }] };
  const server = await makeLeaf(hierarchy, localhost);
  const secret = await makeLeaf(hierarchy, localhost);
  const alice = await makeLeaf(hierarchy, {
    profile: 'client',
    cn: 'alice',
    sans: [{ type: 'dns', value: 'alice.example.test' }],
  });
  const mallory = await makeLeaf(hierarchy, {
    profile: 'client',
    cn: 'mallory',
    sans: [{ type: 'dns', value: 'mallory.example.test' }],
  });
  const chain = { intermediate: hierarchy.intermediate.der, root: hierarchy.root.der };
  await writeBundle(
    'plain',
    await bundleFiles({
      certificate: server.leaf.der,
      ...chain,
      privateKey: { pkcs8: await pkcs8Of(server), passphrase: null },
    }),
  );
  await writeBundle(
    'encrypted',
    await bundleFiles({
      certificate: secret.leaf.der,
      ...chain,
      privateKey: { pkcs8: await pkcs8Of(secret), passphrase: PASSPHRASE },
    }),
  );
  await writeBundle(
    'alice',
    await bundleFiles({
      certificate: alice.leaf.der,
      ...chain,
      privateKey: { pkcs8: await pkcs8Of(alice), passphrase: null },
      pkcs12: { profile: 'modern', password: 'p12-password' },
    }),
  );
  await writeBundle(
    'mallory',
    await bundleFiles({
      certificate: mallory.leaf.der,
      ...chain,
      privateKey: { pkcs8: await pkcs8Of(mallory), passphrase: null },
    }),
  );
  // Mallory's certificate is revoked; the root's CRL is empty. Both go into the CRL kit's crls.pem.
  const intermediateCrl = await createCrl({
    issuer: hierarchy.intermediateIssuer,
    crlNumber: 1,
    entries: [
      { serialNumber: mallory.leaf.serialNumber, revokedAt: new Date(Date.now() - 60_000), reason: 'keyCompromise' },
    ],
  });
  const rootCrl = await createCrl({ issuer: hierarchy.rootIssuer, crlNumber: 1, entries: [] });
  const crlFolder = path.join(tmp.dir, 'out/crl');
  await writeExportFolder(
    crlFolder,
    crlKitFiles([
      { name: 'root', der: rootCrl.der },
      { name: 'intermediate', der: intermediateCrl.der },
    ]),
  );
  await cp(crlFolder, path.join(deployBase, 'crl'), { recursive: true });
}, 120_000);

afterEach(() => {
  for (const child of running.splice(0)) killGroup(child.pid);
});

afterAll(async () => {
  await tmp?.cleanup();
});

/** The bundle's configuration as deployed here: /etc/ssl/rootkeeper/ and port 443 moved, nothing else. */
function relocate(text: string, port: number, encrypted = false): string {
  const base = encrypted ? path.join(deployBase, 'encrypted') : deployBase;
  return text
    .replace(/\/etc\/ssl\/rootkeeper\/(crl\/)?/g, (_match, crl?: string) => (crl ? `${deployBase}/crl/` : `${base}/`))
    .replace(/\blisten 443 /g, `listen 127.0.0.1:${port} `)
    .replace(/\blisten \[::\]:443 /g, `listen [::1]:${port} `)
    .replace(/<VirtualHost \*:443>/g, `<VirtualHost *:${port}>`)
    .replace(/\bbind :443 /g, `bind 127.0.0.1:${port} `);
}

/** Switches on the commented mutual-TLS lines ("# ssl_…", "# SSL…", "# bind …"). */
function mutualTls(text: string, haproxy = false): string {
  if (!haproxy) return text.replace(/^( {4})# ((?:ssl_|SSL)\S+ .*)$/gm, '$1$2');
  return text.replace(/^ {4}bind .*\n/m, '').replace(/^( {4})# (bind .*)$/m, '$1$2');
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${log()}`);
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
  throw new Error(`nothing listens on ${port}: ${log()}`);
}

async function start(
  command: string,
  args: readonly string[],
  port: number,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForPort(port, child, () => output);
}

/** curl trusting only the root (the trust kit's root certificate), nothing else. */
function curlRootOnly(port: number, extra: readonly string[] = []): RunResult {
  return run('curl', [
    '-sS',
    '--max-time',
    '10',
    '--cacert',
    root,
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{ssl_verify_result}',
    ...extra,
    `https://localhost:${port}/`,
  ]);
}

/** Lines of a README indented by four spaces right after `label`, unindented. */
function snippet(readme: string, label: string): string {
  const start = readme.indexOf(`${label}\n`);
  expect(start, label).toBeGreaterThanOrEqual(0);
  const lines: string[] = [];
  for (const line of readme.slice(start + label.length + 1).split('\n')) {
    if (!line.startsWith('    ')) break;
    lines.push(line.slice(4));
  }
  return `${lines.join('\n')}\n`;
}

/** A README command as written, run by sh in the bundle folder; `sudo` dropped (the tests run as root, without sudo). */
function shell(command: string, cwd: string, options: { input?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  return run('/bin/sh', ['-c', command.replace(/\bsudo /g, '')], {
    cwd,
    input: options.input,
    env: { ...process.env, ...options.env },
  });
}

async function readme(label: string): Promise<string> {
  return readFile(path.join(written[label]!, 'README.txt'), 'utf8');
}

async function nginxSite(label: string, port: number, transform = (text: string) => text): Promise<string> {
  const site = transform(
    relocate(await readFile(path.join(deployed[label]!, 'nginx.conf'), 'utf8'), port, label === 'encrypted'),
  );
  const prefix = path.join(tmp.dir, `nginx-${label}-${port}`);
  await mkdir(prefix, { recursive: true });
  await writeFile(path.join(prefix, 'site.conf'), site);
  const main = [
    `pid ${prefix}/nginx.pid;`,
    // info: the level nginx logs client-certificate verdicts at.
    `error_log ${prefix}/error.log info;`,
    'events { worker_connections 64; }',
    'http {',
    '    access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${prefix}/${kind};`),
    `    include ${prefix}/site.conf;`,
    '}',
  ];
  await writeFile(path.join(prefix, 'nginx.conf'), `${main.join('\n')}\n`);
  return prefix;
}

function nginxTest(prefix: string): RunResult {
  return run('nginx', ['-t', '-p', `${prefix}/`, '-c', `${prefix}/nginx.conf`]);
}

async function startNginx(prefix: string, port: number): Promise<void> {
  await start('nginx', ['-p', `${prefix}/`, '-c', `${prefix}/nginx.conf`, '-g', 'daemon off;'], port);
}

describe('nginx.conf', () => {
  it('passes nginx -t, and nginx serves the full chain: curl trusting only the root gets in', async () => {
    const port = await freePort();
    const prefix = await nginxSite('plain', port);
    const check = nginxTest(prefix);
    expect(check.stderr).toContain('syntax is ok');
    expect(check.stderr).toContain('test is successful');
    expect(check.status).toBe(0);
    await startNginx(prefix, port);
    expect(curlRootOnly(port).stdout).toBe('200 0');
    // Trusting another root instead: refused for want of the issuer.
    const untrusted = run('curl', ['-sS', '--max-time', '10', '--cacert', strangerRoot, `https://localhost:${port}/`]);
    expect(untrusted.stderr).toContain('unable to get local issuer certificate');
    expect(untrusted.status).toBe(60);

    // The README's checks, as written but for the port.
    const text = await readme('plain');
    for (const line of snippet(
      text,
      'Once the server runs (from this folder; the chain file stands in for the root trust kit):',
    )
      .trim()
      .split('\n')) {
      const result = shell(line.replaceAll('localhost:443', `localhost:${port}`), written.plain!);
      expect(result.status, `${line}\n${result.stderr}`).toBe(0);
      if (line.startsWith('openssl s_client')) expect(result.stdout).toContain('Verify return code: 0 (ok)');
    }
    const checks = snippet(text, '--------');
    for (const line of checks.trim().split('\n')) {
      const result = shell(line, written.plain!);
      expect(result.status, `${line}\n${result.stderr}`).toBe(0);
    }
  });

  it('loads an encrypted key with ssl_password_file, the passphrase file made as the README says', async () => {
    const text = await readme('encrypted');
    const make = snippet(text, 'may read. Make it (type the passphrase, then Enter and Ctrl-D):').trim();
    const folder = deployed.encrypted!;
    expect(
      shell(make.replaceAll('/etc/ssl/rootkeeper/', `${path.dirname(folder)}/`), folder, { input: `${PASSPHRASE}\n` })
        .status,
    ).toBe(0);
    expect((await stat(path.join(folder, 'passphrase.txt'))).mode & 0o777).toBe(0o600);

    const port = await freePort();
    const prefix = await nginxSite('encrypted', port);
    expect(nginxTest(prefix).status).toBe(0);
    await startNginx(prefix, port);
    expect(curlRootOnly(port).stdout).toBe('200 0');
  });

  it('with its mutual-TLS block on: the client bundle gets in, a revoked client and no certificate do not', async () => {
    const port = await freePort();
    const prefix = await nginxSite('plain', port, (text) => mutualTls(text));
    expect(await readFile(path.join(prefix, 'site.conf'), 'utf8')).toContain(
      `\n    ssl_crl ${deployBase}/crl/crls.pem;\n`,
    );
    expect(nginxTest(prefix).status).toBe(0);
    await startNginx(prefix, port);
    // nginx answers 400 to a client that sent no certificate, or one it could not verify.
    expect(curlRootOnly(port).stdout).toBe('400 0');

    const url = `https://localhost:${port}/`;
    const clientCurl = (label: string) =>
      snippet(readmeCache[label]!, 'curl:')
        .trim()
        .replace('https://SERVER/', url)
        .replace('curl ', "curl -sS -o /dev/null -w '%{http_code}' ");
    const readmeCache: Record<string, string> = { alice: await readme('alice'), mallory: await readme('mallory') };
    expect(shell(clientCurl('alice'), written.alice!).stdout).toBe('200');
    expect(shell(clientCurl('mallory'), written.mallory!).stdout).toBe('400');
    expect(await readFile(path.join(prefix, 'error.log'), 'utf8')).toContain('certificate revoked');

    // Python requests, as written but for the URL.
    const python = snippet(readmeCache.alice!, 'Python requests:').replace('https://SERVER/', url);
    const result = run('python3', ['-c', python], { cwd: written.alice! });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^200 /);
  });
});

async function apacheConfig(label: string, port: number, transform = (text: string) => text): Promise<string> {
  const site = transform(
    relocate(await readFile(path.join(deployed[label]!, 'apache.conf'), 'utf8'), port, label === 'encrypted'),
  );
  const dir = path.join(tmp.dir, `apache-${label}-${port}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'site.conf'), site);
  // What Debian's apache2.conf, ports.conf and mods-enabled would give, self-contained.
  const main = [
    `ServerRoot ${dir}`,
    'ServerName localhost',
    `PidFile ${dir}/apache.pid`,
    `ErrorLog ${dir}/error.log`,
    `DefaultRuntimeDir ${dir}`,
    `Mutex file:${dir} default`,
    'User nobody',
    'Group nogroup',
    ...['mpm_event', 'authz_core', 'socache_shmcb', 'ssl'].map(
      (module) => `LoadModule ${module}_module ${APACHE_MODULES}/mod_${module}.so`,
    ),
    `SSLSessionCache shmcb:${dir}/ssl_scache(512000)`,
    `Listen 127.0.0.1:${port} https`,
    `Include ${dir}/site.conf`,
  ];
  await writeFile(path.join(dir, 'apache2.conf'), `${main.join('\n')}\n`);
  return dir;
}

describe('apache.conf', () => {
  it('passes apache2 -t with mod_ssl, and Apache serves the full chain to curl trusting only the root', async () => {
    const port = await freePort();
    const dir = await apacheConfig('plain', port);
    const check = run('/usr/sbin/apache2', ['-t', '-f', `${dir}/apache2.conf`]);
    expect(check.stderr).toContain('Syntax OK');
    expect(check.status).toBe(0);
    await start('/usr/sbin/apache2', ['-X', '-f', `${dir}/apache2.conf`], port);
    // No DocumentRoot of its own: 404 after a verified handshake.
    expect(curlRootOnly(port).stdout).toBe('404 0');
  });

  it('loads an encrypted key through SSLPassPhraseDialog and the bundle helper', async () => {
    const folder = deployed.encrypted!;
    const make = snippet(
      await readme('encrypted'),
      'may read. Make it (type the passphrase, then Enter and Ctrl-D):',
    ).trim();
    expect(
      shell(make.replaceAll('/etc/ssl/rootkeeper/', `${path.dirname(folder)}/`), folder, { input: `${PASSPHRASE}\n` })
        .status,
    ).toBe(0);
    // The helper names its passphrase file under /etc/ssl/rootkeeper/: the same move as the configuration.
    const helper = path.join(folder, 'apache-passphrase.sh');
    await writeFile(helper, relocate(await readFile(helper, 'utf8'), 0, true));
    await chmod(helper, 0o755);
    const port = await freePort();
    const dir = await apacheConfig('encrypted', port);
    expect(await readFile(`${dir}/site.conf`, 'utf8')).toContain(`\nSSLPassPhraseDialog exec:${helper}\n`);
    expect(run('/usr/sbin/apache2', ['-t', '-f', `${dir}/apache2.conf`]).status).toBe(0);
    await start('/usr/sbin/apache2', ['-X', '-f', `${dir}/apache2.conf`], port);
    expect(curlRootOnly(port).stdout).toBe('404 0');
  });

  it('with its mutual-TLS block on: passes apache2 -t, lets the client bundle in and refuses the revoked one', async () => {
    const port = await freePort();
    const dir = await apacheConfig('plain', port, (text) => mutualTls(text));
    expect(await readFile(`${dir}/site.conf`, 'utf8')).toContain('\n    SSLCARevocationCheck chain\n');
    expect(run('/usr/sbin/apache2', ['-t', '-f', `${dir}/apache2.conf`]).status).toBe(0);
    await start('/usr/sbin/apache2', ['-X', '-f', `${dir}/apache2.conf`], port);
    const client = (label: string) =>
      run(
        'curl',
        [
          '-sS',
          '--max-time',
          '10',
          '--cacert',
          root,
          '--cert',
          `${label}.example.test.fullchain.pem`,
          '--key',
          `${label}.example.test.key.pem`,
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          `https://localhost:${port}/`,
        ],
        { cwd: written[label]! },
      );
    expect(client('alice').stdout).toBe('404');
    expect(client('mallory').status).not.toBe(0);
    expect(curlRootOnly(port).status).not.toBe(0);
  });
});

describe('haproxy.cfg', () => {
  it('passes haproxy -c, and HAProxy serves NAME.haproxy.pem to curl trusting only the root', async () => {
    const backend = http.createServer((_request, response) => response.end('from the backend\n'));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', () => resolve()));
    try {
      const backendPort = (backend.address() as net.AddressInfo).port;
      const port = await freePort();
      const frontend = relocate(await readFile(path.join(deployed.plain!, 'haproxy.cfg'), 'utf8'), port);
      expect((await stat(path.join(deployed.plain!, 'localhost.haproxy.pem'))).mode & 0o777).toBe(0o600);
      const config = (front: string) =>
        [
          'global',
          '    log stderr local0',
          '',
          'defaults',
          '    mode http',
          '    timeout connect 5s',
          '    timeout client 10s',
          '    timeout server 10s',
          '',
          front,
          '',
          'backend app',
          `    server local 127.0.0.1:${backendPort}`,
          '',
        ].join('\n');
      const file = path.join(tmp.dir, `haproxy-${port}.cfg`);
      await writeFile(file, config(frontend));
      const check = run('haproxy', ['-c', '-f', file]);
      expect(check.stdout + check.stderr).toContain('Configuration file is valid');
      expect(check.status).toBe(0);
      const mtls = path.join(tmp.dir, `haproxy-mtls-${port}.cfg`);
      await writeFile(mtls, config(mutualTls(frontend, true)));
      expect(await readFile(mtls, 'utf8')).toContain(`verify required crl-file ${deployBase}/crl/crls.pem`);
      expect(run('haproxy', ['-c', '-f', mtls]).status).toBe(0);

      await start('haproxy', ['-db', '-f', file], port);
      // The backend answers from this process: the client must not block its event loop.
      const body = await runTool('curl', ['-sS', '--max-time', '10', '--cacert', root, `https://localhost:${port}/`], {
        env: process.env,
      });
      expect(body.stdout).toBe('from the backend\n');
    } finally {
      backend.close();
    }
  });

  it("an encrypted key's haproxy.cfg says how to make the clear file, and that file passes haproxy -c", async () => {
    const folder = deployed.encrypted!;
    const text = await readFile(path.join(folder, 'haproxy.cfg'), 'utf8');
    expect(text).not.toContain('localhost.haproxy.pem:'); // no such file in the bundle
    const make = /^# {3}(sudo sh -c .*)$/m.exec(text)![1]!;
    // openssl asks for the passphrase on the terminal; here it comes from the environment instead.
    const command = relocate(make, 0, true).replace(
      'openssl pkey -in localhost.key.pem',
      'openssl pkey -in localhost.key.pem -passin env:KEY_PASSPHRASE',
    );
    expect(shell(command, folder, { env: { KEY_PASSPHRASE: PASSPHRASE } }).status).toBe(0);
    expect((await stat(path.join(folder, 'localhost.haproxy.pem'))).mode & 0o777).toBe(0o600);
    const port = await freePort();
    const file = path.join(tmp.dir, `haproxy-encrypted-${port}.cfg`);
    await writeFile(
      file,
      [
        'defaults',
        '    mode http',
        '    timeout connect 5s',
        '    timeout client 10s',
        '    timeout server 10s',
        '',
        relocate(text, port, true),
        'backend app',
        '    server local 127.0.0.1:9',
        '',
      ].join('\n'),
    );
    expect(run('haproxy', ['-c', '-f', file]).status).toBe(0);
  });
});

describe('the README snippets of programs that serve HTTPS themselves', () => {
  for (const label of ['plain', 'encrypted'] as const) {
    it(`Node.js and Python serve the ${label} bundle as written (port 8443 moved)`, async () => {
      const text = await readme(label);
      const env = { ...process.env, KEY_PASSPHRASE: PASSPHRASE };
      const node = snippet(text, 'of an encrypted key). Node.js, as server.js:');
      const nodePort = await freePort();
      await writeFile(path.join(written[label]!, 'server.js'), node.replace('8443', String(nodePort)));
      await start(process.execPath, ['server.js'], nodePort, { cwd: written[label]!, env });
      const hello = run('curl', ['-sS', '--max-time', '10', '--cacert', root, `https://localhost:${nodePort}/`]);
      expect(hello.stdout).toBe('hello\n');

      const python = snippet(text, 'Python 3 (standard library), as server.py:');
      const pythonPort = await freePort();
      await writeFile(path.join(written[label]!, 'server.py'), python.replace('8443', String(pythonPort)));
      await start('python3', ['server.py'], pythonPort, { cwd: written[label]!, env });
      expect(curlRootOnly(pythonPort).stdout).toBe('200 0');
    });
  }
});

describe('the client bundle', () => {
  it('has its own README and no server configuration', async () => {
    const text = await readme('alice');
    expect(text).toContain('Your Certificates > Import..., choose alice.example.test.p12');
    expect(text).toContain('This file uses the modern profile.');
    expect(text).toContain('ssl_verify_client on;');
    expect(text).not.toContain('nginx.conf  ');
    for (const name of ['nginx.conf', 'apache.conf', 'haproxy.cfg']) {
      expect(run('test', ['-e', path.join(written.alice!, name)]).status).not.toBe(0);
    }
    // pk12util, as the README has it for Chromium on Linux, into a fresh NSS database.
    const home = path.join(tmp.dir, 'home-alice');
    const db = path.join(home, '.local/share/pki/nssdb');
    await mkdir(db, { recursive: true });
    expect(run('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']).status).toBe(0);
    const line = snippet(
      text,
      'Chromium and Chrome on Linux (NSS database in your home folder; pk12util from libnss3-tools):',
    ).trim();
    const imported = shell(`${line} -W p12-password`, written.alice!, { env: { HOME: home } });
    expect(imported.stdout).toContain('PKCS12 IMPORT SUCCESSFUL');
    expect(run('certutil', ['-L', '-d', `sql:${db}`]).stdout).toMatch(/alice\.example\.test +u,u,u/);
  });
});
