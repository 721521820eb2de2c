/**
 * The operations behind `intermediate sign-external` and `renew --expiring`,
 * through the dispatcher: a taken destination refuses before the root or
 * the intermediate signs (store unchanged); a failure to write after the
 * journal append is a partial success that says what was journaled; the
 * journal refuses a renewal of a certificate it never issued.
 */
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OperationName, RequestOf, ResponseOf } from '../../../shared/contract';
import type { Failure } from '../../../shared/errors';
import type * as ExportFolder from '../../../src-main/exports/folder';
import { createHost, type Host } from '../../../src-main/host';
import { applyEntries, emptyInventory } from '../../../src-main/store/inventory';
import { StoreDamagedError } from '../../../src-main/store/damage';
import { opensslCsr } from '../../support/openssl-csr';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, snapshotFolder, testEnvironment } from '../../support/store';
import { TEST_KDF_COST } from '../../support/kdf';
import { makeTempDir } from '../../support/temp-dir';

const medium = vi.hoisted(() => ({ full: false }));
vi.mock('../../../src-main/exports/folder', async (original) => {
  const actual = await original<typeof ExportFolder>();
  const fail = () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
  return {
    ...actual,
    writeExportFolder: (...args: Parameters<typeof actual.writeExportFolder>) =>
      medium.full ? fail() : actual.writeExportFolder(...args),
    writeExportFolders: (...args: Parameters<typeof actual.writeExportFolders>) =>
      medium.full ? fail() : actual.writeExportFolders(...args),
  };
});

let dir: string;
let store: string;
let cleanup: () => Promise<void>;
let host: Host;

async function call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
  const result = await host.dispatch(operation, request);
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
  return result.value as ResponseOf<N>;
}

async function failure<N extends OperationName>(operation: N, request: RequestOf<N>, full = true): Promise<Failure> {
  medium.full = full;
  try {
    const result = await host.dispatch(operation, request);
    if (result.ok) throw new Error(`${operation} succeeded`);
    return result.error;
  } finally {
    medium.full = false;
  }
}

const folder = (name: string) => host.folders.register(path.join(dir, name));

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-external-renewal-'));
  store = path.join(dir, 'store');
  host = createHost({ version: '9.9.9', storeDir: store, log: { error: () => {} }, environment: testEnvironment() });
  await call('createStore', {
    rootSubject: 'CN=Ops Root CA',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
    kdfMemoryMiB: TEST_KDF_COST.memoryKiB / 1024,
    kdfPasses: TEST_KDF_COST.passes,
  });
  await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
  await call('createIntermediate', { subject: 'CN=Ops Issuing CA', rootPassphrase: ROOT_PASSPHRASE, purpose: 'both' });
}, 120_000);
afterAll(async () => {
  await host.lock();
  await cleanup();
});

describe('signExternalIntermediate', () => {
  it("reads an online CA's request for the root dialog, signing and recording nothing; a broken one is refused", async () => {
    const csr = await opensslCsr(dir, 'read-only', '/CN=Read Only CA/O=Ops', 'basicConstraints=critical,CA:TRUE');
    const before = await snapshotFolder(store);
    const { report } = await call('inspectCaRequest', { csr });
    expect([report.subject, report.key.label, report.signatureValid]).toEqual([
      'CN=Read Only CA, O=Ops',
      'ECDSA P-256',
      true,
    ]);
    expect(await snapshotFolder(store)).toEqual(before);
    const tampered = new Uint8Array(csr);
    const middle = Math.floor(tampered.length / 2);
    tampered[middle] = tampered[middle]! ^ 0x01;
    const refused = await failure('inspectCaRequest', { csr: tampered }, false);
    expect(refused.code).toBe('REJECTED_INPUT');
  });

  it('refuses a taken folder before the root signs, then writes, then reports a failed write as partial', async () => {
    const csr = await opensslCsr(dir, 'online', '/CN=Online Ops CA');
    await mkdir(path.join(dir, 'taken', 'online_ops_ca', 'ca-chain.cert.pem'), { recursive: true });
    const before = await snapshotFolder(store);
    const taken = await failure(
      'signExternalIntermediate',
      { csr, rootPassphrase: ROOT_PASSPHRASE, destination: folder('taken') },
      false,
    );
    expect([taken.code, taken.message]).toEqual(['REJECTED_INPUT', expect.stringMatching(/already exists/)]);
    expect(await snapshotFolder(store)).toEqual(before);

    const signed = await call('signExternalIntermediate', {
      csr,
      rootPassphrase: ROOT_PASSPHRASE,
      nameConstraints: { permittedDns: ['example.com'] },
      destination: folder('usb'),
    });
    expect(signed.generation).toMatchObject({ status: 'external', external: true, issued: 0 });
    expect(signed.written!.files.map((file) => file.name).sort()).toEqual(
      ['SHA256SUMS', 'ca-chain.cert.pem', 'online_ops_ca.cer', 'online_ops_ca.cert.pem', 'root.cert.pem'].sort(),
    );
    // The same key again is a renewal of the online CA's certificate; it fails to write here.
    const error = await failure('signExternalIntermediate', {
      csr,
      rootPassphrase: ROOT_PASSPHRASE,
      destination: folder('full'),
    });
    expect(error.code).toBe('PARTIAL');
    expect(error.message).toMatch(
      /^The external intermediate ([0-9a-f]+) was signed and journaled, but it could not be written .*\(ENOSPC\).*rootkeeper show \1 --pem/,
    );
    const listed = await call('listIntermediates', {});
    expect(listed.intermediates.map((generation) => generation.status)).toEqual(['active', 'external', 'external']);
    // A wrong root passphrase signs nothing.
    const wrongPassphrase = await failure(
      'signExternalIntermediate',
      { csr, rootPassphrase: 'not-the-root-passphrase' },
      false,
    );
    expect(wrongPassphrase.code).toBe('WRONG_PASSPHRASE');
  }, 120_000);
});

