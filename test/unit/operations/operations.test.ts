/**
 * The operations through the host's dispatcher, as the app's IPC reaches
 * them: a whole officer's day, destinations only through handles the main
 * side issued, and no reply ever carrying a key or a passphrase.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationName, RequestOf, ResponseOf } from '../../../shared/contract';
import { importSigningKey } from '../../../src-main/engine/keys';
import { parseSubject } from '../../../src-main/engine/names';
import { createIntermediateCertificate } from '../../../src-main/engine/profiles/intermediate';
import { x509 } from '../../../src-main/engine/x509';
import { createHost, type Host } from '../../../src-main/host';
import { openSlot, readKeyring } from '../../../src-main/store/keyring';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, testEnvironment } from '../../support/store';
import { TEST_KDF_COST } from '../../support/kdf';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
let host: Host;
const replies: string[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-ops-'));
  host = createHost({
    version: '9.9.9',
    storeDir: path.join(dir, 'store'),
    log: { error: () => {} },
    environment: testEnvironment(),
  });
});
afterEach(async () => {
  await host.lock();
  await cleanup();
});

async function call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
  const result = await host.dispatch(operation, request);
  replies.push(JSON.stringify(result));
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
  return result.value as ResponseOf<N>;
}

async function createAndUnlock(): Promise<void> {
  // The low-cost KDF comes in through the host's test environment; the request itself asks for nothing special.
  await call('createStore', {
    rootSubject: 'CN=Ops Root CA, O=Rootkeeper Tests',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
    kdfMemoryMiB: TEST_KDF_COST.memoryKiB / 1024,
    kdfPasses: TEST_KDF_COST.passes,
  });
  await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
}

describe('operations through the dispatcher', () => {
  it('carry an officer through the whole day, and no reply carries a key or a passphrase', async () => {
    replies.length = 0;
    await createAndUnlock();
    const status = await call('appStatus', {});
    expect(status.session.locked).toBe(false);
    expect(Date.parse(status.session.locksAt!)).toBeGreaterThan(Date.now());
    await call('createIntermediate', {
      subject: 'CN=Ops Issuing CA',
      rootPassphrase: ROOT_PASSPHRASE,
      purpose: 'both',
      nameConstraints: { permittedDns: ['example.com'] },
    });
    const folder = host.folders.register(path.join(dir, 'usb'));
    const issued = await call('issueCertificate', {
      profile: 'server',
      commonName: 'www.example.com',
      sans: [],
      keyPassphrase: 'key-passphrase-long',
      destination: folder,
    });
    expect(issued.bundle.folder).toBe(path.join(dir, 'usb', 'www.example.com'));
    const keyPem = await readFile(path.join(issued.bundle.folder, 'www.example.com.key.pem'), 'utf8');
    expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);

    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=api.example.com',
      keys: keys as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
    });
    const bytes = new Uint8Array(csr.rawData);
    const inspected = await call('inspectCsr', { csr: bytes, profile: 'server' });
    expect(inspected.plan.sans).toEqual([{ type: 'dns', value: 'api.example.com' }]);
    const signed = await call('signCsrs', { csrs: [bytes], profile: 'server', destination: folder });
    expect(signed.issued[0]!.bundle.files.map((file) => file.name)).not.toContain('api.example.com.key.pem');

    await call('revoke', { serial: issued.certificate.serial, reason: 'superseded' });
    const crl = await call('generateCrl', { ca: 'intermediate' });
    expect(crl).toMatchObject({ crlNumber: 1, entries: 1 });
    const rootCrl = await call('generateCrl', { ca: 'root', rootPassphrase: ROOT_PASSPHRASE });
    expect(rootCrl.crlNumber).toBe(1);
    const { certificates } = await call('listCertificates', {});
    expect(certificates.map((certificate) => certificate.status).sort()).toEqual(['revoked', 'valid']);
    const shown = await call('showCertificate', { serial: signed.issued[0]!.certificate.serial });
    expect(shown.detail.subject).toBe('CN=api.example.com');
    const kit = await call('exportRoot', { destination: host.folders.register(path.join(dir, 'kit')) });
    expect(kit.files.length).toBeGreaterThan(5);
    expect((await call('verifyJournal', {})).records).toBeGreaterThan(8);
    await call('backup', { destination: host.folders.register(path.join(dir, 'store.backup')) });
    await call('changePassphrase', {
      which: 'operator',
      current: OPERATOR_PASSPHRASE,
      next: 'amber-glacier-piano-orbit-4',
    });
    await call('lock', {});

    const locked = await host.dispatch('listCertificates', {});
    expect(locked).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    const everything = replies.join('\n');
    for (const secret of [
      ROOT_PASSPHRASE,
      OPERATOR_PASSPHRASE,
      'key-passphrase-long',
      'amber-glacier-piano-orbit-4',
      'PRIVATE KEY',
      keyPem.split('\n')[1]!,
    ]) {
      expect(everything.includes(secret), secret).toBe(false);
    }
  });

  it('writes only where the main side chose: a raw path from the renderer is refused', async () => {
    await createAndUnlock();
    await call('createIntermediate', { subject: 'CN=Ops Issuing CA', rootPassphrase: ROOT_PASSPHRASE });
    const result = await host.dispatch('issueCertificate', {
      profile: 'server',
      commonName: 'www.example.com',
      sans: [],
      keyPassphrase: null,
      destination: '/tmp/evil',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'REJECTED_INPUT', message: expect.stringMatching(/Choose the destination again/) },
    });
    expect(await host.dispatch('exportRoot', { destination: path.join(dir, 'kit') })).toMatchObject({
      ok: false,
      error: { code: 'REJECTED_INPUT' },
    });
  });

  it('imports an intermediate that a root held elsewhere signed for the pending key', async () => {
    await createAndUnlock();
    const request = await call('requestIntermediate', { subject: 'CN=Offline Issuing CA', key: 'ec-p256' });
    // The machine that holds the root: here, the root's key recovered from this store's root slot.
    const keyring = (await readKeyring(path.join(dir, 'store')))!;
    const rootKey = await importSigningKey(
      await openSlot(keyring, 'root-private-key', ROOT_PASSPHRASE, testEnvironment().kdfPolicy, 'root'),
    );
    const root = new x509.X509Certificate(Buffer.from(keyring.certificates.root, 'base64'));
    const csr = new x509.Pkcs10CertificateRequest(request.csrPem);
    const signed = await createIntermediateCertificate({
      subject: parseSubject('CN=Offline Issuing CA'),
      publicKey: csr.publicKey,
      issuer: { certificate: root, signingKey: rootKey },
    });
    const imported = await call('importIntermediate', { certificate: new Uint8Array(signed.der) });
    expect(imported.certificate.issuer).toBe('CN=Ops Root CA, O=Rootkeeper Tests');
    const issued = await call('issueCertificate', {
      profile: 'server',
      commonName: 'www.example.com',
      sans: [],
      keyPassphrase: null,
      destination: host.folders.register(path.join(dir, 'out')),
    });
    expect(issued.certificate.status).toBe('valid');
  });

  it('refuses an imported intermediate that does not chain to the store root', async () => {
    await createAndUnlock();
    const request = await call('requestIntermediate', { subject: 'CN=Offline Issuing CA', key: 'ec-p256' });
    const { makeHierarchy } = await import('../../support/pki');
    const stranger = await makeHierarchy({ label: 'Stranger' });
    const csr = new x509.Pkcs10CertificateRequest(request.csrPem);
    const signed = await createIntermediateCertificate({
      subject: parseSubject('CN=Offline Issuing CA'),
      publicKey: csr.publicKey,
      issuer: stranger.rootIssuer,
    });
    const result = await host.dispatch('importIntermediate', { certificate: signed.der });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'REJECTED_INPUT', message: expect.stringMatching(/does not chain to the store's root/) },
    });
  });
});
