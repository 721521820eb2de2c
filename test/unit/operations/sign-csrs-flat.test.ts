/**
 * signCsrs with `flat`, through the dispatcher as the app's IPC reaches it:
 * `<SERIAL>.pem` per certificate, one chain, one SHA256SUMS, journaled with
 * every file's hash; a destination whose batch files exist, a link or a
 * file refuses the batch with the store's bytes, its journal and the folder
 * unchanged. (The CLI and the real tools: test/interop/cli-sign-csr-flat.test.ts.)
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationName, RequestOf, ResponseOf } from '../../../shared/contract';
import { flatName } from '../../../src-main/exports/flat';
import { x509 } from '../../../src-main/engine/x509';
import { createHost, type Host } from '../../../src-main/host';
import { makeIssuingStore, snapshotFolder, testEnvironment, unlock, OPERATOR_PASSPHRASE } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let store: string;
let cleanup: () => Promise<void>;
let host: Host;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-flat-'));
  store = path.join(dir, 'store');
  await (await makeIssuingStore(store)).lock();
  host = createHost({ version: '9.9.9', storeDir: store, log: { error: () => {} }, environment: testEnvironment() });
  await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
});
afterEach(async () => {
  await host.lock();
  await cleanup();
});

async function call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
  const result = await host.dispatch(operation, request);
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
  return result.value as ResponseOf<N>;
}

async function csr(name: string): Promise<Uint8Array<ArrayBuffer>> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${name}`,
    keys: keys as never,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
  });
  return new Uint8Array(request.rawData);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Everything under a folder: links by target, files by hash, folders by their entries. */
async function tree(folder: string, except: readonly string[] = []): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const name of (await readdir(folder)).sort()) {
    if (except.includes(name)) continue;
    const item = path.join(folder, name);
    const info = await lstat(item);
    if (info.isSymbolicLink()) found[name] = `link to ${await readlink(item)}`;
    else if (info.isDirectory())
      for (const [inner, value] of Object.entries(await tree(item))) found[`${name}/${inner}`] = value;
    else found[name] = sha256(await readFile(item));
  }
  return found;
}

/** The last export record in the journal, read through a fresh session after the host locked. */
async function lastExport() {
  await host.lock();
  const session = await unlock(store);
  try {
    const entries = await session.readJournal();
    return entries.map((entry) => entry.event).filter((event) => event.type === 'export-written');
  } finally {
    await session.lock();
  }
}

describe('signCsrs with flat', () => {
  it('writes SERIAL.pem each, ca-chain.cert.pem and SHA256SUMS, and journals every file with its hash', async () => {
    const out = path.join(dir, 'flat');
    const csrs = [await csr('a.example.com'), await csr('b.example.com'), await csr('c.example.com')];
    const signed = await call('signCsrs', {
      csrs,
      profile: 'server',
      destination: host.folders.register(out),
      flat: true,
    });
    const names = signed.issued.map((issued) => flatName(issued.certificate.serial));
    expect(signed.issued.map((issued) => issued.bundle.files.map((file) => file.name))).toEqual(
      names.map((name) => [name]),
    );
    expect(signed.batchFiles?.files.map((file) => file.name)).toEqual(['ca-chain.cert.pem', 'SHA256SUMS']);
    expect((await readdir(out)).sort()).toEqual([...names, 'SHA256SUMS', 'ca-chain.cert.pem'].sort());

    for (const [index, issued] of signed.issued.entries()) {
      const pem = await readFile(path.join(out, names[index]!), 'utf8');
      const certificate = new x509.X509Certificate(pem);
      expect(certificate.subject).toBe(`CN=${['a', 'b', 'c'][index]}.example.com`);
      expect(certificate.serialNumber.toLowerCase().replace(/^0+/, '')).toBe(issued.certificate.serial);
    }
    const sums = await readFile(path.join(out, 'SHA256SUMS'), 'utf8');
    const listed = sums.trimEnd().split('\n');
    expect(listed.map((line) => line.split('  ')[1])).toEqual([...names, 'ca-chain.cert.pem']);
    for (const line of listed) {
      const [digest, name] = line.split('  ') as [string, string];
      expect(sha256(await readFile(path.join(out, name)))).toBe(digest);
    }

    const [record] = (await lastExport()).slice(-1);
    expect(record).toMatchObject({ kind: 'certificates', folder: out });
    const files = (record as { files: { name: string; sha256: string }[] }).files;
    expect(files.map((file) => file.name)).toEqual([...names, 'ca-chain.cert.pem', 'SHA256SUMS']);
    for (const file of files) expect(sha256(await readFile(path.join(out, file.name)))).toBe(file.sha256);
  });

  it('names files as openssl ca does: uppercase, two digits a byte', () => {
    expect(flatName('a11')).toBe('0A11.pem');
    expect(flatName('7f01')).toBe('7F01.pem');
  });

  for (const [what, prepare, message] of [
    [
      'its SHA256SUMS',
      async (out: string) => {
        await mkdir(out);
        await writeFile(path.join(out, 'SHA256SUMS'), 'earlier batch\n');
      },
      /SHA256SUMS already exists; nothing was written or signed/,
    ],
    [
      'its chain',
      async (out: string) => {
        await mkdir(out);
        await writeFile(path.join(out, 'ca-chain.cert.pem'), 'earlier chain\n');
      },
      /ca-chain\.cert\.pem already exists; nothing was written or signed/,
    ],
    [
      'a link for the folder',
      async (out: string) => {
        await mkdir(`${out}-real`);
        await symlink(`${out}-real`, out);
      },
      /is a symbolic link/,
    ],
    ['a file for the folder', (out: string) => writeFile(out, 'not a folder'), /is a file, not a folder/],
  ] as const) {
    it(`refuses a destination holding ${what}: the store, its journal and the folder unchanged`, async () => {
      const out = path.join(dir, 'taken');
      await prepare(out);
      const exportsBefore = (await lastExport()).length;
      await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
      const storeBefore = await snapshotFolder(store, ['throttle.json']);
      const outBefore = await tree(dir, ['store']);
      const result = await host.dispatch('signCsrs', {
        csrs: [await csr('d.example.com')],
        profile: 'server',
        destination: host.folders.register(out),
        flat: true,
      });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('REJECTED_INPUT');
      expect(result.error.message).toMatch(message);
      expect(await snapshotFolder(store, ['throttle.json'])).toEqual(storeBefore);
      expect(await tree(dir, ['store'])).toEqual(outBefore);
      expect((await lastExport()).length).toBe(exportsBefore);
    });
  }
});