describe('renewBatch', () => {
  it('refuses a taken bundle folder before signing, and reports a failed write as partial', async () => {
    const issued = await call('issueCertificate', {
      profile: 'server',
      commonName: 'soon.example.com',
      sans: [],
      days: 3,
      keyPassphrase: null,
      destination: folder('first'),
    });
    await mkdir(path.join(dir, 'batch-taken', 'soon.example.com'), { recursive: true });
    const before = await snapshotFolder(store);
    const taken = await failure(
      'renewBatch',
      { expiringWithinDays: 10, key: 'same', destination: folder('batch-taken') },
      false,
    );
    expect([taken.code, taken.message]).toEqual([
      'REJECTED_INPUT',
      expect.stringMatching(/nothing was written or signed/),
    ]);
    expect(await snapshotFolder(store)).toEqual(before);

    const both = await failure(
      'renewBatch',
      { expiringWithinDays: 10, serials: [issued.certificate.serial], key: 'same', destination: folder('x') },
      false,
    );
    expect(both.code).toBe('REJECTED_INPUT');

    const error = await failure('renewBatch', {
      serials: [issued.certificate.serial],
      key: 'ec-p256',
      keyPassphrase: null,
      destination: folder('batch-full'),
    });
    expect(error.code).toBe('PARTIAL');
    expect(error.message).toMatch(
      /^1 certificate\(s\) were renewed and journaled .*\(ENOSPC\).*revoke the new certificates/,
    );
    // What was journaled counts: the certificate is renewed, and a second batch says so.
    const again = await call('renewBatch', {
      serials: [issued.certificate.serial],
      key: 'same',
      destination: folder('y'),
    });
    expect(again.renewed).toEqual([]);
    expect(again.alreadyRenewed).toEqual([expect.objectContaining({ serial: issued.certificate.serial })]);
  }, 120_000);
});

describe('planRenewal', () => {
  it("counts what a renewal would renew, lists the request's and the renewed ones, and signs nothing", async () => {
    const made = await call('issueCertificate', {
      profile: 'server',
      commonName: 'plan.example.com',
      sans: [],
      days: 5,
      keyPassphrase: null,
      destination: folder('plan-made'),
    });
    const csr = await opensslCsr(dir, 'plan-owned', '/CN=plan-owned.example.com');
    const owned = await call('signCsrs', { csrs: [csr], profile: 'server', days: 5, destination: folder('plan-csr') });
    const ownedSerial = owned.issued[0]!.certificate.serial;
    const before = await snapshotFolder(store);
    const journal = await call('verifyJournal', {});

    const plan = await call('planRenewal', {
      serials: [made.certificate.serial, ownedSerial, made.certificate.serial],
    });
    expect(plan.renew).toEqual([
      expect.objectContaining({ serial: made.certificate.serial, subject: 'CN=plan.example.com' }),
    ]);
    expect(plan.needRequest).toEqual([expect.objectContaining({ serial: ownedSerial, why: 'csr' })]);
    expect(plan.alreadyRenewed).toEqual([]);
    expect(await snapshotFolder(store)).toEqual(before);
    expect(await call('verifyJournal', {})).toEqual(journal);

    // The plan is what the renewal does.
    const renewed = await call('renewBatch', {
      serials: [made.certificate.serial, ownedSerial],
      key: 'same',
      destination: folder('plan-out'),
    });
    expect(renewed.renewed.map((row) => row.oldSerial)).toEqual(plan.renew.map((row) => row.serial));
    expect(renewed.needRequest).toEqual(plan.needRequest);
    const after = await call('planRenewal', { serials: [made.certificate.serial] });
    expect([after.renew, after.alreadyRenewed.map((row) => row.serial)]).toEqual([[], [made.certificate.serial]]);

    const unknown = await failure('planRenewal', { serials: ['abcdef0123'] }, false);
    expect(unknown.code).toBe('REJECTED_INPUT');
  }, 120_000);
});

describe('the journal', () => {
  it('refuses a renewal of a certificate it never issued', () => {
    const inventory = emptyInventory();
    const event = {
      type: 'certificate-issued' as const,
      at: '2026-11-29T12:00:00.000Z',
      serial: '0a',
      profile: 'server' as const,
      subject: 'CN=x',
      sans: [],
      notBefore: '2026-11-29T12:00:00.000Z',
      notAfter: '2027-11-29T12:00:00.000Z',
      source: 'renewal' as const,
      certificate: '',
      renewalOf: '0b',
    };
    expect(() => applyEntries(inventory, [{ sequence: 1, event }])).toThrow(StoreDamagedError);
  });
});
