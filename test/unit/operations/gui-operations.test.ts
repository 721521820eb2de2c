/**
 * The operations the desktop app added to the contract: the overview, renewal,
 * the audit timeline and its export, CRLs and chains written to a folder,
 * the native dialogs and moving the store folder.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationName, RequestOf, ResponseOf } from '../../../shared/contract';
import type { ChoicePurpose } from '../../../shared/domain/operations';
import { x509 } from '../../../src-main/engine/x509';
import { createHost, type Host } from '../../../src-main/host';
import { TEST_KDF_COST } from '../../support/kdf';
import { run } from '../../support/run';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, testEnvironment } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
let host: Host;
const answers: Array<string | null> = [];
const opened: ChoicePurpose[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-gui-ops-'));
  answers.length = 0;
  opened.length = 0;
  host = createHost({
    version: '9.9.9',
    storeDir: path.join(dir, 'store'),
    settingsFile: path.join(dir, 'settings.json'),
    dialogs: {
      choose: async (purpose) => {
        opened.push(purpose);
        return answers.shift() ?? null;
      },
    },
    log: { error: () => {} },
    environment: { ...testEnvironment(), kdfCost: TEST_KDF_COST },
  });
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

async function issuingStore(): Promise<void> {
  await call('createStore', {
    rootSubject: 'CN=GUI Root CA',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
  });
  await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
  await call('createIntermediate', { subject: 'CN=GUI Issuing CA', purpose: 'both', rootPassphrase: ROOT_PASSPHRASE });
}

async function chosenFolder(name: string): Promise<string> {
  const folder = path.join(dir, name);
  await mkdir(folder, { recursive: true });
  answers.push(folder);
  const { choice } = await call('choosePath', { purpose: 'export-folder' });
  return choice!.destination;
}

const publicKeyOf = async (file: string) =>
  Buffer.from(new x509.X509Certificate(await readFile(file, 'utf8')).publicKey.rawData).toString('hex');

describe('the overview', () => {
  it('shows both CAs, the CRL numbers, the counts by status and the journal head', async () => {
    await issuingStore();
    const out = await chosenFolder('out');
    const issued = await call('issueCertificate', {
      profile: 'server',
      commonName: 'a.example.com',
      sans: [],
      keyPassphrase: null,
      destination: out,
    });
    await call('issueCertificate', {
      profile: 'server',
      commonName: 'b.example.com',
      sans: [],
      keyPassphrase: null,
      destination: out,
    });
    await call('revoke', { serial: issued.certificate.serial, reason: 'keyCompromise' });
    await call('generateCrl', { ca: 'intermediate' });
    const overview = await call('overview', {});
    expect(overview.root.subject).toBe('CN=GUI Root CA');
    expect(overview.intermediate).toMatchObject({
      origin: 'issued',
      detail: { subject: 'CN=GUI Issuing CA', issuer: 'CN=GUI Root CA' },
    });
    expect(overview.counts).toEqual({ total: 2, valid: 1, expiring: 0, expired: 0, revoked: 1 });
    expect(overview.crls.intermediate).toMatchObject({ lastNumber: 1, nextUpdate: expect.any(String) });
    expect(overview.crls.root).toEqual({ lastNumber: 0, thisUpdate: null, nextUpdate: null });
    expect(overview.head).toEqual((await call('verifyJournal', {})).head);
  });
});

describe('renewal', () => {
  it('re-signs the same key without writing a key, or makes a new one, for the same names', async () => {
    await issuingStore();
    const out = await chosenFolder('out');
    const first = await call('issueCertificate', {
      profile: 'server',
      commonName: 'www.example.com',
      sans: [{ type: 'dns', value: 'example.com' }],
      keyPassphrase: null,
      destination: out,
    });
    const certFile = (result: { bundle: { folder: string } }) =>
      path.join(result.bundle.folder, 'www.example.com.cert.pem');
    const same = await call('renewCertificate', {
      serial: first.certificate.serial,
      key: 'same',
      destination: await chosenFolder('same'),
    });
    expect(same.certificate.sans).toEqual(first.certificate.sans);
    expect(same.certificate.serial).not.toBe(first.certificate.serial);
    expect(same.bundle.files.map((file) => file.name)).not.toContain('www.example.com.key.pem');
    expect(await publicKeyOf(certFile(same))).toEqual(await publicKeyOf(certFile(first)));

    const fresh = await call('renewCertificate', {
      serial: first.certificate.serial,
      key: 'ec-p384',
      keyPassphrase: 'renewal-key-passphrase',
      destination: await chosenFolder('fresh'),
    });
    expect(fresh.bundle.files.map((file) => file.name)).toContain('www.example.com.key.pem');
    expect(await publicKeyOf(certFile(fresh))).not.toEqual(await publicKeyOf(certFile(first)));
    const listed = await call('listCertificates', { query: 'www.example.com' });
    expect(listed.total).toBe(3);
    const { entries } = await call('journalEntries', { category: 'issuance' });
    expect(entries.filter((entry) => entry.summary.includes('(renewal)'))).toHaveLength(2);
  });

  it('refuses a key passphrase on a same-key renewal, and a new key without one', async () => {
    await issuingStore();
    const out = await chosenFolder('out');
    const first = await call('issueCertificate', {
      profile: 'client',
      commonName: 'alice',
      sans: [{ type: 'email', value: 'alice@example.com' }],
      keyPassphrase: null,
      destination: out,
    });
    await expect(
      call('renewCertificate', {
        serial: first.certificate.serial,
        key: 'same',
        keyPassphrase: null,
        destination: out,
      }),
    ).rejects.toMatchObject({ code: 'REJECTED_INPUT' });
    await expect(
      call('renewCertificate', { serial: first.certificate.serial, key: 'ec-p256', destination: out }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/needs a key passphrase/) });
  });
});

describe('batch journaling', () => {
  it("records a batch's files in bounded export records, and the store reopens", async () => {
    await issuingStore();
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=many.example.com',
      keys: keys as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
    });
    const signed = await call('signCsrs', {
      csrs: Array.from({ length: 120 }, () => new Uint8Array(csr.rawData)),
      profile: 'server',
      destination: await chosenFolder('many'),
    });
    const files = signed.issued.reduce((sum, issued) => sum + issued.bundle.files.length, 0);
    const { entries } = await call('journalEntries', { category: 'export' });
    expect(entries).toHaveLength(Math.ceil(files / 500));
    expect(entries.every((entry) => entry.summary.startsWith('Export (bundles)'))).toBe(true);
    await host.lock();
    await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
    expect((await call('listCertificates', {})).total).toBe(120);
    // 120 bundles of a dozen files each, every one written, synced and read back: generous on a loaded machine.
  }, 180_000);
});

describe('the audit timeline', () => {
  it('lists events newest first, in words, filtered and paged, and exports them as text', async () => {
    await issuingStore();
    const out = await chosenFolder('out');
    const issued = await call('issueCertificate', {
      profile: 'server',
      commonName: 'audit.example.com',
      sans: [],
      keyPassphrase: null,
      destination: out,
    });
    await call('revoke', { serial: issued.certificate.serial, reason: 'superseded' });
    const all = await call('journalEntries', {});
    expect(all.entries[0]).toMatchObject({
      type: 'certificate-revoked',
      category: 'revocation',
      serial: issued.certificate.serial,
    });
    expect(all.entries.at(-1)).toMatchObject({ sequence: 1, type: 'store-created' });
    expect(all.entries.map((entry) => entry.sequence)).toEqual(
      [...all.entries.map((entry) => entry.sequence)].sort((a, b) => b - a),
    );
    const ca = await call('journalEntries', { category: 'ca' });
    // A new intermediate journals its intent first (session/authorities.ts), then the intermediate.
    expect(ca.entries.map((entry) => entry.type)).toEqual([
      'intermediate-issued',
      'intermediate-rotation-started',
      'root-created',
      'store-created',
    ]);
    const found = await call('journalEntries', { category: 'issuance', query: 'AUDIT.example.com' });
    expect(found.entries.map((entry) => entry.type)).toEqual(['certificate-issued']);
    const page = await call('journalEntries', { offset: 1, limit: 2 });
    expect(page.entries.map((entry) => entry.sequence)).toEqual(all.entries.slice(1, 3).map((entry) => entry.sequence));
    expect(page.total).toBe(all.total);

    const written = await call('exportAudit', { destination: await chosenFolder('audit') });
    expect(written.files.map((file) => file.name)).toEqual(['audit-log.txt', 'SHA256SUMS']);
    const text = await readFile(path.join(written.folder, 'audit-log.txt'), 'utf8');
    const head = (await call('verifyJournal', {})).head;
    expect(text).toContain(`Journal head: sequence ${all.total}, chain hash `);
    expect(head.sequence).toBeGreaterThan(all.total); // the export itself was journaled after
    expect(text).toMatch(/certificate-revoked\s+Certificate revoked \(superseded\)\./);
    expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: written.folder }).status).toBe(0);
  });
});

describe('writing to a folder', () => {
  it('writes the CRL as PEM and DER, which openssl verifies with the intermediate', async () => {
    await issuingStore();
    const crl = await call('generateCrl', { ca: 'intermediate', destination: await chosenFolder('crl') });
    expect(crl.written!.folder).toBe(path.join(dir, 'crl', 'intermediate-crl-1'));
    const chain = await call('exportChain', { destination: await chosenFolder('chain') });
    expect(chain.written!.files.map((file) => file.name)).toEqual([
      'ca-chain.cert.pem',
      'intermediate.cert.pem',
      'root.cert.pem',
      'SHA256SUMS',
    ]);
    const verified = run('openssl', [
      'crl',
      '-in',
      path.join(crl.written!.folder, 'intermediate.crl'),
      '-inform',
      'DER',
      '-CAfile',
      path.join(chain.written!.folder, 'intermediate.cert.pem'),
      '-noout',
      '-verify',
    ]);
    expect(verified.stderr.trim()).toBe('verify OK');
    expect(await readFile(path.join(crl.written!.folder, 'intermediate.crl.pem'), 'utf8')).toBe(crl.pem);
    const { entries } = await call('journalEntries', { category: 'export' });
    expect(entries.map((entry) => entry.summary)).toEqual([
      expect.stringMatching(/^Export \(ca-chain\)/),
      expect.stringMatching(/^Export \(crl\)/),
    ]);
  });

  it("writes an intermediate's request to the folder for the root's machine", async () => {
    await call('createStore', {
      rootSubject: 'CN=GUI Root CA',
      rootPassphrase: ROOT_PASSPHRASE,
      operatorPassphrase: OPERATOR_PASSPHRASE,
    });
    await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
    const request = await call('requestIntermediate', {
      subject: 'CN=Offline CA',
      destination: await chosenFolder('usb'),
    });
    const file = path.join(request.written!.folder, 'intermediate.csr.pem');
    expect(await readFile(file, 'utf8')).toBe(request.csrPem);
    expect(run('openssl', ['req', '-in', file, '-noout', '-verify']).stderr).toMatch(/verify OK/i);
    expect((await call('overview', {})).pendingRequest).toMatchObject({
      subject: 'CN=Offline CA',
      csrPem: request.csrPem,
    });
  });
});

describe('a folder or file dropped as an import source', () => {
  it('is taken only when it is a folder or a plain file on disk, and answers a handle', async () => {
    const folder = path.join(dir, 'old-ca');
    await mkdir(folder);
    const taken = await call('useDroppedPath', { purpose: 'import-source', path: folder });
    expect(taken.label).toBe(folder);
    expect(taken.destination).toMatch(/^destination:/);
    const refusal = async (request: unknown) => {
      const result = await host.dispatch('useDroppedPath', request);
      return result.ok ? null : result.error.message;
    };
    const fifo = path.join(dir, 'fifo');
    expect(run('mkfifo', [fifo]).status).toBe(0);
    expect(await refusal({ purpose: 'import-source', path: fifo })).toBe(
      `${fifo}: this is a pipe (FIFO), not a folder or a file.`,
    );
    expect(await refusal({ purpose: 'import-source', path: '/dev/zero' })).toBe(
      '/dev/zero: this is a device, not a folder or a file.',
    );
    expect(await refusal({ purpose: 'import-source', path: 'relative/ca' })).toMatch(/dropped from disk/);
    expect(await refusal({ purpose: 'import-source', path: path.join(dir, 'gone') })).toMatch(/not there/);
    // A File with no path on disk (made in the page) arrives as '': refused by the contract.
    expect(await refusal({ purpose: 'import-source', path: '' })).not.toBeNull();
    // Only an import source may be dropped.
    expect(await refusal({ purpose: 'export-folder', path: folder })).not.toBeNull();
    expect(opened).toEqual([]);
  });
});

describe('the native dialogs and the store folder', () => {
  it('hands back an opaque handle for what the officer chose, or nothing when they cancelled', async () => {
    answers.push(null);
    expect(await call('choosePath', { purpose: 'backup-save' })).toEqual({ choice: null });
    expect(opened).toEqual(['backup-save']);
    expect((await host.dispatch('choosePath', { purpose: 'anywhere' as never })).ok).toBe(false);
  });

  it('moves to a chosen empty folder while locked, remembers it, and refuses a folder of other files', async () => {
    const usb = path.join(dir, 'usb');
    await mkdir(usb);
    answers.push(usb);
    const { choice } = await call('choosePath', { purpose: 'store-folder' });
    expect(await call('useStoreFolder', { destination: choice!.destination })).toMatchObject({
      store: { location: usb, state: 'empty' },
    });
    expect(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8'))).toEqual({ storeDir: usb });
    await call('createStore', {
      rootSubject: 'CN=USB Root',
      rootPassphrase: ROOT_PASSPHRASE,
      operatorPassphrase: OPERATOR_PASSPHRASE,
    });
    expect((await call('appStatus', {})).store).toEqual({ location: usb, state: 'initialized' });

    const cluttered = path.join(dir, 'documents');
    await mkdir(cluttered);
    await writeFile(path.join(cluttered, 'notes.txt'), 'mine');
    answers.push(cluttered);
    const other = await call('choosePath', { purpose: 'store-folder' });
    await expect(call('useStoreFolder', { destination: other.choice!.destination })).rejects.toMatchObject({
      message: expect.stringMatching(/holds other files/),
    });
    expect((await call('appStatus', {})).store.location).toBe(usb);

    await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
    answers.push(path.join(dir, 'store'));
    const third = await call('choosePath', { purpose: 'store-folder' });
    await expect(call('useStoreFolder', { destination: third.choice!.destination })).rejects.toMatchObject({
      code: 'STORE_IN_USE',
    });
  });
});
