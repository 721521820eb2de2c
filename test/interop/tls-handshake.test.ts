/**
 * Real TLS handshakes on loopback: a Node https server presents an
 * engine-made server leaf plus its intermediate, and real clients (Node,
 * curl, openssl s_client, Python) that trust only the root connect, check
 * the chain and the host name, and read the body; the same clients refuse
 * the server when they trust an unrelated root. A second server requires a
 * client certificate and accepts an engine-made client leaf.
 *
 * The servers run inside the Vitest process, so every external client runs
 * asynchronously (spawn), never with spawnSync, which would block the event
 * loop the server needs to answer the handshake.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyAlgorithm } from '../../shared/domain/pki';
import { makeHierarchy, makeLeaf, writeHierarchy, type HierarchyOptions } from '../support/pki';
import { makeTempDir } from '../support/temp-dir';

const BODY = 'Hello from a Rootkeeper certificate\n';
const CLIENT_TIMEOUT_MS = 30_000;

interface ClientResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The clients see no proxy and no system trust store from the environment: only the CA file each test gives them. */
const STRIPPED_ENV =
  /^(https?_proxy|all_proxy|no_proxy|ssl_cert_file|ssl_cert_dir|curl_ca_bundle|requests_ca_bundle)$/i;
function clientEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !STRIPPED_ENV.test(name)));
}

/** Runs a client without blocking the event loop (the server under test lives in this process). */
function runClient(command: string, args: readonly string[], input = ''): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: clientEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: CLIENT_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined); // the client may exit before reading its input
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    child.stdin.end(input);
  });
}

interface NodeGetResult {
  readonly statusCode: number | undefined;
  readonly body: string;
  readonly authorized: boolean;
}

