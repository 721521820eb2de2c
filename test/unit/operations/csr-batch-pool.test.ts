/**
 * signCsrs with a batch large enough for the worker pool, through the real
 * dispatcher and store: the certificates come back in the requests' order,
 * and a request that cannot be read, or that policy refuses, refuses the
 * whole batch with the single-threaded path's words, changing nothing.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OperationName, RequestOf, ResponseOf } from '../../../shared/contract';
import { RootkeeperError } from '../../../shared/errors';
import { parseCsr } from '../../../src-main/engine/csr';
import { CsrBatchPool, POOL_THRESHOLD } from '../../../src-main/engine/csr-batch-pool';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { x509 } from '../../../src-main/engine/x509';
import { createHost, type Host } from '../../../src-main/host';
import { TEST_KDF_COST } from '../../support/kdf';
import { run } from '../../support/run';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, snapshotFolder, testEnvironment } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let store: string;
let cleanup: () => Promise<void>;
let host: Host;
let csrs: Uint8Array<ArrayBuffer>[];
const COUNT = POOL_THRESHOLD + 6;

async function call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
  const result = await host.dispatch(operation, request);
  if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
  return result.value as ResponseOf<N>;
}

const folder = (name: string) => host.folders.register(path.join(dir, name));

async function request(name: string, sans: x509.JsonGeneralName[] = [{ type: 'dns', value: name }]) {
  const made = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${name}`,
    keys: (await generateKeyPair('ec-p256', false)) as never,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
    extensions: [new x509.SubjectAlternativeNameExtension(sans)],
  });
  return new Uint8Array(made.rawData);
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-pool-'));
  store = path.join(dir, 'store');
  host = createHost({ version: '9.9.9', storeDir: store, log: { error: () => {} }, environment: testEnvironment() });
  await call('createStore', {
    rootSubject: 'CN=Pool Root CA, O=Rootkeeper Tests',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
    kdfMemoryMiB: TEST_KDF_COST.memoryKiB / 1024,
    kdfPasses: TEST_KDF_COST.passes,
  });
  await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
  await call('createIntermediate', {
    subject: 'CN=Pool Issuing CA',
    rootPassphrase: ROOT_PASSPHRASE,
    purpose: 'server',
    nameConstraints: { permittedDns: ['example.com'] },
  });
  csrs = [];
  for (let index = 0; index < COUNT; index++) csrs.push(await request(`host${index}.example.com`));
}, 180_000);

afterAll(async () => {
  await host.lock();
  await cleanup();
});

async function state() {
  return {
    files: await snapshotFolder(store),
    audit: await call('journalEntries', {}),
    certificates: (await call('listCertificates', {})).total,
  };
}

describe('a CSR batch on the worker pool', () => {
  it('refuses a damaged request, or one outside the name constraints, naming it as before, and changes nothing', async () => {
    const damaged = csrs[COUNT - 5]!.slice();
    damaged[damaged.length - 2]! ^= 0x01;
    const parseRefusal = (await parseCsr(damaged).catch((error: unknown) => error)) as RootkeeperError;
    expect(parseRefusal).toBeInstanceOf(RootkeeperError);
    const outside = await request('www.example.org');
    const start = vi.spyOn(CsrBatchPool, 'start');
    const before = await state();
    for (const [batch, message] of [
      [
        [...csrs.slice(0, COUNT - 5), damaged, ...csrs.slice(COUNT - 4)],
        `Request ${COUNT - 4}: ${parseRefusal.message} Nothing was signed.`,
      ],
      [
        [...csrs.slice(0, 3), outside, ...csrs.slice(4)],
        /^Request 4: The name dns:www\.example\.org is outside the name constraints of "CN=Pool Issuing CA"; nothing was signed\.$/,
      ],
    ] as const) {
      await expect(
        call('signCsrs', { csrs: [...batch], profile: 'server', destination: folder('refused') }),
      ).rejects.toMatchObject({
        code: 'REJECTED_INPUT',
        message: typeof message === 'string' ? message : expect.stringMatching(message),
      });
    }
    expect(start).toHaveBeenCalledTimes(2);
    start.mockRestore();
    expect(await state()).toEqual(before);
    await expect(readdir(path.join(dir, 'refused'))).rejects.toThrow(/ENOENT/);
  }, 180_000);

  it('signs the batch in the requests order, each certificate verified by openssl', async () => {
    const start = vi.spyOn(CsrBatchPool, 'start');
    const result = await call('signCsrs', { csrs, profile: 'server', destination: folder('out') });
    expect(start).toHaveBeenCalledTimes(1);
    start.mockRestore();
    expect(result.issued).toHaveLength(COUNT);
    expect(new Set(result.issued.map((issued) => issued.certificate.serial)).size).toBe(COUNT);
    const chain = path.join(dir, 'out', 'host0.example.com', 'ca-chain.cert.pem');
    for (const [index, issued] of result.issued.entries()) {
      expect(issued.certificate.subject).toBe(`CN=host${index}.example.com`);
      const pem = path.join(issued.bundle.folder, `host${index}.example.com.cert.pem`);
      const certificate = new x509.X509Certificate(await readFile(pem, 'utf8'));
      expect(certificate.subject).toBe(`CN=host${index}.example.com`);
      if (index % 10 === 0) {
        const verified = run('openssl', ['verify', '-CAfile', chain, pem]);
        expect(verified.stdout + verified.stderr).toContain(': OK');
      }
    }
  }, 300_000);
});
