/**
 * Debian's update-ca-certificates, pointed by its own directory flags at a
 * scratch copy of /usr/share/ca-certificates, /usr/local/share/ca-certificates,
 * /etc/ssl/certs and the hooks folder: with the kit's NAME.crt in the local
 * folder it adds exactly one certificate, and OpenSSL trusting only the
 * resulting /etc/ssl/certs then verifies the server's leaf (offline, and over
 * a real TLS connection). Without it, the same checks fail for want of the
 * issuer. This is what step 1 of linux/install-root.sh runs on a real machine.
 */
import { copyFile, mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatePem } from '../../src-main/engine/formats/certificates';
import { openLab, runTool, toolEnv, type Lab, type ToolResult } from './trust-kit-lab';

const UPDATE_CA_CERTIFICATES = process.env.ROOTKEEPER_UPDATE_CA_CERTIFICATES ?? '/usr/sbin/update-ca-certificates';

let lab: Lab;

beforeAll(async () => {
  lab = await openLab('Kit Debian');
});

afterAll(async () => {
  await lab?.close();
});

interface Store {
  readonly etc: string;
  readonly local: string;
  readonly update: ToolResult;
}

/** A sandboxed Debian trust store: every path absolute, TMPDIR inside, the hooks folder empty. */
async function debianStore(name: string, localFiles: readonly string[]): Promise<Store> {
  const base = path.join(lab.dir, name);
  const dirs = { certs: 'usr-share-ca-certificates', local: 'local', etc: 'etc-ssl-certs', hooks: 'hooks', tmp: 'tmp' };
  const at = (dir: string): string => path.join(base, dir);
  for (const dir of Object.values(dirs)) await mkdir(at(dir), { recursive: true });
  await writeFile(at('ca-certificates.conf'), '');
  for (const file of localFiles) await copyFile(file, path.join(at(dirs.local), path.basename(file)));
  const update = await runTool(
    UPDATE_CA_CERTIFICATES,
    [
      '--certsconf',
      at('ca-certificates.conf'),
      '--certsdir',
      at(dirs.certs),
      '--localcertsdir',
      at(dirs.local),
      '--etccertsdir',
      at(dirs.etc),
      '--hooksdir',
      at(dirs.hooks),
    ],
    { env: toolEnv(path.join(lab.dir, 'home'), { TMPDIR: at(dirs.tmp) }) },
  );
  return { etc: at(dirs.etc), local: at(dirs.local), update };
}

/** OpenSSL trusting only the store's folder (no default CA file or store). */
function verifyLeaf(etc: string): Promise<ToolResult> {
  return runTool(
    'openssl',
    [
      'verify',
      '-no-CAfile',
      '-no-CAstore',
      '-CApath',
      etc,
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-verify_hostname',
      'localhost',
      '-untrusted',
      lab.pki.intermediate!,
      lab.pki.leaf!,
    ],
    { env: toolEnv(path.join(lab.dir, 'home')) },
  );
}

function sClient(etc: string): Promise<ToolResult> {
  return runTool(
    'sh',
    [
      '-c',
      'printf "GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n" | openssl s_client -connect "127.0.0.1:$1" ' +
        '-servername localhost -verify_hostname localhost -verify_return_error -no-CAfile -no-CAstore -CApath "$2" -ign_eof',
      'sh',
      String(lab.port),
      etc,
    ],
    { env: toolEnv(path.join(lab.dir, 'home')) },
  );
}

describe("Debian's update-ca-certificates with the kit's NAME.crt", () => {
  it('adds the certificate (1 added), and OpenSSL trusting the new /etc/ssl/certs verifies the leaf', async () => {
    const crt = path.join(lab.kit, `${lab.name}.crt`);
    const store = await debianStore('with-kit', [crt]);
    expect(store.update.stdout).toContain(`Updating certificates in ${store.etc}...\n1 added, 0 removed; done.\n`);
    expect(store.update.stdout).toContain(`Running hooks in ${path.dirname(store.etc)}/hooks...\ndone.\n`);
    expect(store.update.stderr).toBe('');
    expect(store.update.status).toBe(0);
    // The link and the bundle the script makes, and the bundle holds the PEM byte for byte.
    expect(await readlink(path.join(store.etc, `${lab.name}.pem`))).toBe(path.join(store.local, `${lab.name}.crt`));
    expect(await readFile(path.join(store.etc, 'ca-certificates.crt'), 'utf8')).toBe(
      certificatePem(lab.hierarchy.root.der),
    );

    const verify = await verifyLeaf(store.etc);
    expect(verify.stdout).toBe(`${lab.pki.leaf}: OK\n`);
    expect(verify.status).toBe(0);

    const connect = await sClient(store.etc);
    expect(connect.stdout).toContain('Verify return code: 0 (ok)');
    expect(connect.stdout).toContain('Verified peername: localhost');
    expect(connect.stdout).toContain('HTTP/1.1 200 OK');
    expect(connect.status).toBe(0);
  });

  it('without it: 0 added, and verification fails for want of the issuer (error 20)', async () => {
    const store = await debianStore('without-kit', []);
    expect(store.update.stdout).toContain('0 added, 0 removed; done.\n');
    expect(store.update.status).toBe(0);

    const verify = await verifyLeaf(store.etc);
    expect(verify.stderr).toContain('CN = Kit Debian Intermediate CA, O = Rootkeeper Tests, C = GB\n');
    expect(verify.stderr).toContain('error 20 at 1 depth lookup: unable to get local issuer certificate\n');
    expect(verify.status).not.toBe(0);

    const connect = await sClient(store.etc);
    expect(connect.stderr).toMatch(/verify error:num=20:unable to get local issuer certificate/);
    expect(connect.stdout).not.toContain('HTTP/1.1 200 OK');
    expect(connect.status).not.toBe(0);
  });
});