/** Node's own client: connects to 127.0.0.1, checks the certificate against `servername`. */
function nodeGet(
  port: number,
  options: { ca: string; servername: string; cert?: string; key?: string },
): Promise<NodeGetResult> {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, path: '/', agent: false, ...options }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ statusCode: response.statusCode, body, authorized: (response.socket as TLSSocket).authorized }),
      );
      response.on('error', reject);
    });
    request.setTimeout(CLIENT_TIMEOUT_MS, () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

async function listen(server: https.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: https.Server | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Python: trusts only `cafile`, connects to 127.0.0.1 and checks the certificate against `host`; prints the body. */
const PYTHON_CLIENT = `
import http.client, socket, ssl, sys
cafile, port, host = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
with socket.create_connection(('127.0.0.1', port), timeout=20) as raw:
    with ctx.wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(('GET / HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n' % host).encode())
        response = http.client.HTTPResponse(tls)
        response.begin()
        body = response.read().decode()
        print('status', response.status, tls.version(), file=sys.stderr)
        sys.stdout.write(body)
`;

/** Every curl call: no ~/.curlrc, quiet but with errors, never a proxy, bounded in time. */
const CURL_OPTIONS = ['--disable', '--silent', '--show-error', '--noproxy', '*', '--max-time', '20'];

interface HierarchyCase {
  readonly name: string;
  readonly hierarchy: HierarchyOptions;
  readonly leafKey: KeyAlgorithm;
  /** How openssl s_client describes the server's key. */
  readonly leafKeyBits: number;
}

const CASES: readonly HierarchyCase[] = [
  {
    name: 'default EC (P-384 root and intermediate, P-256 leaves)',
    hierarchy: {},
    leafKey: 'ec-p256',
    leafKeyBits: 256,
  },
  {
    name: 'RSA (4096 root, 3072 intermediate, 2048 leaves)',
    hierarchy: { rootKey: 'rsa-4096', intermediateKey: 'rsa-3072' },
    leafKey: 'rsa-2048',
    leafKeyBits: 2048,
  },
];

/** The unrelated root: a second hierarchy that signed nothing the servers present. */
let unrelated: {
  dir: string;
  cleanup: () => Promise<void>;
  root: string;
  rootPem: string;
  files: Record<string, string>;
};

beforeAll(async () => {
  const tmp = await makeTempDir('rootkeeper-tls-unrelated-');
  const hierarchy = await makeHierarchy({ label: 'Unrelated' });
  const client = await makeLeaf(hierarchy, {
    profile: 'client',
    cn: 'Mallory Unrelated',
    sans: [{ type: 'email', value: 'mallory@example.org' }],
  });
  const files = await writeHierarchy(tmp.dir, hierarchy, client);
  unrelated = { ...tmp, root: files.root!, rootPem: await readFile(files.root!, 'utf8'), files };
});

afterAll(async () => {
  await unrelated?.cleanup();
});

describe.each(CASES)('TLS handshake, $name', ({ hierarchy: hierarchyOptions, leafKey, leafKeyBits, name }) => {
  let tmp: { dir: string; cleanup: () => Promise<void> } | undefined;
  let server: https.Server | undefined;
  let mtlsServer: https.Server | undefined;
  let inspectServer: https.Server | undefined;
  const mtlsSeen: string[] = [];
  let port = 0;
  let mtlsPort = 0;
  let inspectPort = 0;
  let rootPem = '';
  let serverFiles: Record<string, string> = {};
  let clientFiles: Record<string, string> = {};
  let clientPem = '';
  let clientKeyPem = '';

  beforeAll(async () => {
    tmp = await makeTempDir('rootkeeper-tls-');
    const hierarchy = await makeHierarchy({ ...hierarchyOptions, label: `TLS ${name.split(' ')[0]}` });
    const serverLeaf = await makeLeaf(hierarchy, {
      profile: 'server',
      cn: 'localhost',
      sans: [
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ],
      key: leafKey,
    });
    const clientLeaf = await makeLeaf(hierarchy, {
      profile: 'client',
      cn: 'Alice Example',
      sans: [{ type: 'email', value: 'alice@example.org' }],
      key: leafKey,
    });
    const serverDir = path.join(tmp.dir, 'server');
    const clientDir = path.join(tmp.dir, 'client');
    await mkdir(serverDir);
    await mkdir(clientDir);
    serverFiles = await writeHierarchy(serverDir, hierarchy, serverLeaf);
    clientFiles = await writeHierarchy(clientDir, hierarchy, clientLeaf);
    rootPem = await readFile(serverFiles.root!, 'utf8');
    clientPem = await readFile(clientFiles.fullchain!, 'utf8');
    clientKeyPem = clientLeaf.keyPem;

    // The server presents leaf + intermediate; clients hold only the root.
    const fullchain = await readFile(serverFiles.fullchain!, 'utf8');
    server = https.createServer({ key: serverLeaf.keyPem, cert: fullchain }, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(BODY);
    });
    port = await listen(server);

    // Requires a client certificate issued under the root, and refuses any other.
    mtlsServer = https.createServer(
      { key: serverLeaf.keyPem, cert: fullchain, requestCert: true, rejectUnauthorized: true, ca: [rootPem] },
      (request, response) => {
        const socket = request.socket as TLSSocket;
        const cn = String(socket.getPeerCertificate().subject.CN);
        mtlsSeen.push(cn);
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(`authorized=${socket.authorized} client=${cn}\n`);
      },
    );
    mtlsPort = await listen(mtlsServer);

    // Same check, but lets every client through and says what Node's verification (OpenSSL) thought of its certificate:
    // the strict server just drops the connection, so this is where the reason for a refusal can be seen.
    inspectServer = https.createServer(
      { key: serverLeaf.keyPem, cert: fullchain, requestCert: true, rejectUnauthorized: false, ca: [rootPem] },
      (request, response) => {
        const socket = request.socket as TLSSocket;
        const peer = socket.getPeerCertificate();
        const cn = peer.subject ? String(peer.subject.CN) : 'none';
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(
          `authorized=${socket.authorized} error=${String(socket.authorizationError ?? 'none')} client=${cn}\n`,
        );
      },
    );
    inspectPort = await listen(inspectServer);
  });

  afterAll(async () => {
    await close(server);
    await close(mtlsServer);
    await close(inspectServer);
    await tmp?.cleanup();
  });

  describe('Node https', () => {
    it('connects trusting only the root, checks the chain and the name localhost, and reads the body', async () => {
      const result = await nodeGet(port, { ca: rootPem, servername: 'localhost' });
      expect(result).toEqual({ statusCode: 200, body: BODY, authorized: true });
    });

    it('refuses the server when it trusts an unrelated root', async () => {
      await expect(nodeGet(port, { ca: unrelated.rootPem, servername: 'localhost' })).rejects.toMatchObject({
        code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
        message: 'unable to get local issuer certificate',
      });
    });

    it('refuses the server under a name the certificate does not carry', async () => {
      await expect(nodeGet(port, { ca: rootPem, servername: 'www.example.org' })).rejects.toMatchObject({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        message: expect.stringContaining(
          "Host: www.example.org. is not in the cert's altnames: DNS:localhost, IP Address:127.0.0.1",
        ),
      });
    });
  });

  describe('curl', () => {
    const curl = (cacert: string, url: string, extra: readonly string[] = []): Promise<ClientResult> =>
      runClient('curl', [
        ...CURL_OPTIONS,
        '--resolve',
        `localhost:${new URL(url).port}:127.0.0.1`,
        '--cacert',
        cacert,
        ...extra,
        url,
      ]);

    it('connects with --cacert root.pem to https://localhost:PORT/ and reads the body', async () => {
      const result = await curl(serverFiles.root!, `https://localhost:${port}/`);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(BODY);
      expect(result.status).toBe(0);
    });

    it('connects to https://127.0.0.1:PORT/ (the IP address SAN)', async () => {
      const result = await curl(serverFiles.root!, `https://127.0.0.1:${port}/`);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(BODY);
      expect(result.status).toBe(0);
    });

    it('connects over TLS 1.2 as well (--tls-max 1.2)', async () => {
      const result = await curl(serverFiles.root!, `https://localhost:${port}/`, [
        '--tlsv1.2',
        '--tls-max',
        '1.2',
        '--write-out',
        '%{http_code}',
      ]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(`${BODY}200`);
      expect(result.status).toBe(0);
    });

    it('fails with exit code 60 (certificate problem) when it trusts an unrelated root', async () => {
      const result = await curl(unrelated.root, `https://localhost:${port}/`);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/curl: \(60\) SSL certificate problem: unable to get local issuer certificate/);
      expect(result.status).toBe(60);
    });

    it('fails with exit code 60 when the URL names a host the certificate does not carry', async () => {
      const result = await runClient('curl', [
        ...CURL_OPTIONS,
        '--resolve',
        `www.example.org:${port}:127.0.0.1`,
        '--cacert',
        serverFiles.root!,
        `https://www.example.org:${port}/`,
      ]);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /curl: \(60\) SSL: no alternative certificate subject name matches target host name 'www\.example\.org'/,
      );
      expect(result.status).toBe(60);
    });
  });

  describe('openssl s_client', () => {
    const sClient = (caFile: string, verifyHostname: string): Promise<ClientResult> =>
      runClient(
        'openssl',
        [
          's_client',
          '-connect',
          `127.0.0.1:${port}`,
          '-servername',
          'localhost',
          '-verify_return_error',
          '-verify_hostname',
          verifyHostname,
          '-CAfile',
          caFile,
          '-no-CApath',
          '-no-CAstore',
          '-ign_eof',
        ],
        'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n',
      );

    it('verifies the chain and the name localhost trusting only root.pem (Verify return code: 0 (ok))', async () => {
      const result = await sClient(serverFiles.root!, 'localhost');
      expect(result.stdout).toContain('Verify return code: 0 (ok)');
      expect(result.stdout).toContain('Verified peername: localhost');
      // The server sent leaf + intermediate; openssl built the path up to the root.
      expect(result.stdout).toMatch(
        /Certificate chain\n 0 s:CN = localhost\n(?: {3}.*\n)+ 1 s:CN = TLS \S+ Intermediate CA, O = Rootkeeper Tests, C = GB\n {3}i:CN = TLS \S+ Root CA, O = Rootkeeper Tests, C = GB\n(?: {3}.*\n)+---\n/,
      );
      expect(result.stdout).toContain(`Server public key is ${leafKeyBits} bit`);
      expect(result.stdout).toContain('HTTP/1.1 200 OK');
      expect(result.stdout).toContain(BODY);
      expect(result.stderr).not.toMatch(/verify error/);
      expect(result.status).toBe(0);
    });

    it('fails with a verify error when it trusts an unrelated root', async () => {
      const result = await sClient(unrelated.root, 'localhost');
      expect(result.stderr).toMatch(/verify error:num=20:unable to get local issuer certificate/);
      expect(result.stdout).not.toContain('Verify return code: 0 (ok)');
      expect(result.stdout).not.toContain(BODY);
      expect(result.status).not.toBe(0);
    });

    it('fails with a hostname mismatch for -verify_hostname www.example.org', async () => {
      const result = await sClient(serverFiles.root!, 'www.example.org');
      expect(result.stderr).toMatch(/verify error:num=62:hostname mismatch/);
      expect(result.stdout).not.toContain('Verify return code: 0 (ok)');
      expect(result.stdout).not.toContain(BODY);
      expect(result.status).not.toBe(0);
    });
  });

  describe('Python ssl', () => {
    const python = (cafile: string, host: string): Promise<ClientResult> =>
      runClient('python3', ['-c', PYTHON_CLIENT, cafile, String(port), host]);

    it.each(['localhost', '127.0.0.1'])(
      'connects with create_default_context(cafile=root.pem) under the name %s and reads the body',
      async (host) => {
        const result = await python(serverFiles.root!, host);
        expect(result.stdout).toBe(BODY);
        expect(result.stderr).toMatch(/^status 200 TLSv1\.3\n$/);
        expect(result.status).toBe(0);
      },
    );

    it('fails with CERTIFICATE_VERIFY_FAILED when it trusts an unrelated root', async () => {
      const result = await python(unrelated.root, 'localhost');
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /ssl\.SSLCertVerificationError: \[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: unable to get local issuer certificate/,
      );
      expect(result.status).not.toBe(0);
    });

    it('fails with CERTIFICATE_VERIFY_FAILED (hostname mismatch) under the name www.example.org', async () => {
      const result = await python(serverFiles.root!, 'www.example.org');
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: Hostname mismatch/);
      expect(result.status).not.toBe(0);
    });
  });

  describe('client certificates (mTLS)', () => {
    const curl = (serverPort: number, extra: readonly string[]): Promise<ClientResult> =>
      runClient('curl', [
        ...CURL_OPTIONS,
        '--resolve',
        `localhost:${serverPort}:127.0.0.1`,
        '--cacert',
        serverFiles.root!,
        ...extra,
        `https://localhost:${serverPort}/`,
      ]);
    // A TLS 1.3 server refuses a client certificate after the client has sent its request, and Node's server
    // then drops the connection without an alert, so curl sees either a reset (56) or an empty reply (52).
    const DROPPED = /^curl: \((?:56\) Recv failure: Connection reset by peer|52\) Empty reply from server)\n$/;

    it('accepts curl presenting the engine-made client certificate (+ intermediate) and sees its CN', async () => {
      const result = await curl(mtlsPort, ['--cert', clientFiles.fullchain!, '--key', clientFiles.key!]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('authorized=true client=Alice Example\n');
      expect(result.status).toBe(0);
      expect(mtlsSeen).toContain('Alice Example');

      const inspected = await curl(inspectPort, ['--cert', clientFiles.fullchain!, '--key', clientFiles.key!]);
      expect(inspected.stdout).toBe('authorized=true error=none client=Alice Example\n');
    });

    it('accepts Node https presenting the client certificate', async () => {
      const result = await nodeGet(mtlsPort, {
        ca: rootPem,
        servername: 'localhost',
        cert: clientPem,
        key: clientKeyPem,
      });
      expect(result).toEqual({ statusCode: 200, body: 'authorized=true client=Alice Example\n', authorized: true });
    });

    it('refuses curl without a client certificate (TLS 1.3: alert certificate required)', async () => {
      const result = await curl(mtlsPort, []);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^curl: \(56\) .*tlsv13 alert certificate required/);
      expect(result.status).toBe(56);
    });

    it('refuses curl without a client certificate (TLS 1.2: handshake failure)', async () => {
      const result = await curl(mtlsPort, ['--tlsv1.2', '--tls-max', '1.2']);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^curl: \(35\) .*alert handshake failure/);
      expect(result.status).toBe(35);
    });

    it('refuses curl presenting a client certificate from an unrelated hierarchy (unknown issuer)', async () => {
      const args = ['--cert', unrelated.files.fullchain!, '--key', unrelated.files.key!];
      const result = await curl(mtlsPort, args);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(DROPPED);
      expect([52, 56]).toContain(result.status);
      expect(mtlsSeen).not.toContain('Mallory Unrelated');

      const inspected = await curl(inspectPort, args);
      expect(inspected.stdout).toBe(
        'authorized=false error=UNABLE_TO_GET_ISSUER_CERT_LOCALLY client=Mallory Unrelated\n',
      );
    });

    it('refuses the server certificate offered as a client certificate (its EKU is serverAuth only)', async () => {
      const args = ['--cert', serverFiles.fullchain!, '--key', serverFiles.key!];
      const result = await curl(mtlsPort, args);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(DROPPED);
      expect([52, 56]).toContain(result.status);
      expect(mtlsSeen).not.toContain('localhost');

      const inspected = await curl(inspectPort, args);
      expect(inspected.stdout).toBe('authorized=false error=INVALID_PURPOSE client=localhost\n');
    });
  });
});
