/**
 * "Exit 2 means nothing changed", at the operations layer both front ends
 * share: every destination is claimed before anything is signed, numbered or
 * journaled, so each refusal below leaves every byte of the store, the
 * audit log, the inventory and the next CRL number as they were.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationName, RequestOf, ResponseOf } from '../../../shared/contract';
import { crypto, x509 } from '../../../src-main/engine/x509';
import { createHost, type Host } from '../../../src-main/host';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, snapshotFolder, testEnvironment } from '../../support/store';
import { TEST_KDF_COST } from '../../support/kdf';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let store: string;
let cleanup: () => Promise<void>;
let host: Host;
let issuedSerial: string;

async function call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
  const result = await host.dispatch(operation, request);
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
  return result.value as ResponseOf<N>;
}

const folder = (name: string) => host.folders.register(path.join(dir, name));
const file = (name: string) => host.folders.register(path.join(dir, name));

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-txn-'));
  store = path.join(dir, 'store');
  host = createHost({ version: '9.9.9', storeDir: store, log: { error: () => {} }, environment: testEnvironment() });
  await call('createStore', {
    rootSubject: 'CN=Txn Root CA, O=Rootkeeper Tests',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
    kdfMemoryMiB: TEST_KDF_COST.memoryKiB / 1024,
    kdfPasses: TEST_KDF_COST.passes,
  });
  await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
  await call('createIntermediate', { subject: 'CN=Txn Issuing CA', rootPassphrase: ROOT_PASSPHRASE, purpose: 'both' });
  const issued = await call('issueCertificate', {
    profile: 'server',
    commonName: 'www.example.com',
    sans: [],
    keyPassphrase: null,
    destination: folder('usb'),
  });
  issuedSerial = issued.certificate.serial;
  await call('generateCrl', { ca: 'intermediate' });
  await mkdir(path.join(dir, 'usb', 'intermediate-crl-2'));
  await writeFile(path.join(dir, 'usb', 'intermediate-crl-2', 'intermediate.crl.pem'), 'an older copy');
  await mkdir(path.join(dir, 'kit'));
  await writeFile(path.join(dir, 'kit', 'SHA256SUMS'), 'a kit written before');
  await writeFile(path.join(dir, 'existing.rkbackup'), 'not mine');
}, 120_000);
afterAll(async () => {
  await host.lock();
  await cleanup();
});

/** What must not move: every file's bytes in the store, the audit timeline, the inventory. */
async function state() {
  return {
    files: await snapshotFolder(store),
    audit: await call('journalEntries', {}),
    certificates: (await call('listCertificates', {})).total,
  };
}

async function expectRefusedChangingNothing(attempt: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = await state();
  const outside = await readdir(dir, { recursive: true });
  await expect(attempt()).rejects.toMatchObject({ code: 'REJECTED_INPUT', message: expect.stringMatching(message) });
  expect(await state()).toEqual(before);
  expect(await readdir(dir, { recursive: true }), 'nothing was left outside the store either').toEqual(outside);
}

describe('a refusal changes nothing', () => {
  it('issuing into an existing bundle folder', async () => {
    await expectRefusedChangingNothing(
      () =>
        call('issueCertificate', {
          profile: 'server',
          commonName: 'www.example.com',
          sans: [],
          keyPassphrase: null,
          destination: folder('usb'),
        }),
      /www\.example\.com\.cert\.pem already exists; nothing was written or signed/,
    );
  });

  it('renewing, on the same key or a new one, into an existing bundle folder', async () => {
    await expectRefusedChangingNothing(
      () => call('renewCertificate', { serial: issuedSerial, key: 'same', destination: folder('usb') }),
      /already exists/,
    );
    await expectRefusedChangingNothing(
      () =>
        call('renewCertificate', {
          serial: issuedSerial,
          key: 'ec-p256',
          keyPassphrase: null,
          destination: folder('usb'),
        }),
      /already exists/,
    );
  });

  it('signing requests whose bundle folder exists', async () => {
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=www.example.com',
      keys: keys as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
    });
    await expectRefusedChangingNothing(
      () => call('signCsrs', { csrs: [new Uint8Array(csr.rawData)], profile: 'server', destination: folder('usb') }),
      /already exists/,
    );
  });

  it('a CRL whose folder exists: its number is not used up', async () => {
    await expectRefusedChangingNothing(
      () => call('generateCrl', { ca: 'intermediate', destination: folder('usb') }),
      /intermediate-crl-2\/intermediate\.crl\.pem already exists/,
    );
    const next = await call('generateCrl', { ca: 'intermediate', destination: folder('crls') });
    expect(next.crlNumber).toBe(2);
    expect(next.written?.folder).toBe(path.join(dir, 'crls', 'intermediate-crl-2'));
  });

  it('exports into existing folders, with the session open', async () => {
    await expectRefusedChangingNothing(() => call('exportRoot', { destination: folder('kit') }), /already exists/);
    await mkdir(path.join(dir, 'chains', 'ca-chain'), { recursive: true });
    await writeFile(path.join(dir, 'chains', 'ca-chain', 'ca-chain.cert.pem'), 'an older chain');
    await expectRefusedChangingNothing(() => call('exportChain', { destination: folder('chains') }), /already exists/);
    await expectRefusedChangingNothing(
      () => call('exportBundle', { serial: issuedSerial, destination: folder('usb') }),
      /already exists/,
    );
  });

  it('but an existing folder the officer chose still takes an export whose files are not there yet', async () => {
    await mkdir(path.join(dir, 'empty-stick'));
    const written = await call('exportRoot', { destination: folder('empty-stick') });
    expect(written.folder).toBe(path.join(dir, 'empty-stick'));
  });

  it('a backup over an existing file, or into a folder that does not exist', async () => {
    await expectRefusedChangingNothing(
      () => call('backup', { destination: file('existing.rkbackup') }),
      /already exists/,
    );
    await expectRefusedChangingNothing(
      () => call('backup', { destination: file('no-such-folder/store.rkbackup') }),
      /is not a folder; nothing was written/,
    );
  });
});
