/**
 * A failure after the journal append is a partial success (PARTIAL, exit 5)
 * that says what was journaled and what to do, never "nothing changed". The
 * export writer is made to fail the way a full or pulled USB stick does.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OperationName, RequestOf, ResponseOf } from '../../../shared/contract';
import type { Failure } from '../../../shared/errors';
import { exitCodeOf } from '../../../src-main/cli/io';
import type * as ExportFolder from '../../../src-main/exports/folder';
import { createHost, type Host } from '../../../src-main/host';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, testEnvironment } from '../../support/store';
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
let cleanup: () => Promise<void>;
let host: Host;

async function dispatch<N extends OperationName>(operation: N, request: RequestOf<N>) {
  return host.dispatch(operation, request);
}

async function call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
  const result = await dispatch(operation, request);
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
  return result.value as ResponseOf<N>;
}

async function failure<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<Failure> {
  medium.full = true;
  try {
    const result = await dispatch(operation, request);
    if (result.ok) throw new Error(`${operation} succeeded on a full medium`);
    return result.error;
  } finally {
    medium.full = false;
  }
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-partial-'));
  host = createHost({
    version: '9.9.9',
    storeDir: path.join(dir, 'store'),
    log: { error: () => {} },
    environment: testEnvironment(),
  });
  await call('createStore', {
    rootSubject: 'CN=Partial Root CA, O=Rootkeeper Tests',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
    kdfMemoryMiB: TEST_KDF_COST.memoryKiB / 1024,
    kdfPasses: TEST_KDF_COST.passes,
  });
  await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
  await call('createIntermediate', {
    subject: 'CN=Partial Issuing CA',
    rootPassphrase: ROOT_PASSPHRASE,
    purpose: 'both',
  });
}, 120_000);
afterAll(async () => {
  await host.lock();
  await cleanup();
});

describe('a failure after the journal append', () => {
  it('of an issued bundle says the certificate is journaled, its key lost, and to revoke it: exit 5', async () => {
    const error = await failure('issueCertificate', {
      profile: 'server',
      commonName: 'lost.example.com',
      sans: [],
      keyPassphrase: null,
      destination: host.folders.register(path.join(dir, 'usb')),
    });
    expect(error.code).toBe('PARTIAL');
    expect(exitCodeOf(error)).toBe(5);
    const listed = await call('listCertificates', { query: 'lost.example.com' });
    expect(listed.total).toBe(1);
    const serial = listed.certificates[0]!.serial;
    expect(error.message).toBe(
      `Certificate ${serial} was issued and journaled, but its bundle could not be written to ${path.join(dir, 'usb', 'lost.example.com')} (ENOSPC). Its private key existed only in that bundle and is lost: revoke the certificate (rootkeeper revoke --serial ${serial} --reason superseded) and issue a new one.`,
    );
    expect(error.message).not.toMatch(/nothing/i);
  });

  it('of a renewed bundle on the same key points to export bundle', async () => {
    const issued = await call('issueCertificate', {
      profile: 'server',
      commonName: 'kept.example.com',
      sans: [],
      keyPassphrase: null,
      destination: host.folders.register(path.join(dir, 'first')),
    });
    const error = await failure('renewCertificate', {
      serial: issued.certificate.serial,
      key: 'same',
      destination: host.folders.register(path.join(dir, 'renewed')),
    });
    expect(error.code).toBe('PARTIAL');
    expect(error.message).toMatch(/was issued and journaled, but its bundle could not be written .*\(ENOSPC\)/);
    expect(error.message).toMatch(/rootkeeper export bundle --serial [0-9A-F]+/);
    expect((await call('listCertificates', { query: 'kept.example.com' })).total).toBe(2);
  });

  it('of a CRL says its number is used and the next one should be published', async () => {
    const error = await failure('generateCrl', {
      ca: 'intermediate',
      destination: host.folders.register(path.join(dir, 'crls')),
    });
    expect(error.code).toBe('PARTIAL');
    expect(error.message).toMatch(
      /^The intermediate CRL number 1 was signed and journaled, but it could not be written to .*intermediate-crl-1 \(ENOSPC\)\. Its number is used/,
    );
    expect((await call('generateCrl', { ca: 'intermediate' })).crlNumber).toBe(2);
  });
});
