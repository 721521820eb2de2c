/**
 * The worker pool against the single-threaded batch: the same requests, the
 * same serials and the same clock give the same plans and the same
 * certificates (byte for byte under an RSA issuer, whose PKCS#1 v1.5
 * signatures are deterministic; the same TBSCertificate and a valid
 * signature under an ECDSA one), in the batch's order; a request that
 * cannot be read, or that its plan refuses, is reported for that request
 * exactly as the single-threaded path reports it.
 */
import { KeyObject, createPublicKey, verify } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SigningPlan } from '../../../shared/domain/csr';
import { RootkeeperError } from '../../../shared/errors';
import { leafTemplate, signLeaf } from '../../../src-main/engine/batch';
import { parseCsr, planCsrSigning } from '../../../src-main/engine/csr';
import { CsrBatchPool, POOL_THRESHOLD, workersFor } from '../../../src-main/engine/csr-batch-pool';
import { generateKeyPair } from '../../../src-main/engine/keys';
import type { Issuer } from '../../../src-main/engine/profiles/common';
import { normaliseSerial, randomSerialNumber } from '../../../src-main/engine/serial';
import { validityWindow } from '../../../src-main/engine/validity';
import { x509, type CryptoKeyPair } from '../../../src-main/engine/x509';
import { makeHierarchy } from '../../support/pki';

const LINKS = { crlDistributionUrl: 'http://pki.example.com/issuing.crl' };
let csrs: Uint8Array[];

/** Requests of three key types, with and without names; two out of the ordinary, placed mid-batch. */
beforeAll(async () => {
  const keys: CryptoKeyPair[] = [
    await generateKeyPair('ec-p256', false),
    await generateKeyPair('ec-p384', false),
    await generateKeyPair('rsa-2048', false),
  ];
  csrs = [];
  for (let index = 0; index < 90; index++) {
    const pair = keys[index % keys.length]!;
    const rsa = index % keys.length === 2;
    const request = await x509.Pkcs10CertificateRequestGenerator.create({
      name: `CN=host${index}.example.com, O=Example`,
      keys: pair as never,
      signingAlgorithm: (rsa
        ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
        : { name: 'ECDSA', hash: 'SHA-256' }) as never,
      extensions:
        index % 4 === 0
          ? []
          : [
              new x509.SubjectAlternativeNameExtension([
                { type: 'dns', value: `host${index}.example.com` },
                { type: 'ip', value: `10.0.0.${index}` },
              ]),
            ],
    });
    csrs.push(new Uint8Array(request.rawData));
  }
}, 120_000);

interface Batch {
  readonly plans: SigningPlan[];
  readonly certificates: Uint8Array[];
}

/** The single-threaded path, as session/issuing.ts signRequests runs it. */
async function singleThreaded(issuer: Issuer, now: Date, serials: readonly string[]): Promise<Batch> {
  const parsed = await Promise.all(csrs.map((csr) => parseCsr(csr)));
  const plans = parsed.map((request) => planCsrSigning(request, { profile: 'server', issuer, now }));
  const template = leafTemplate(
    issuer,
    'server',
    validityWindow(plans[0]!.days, now, issuer.certificate.notAfter),
    LINKS,
  );
  const certificates = parsed.map((request, index) =>
    signLeaf(template, {
      subject: request.subject,
      spki: request.spki,
      keyFamily: request.key.family,
      sans: plans[index]!.sans,
      serialNumber: serials[index]!,
    }),
  );
  return { plans, certificates };
}

async function pooled(issuer: Issuer, now: Date, serials: readonly string[], workers: number): Promise<Batch> {
  const pool = await CsrBatchPool.start(
    issuer,
    { options: { profile: 'server' }, now: now.toISOString(), links: LINKS },
    workers,
  );
  try {
    const outcomes = await pool.plan(csrs);
    expect(outcomes.map((outcome) => outcome.index)).toEqual(csrs.map((_, index) => index));
    const plans = outcomes.map((outcome) => {
      if (!('plan' in outcome)) throw new Error(`request ${outcome.index}: ${outcome.failure.message}`);
      return outcome.plan;
    });
    return { plans, certificates: await pool.sign(serials) };
  } finally {
    await pool.close();
  }
}

const serialsFor = (count: number) => Array.from({ length: count }, () => normaliseSerial(randomSerialNumber())!);
const tbsOf = (der: Uint8Array) => Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, Certificate).tbsCertificate));

describe('the CSR batch worker pool', () => {
  it('starts workers only for a batch large enough to repay them', () => {
    expect(workersFor(1)).toBe(0);
    expect(workersFor(POOL_THRESHOLD - 1)).toBe(0);
    expect(workersFor(POOL_THRESHOLD)).toBeGreaterThanOrEqual(1);
  });

  it('signs the same certificates as the single-threaded batch, in order (RSA issuer: byte for byte)', async () => {
    const { intermediateIssuer } = await makeHierarchy({ intermediateKey: 'rsa-2048', label: 'Pool RSA' });
    const now = new Date();
    const serials = serialsFor(csrs.length);
    const reference = await singleThreaded(intermediateIssuer, now, serials);
    const result = await pooled(intermediateIssuer, now, serials, 3);
    expect(result.plans).toEqual(reference.plans);
    expect(result.certificates).toHaveLength(csrs.length);
    result.certificates.forEach((der, index) => {
      expect(Buffer.from(der).equals(Buffer.from(reference.certificates[index]!)), `certificate ${index}`).toBe(true);
    });
    // And each is the certificate asked for: its serial, its subject.
    const third = new x509.X509Certificate(Buffer.from(result.certificates[2]!));
    expect(normaliseSerial(third.serialNumber)).toBe(serials[2]);
    expect(third.subject).toBe('CN=host2.example.com, O=Example');
  }, 120_000);

  it('signs the same TBSCertificates under an ECDSA issuer, each signature valid', async () => {
    const { intermediateIssuer, intermediate } = await makeHierarchy({ intermediateKey: 'ec-p256', label: 'Pool EC' });
    const now = new Date();
    const serials = serialsFor(csrs.length);
    const reference = await singleThreaded(intermediateIssuer, now, serials);
    const result = await pooled(intermediateIssuer, now, serials, 2);
    const issuerKey = createPublicKey({
      key: Buffer.from(intermediate.certificate.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
    result.certificates.forEach((der, index) => {
      expect(tbsOf(der).equals(tbsOf(reference.certificates[index]!)), `certificate ${index}`).toBe(true);
      const certificate = AsnConvert.parse(der, Certificate);
      expect(verify('sha256', tbsOf(der), issuerKey, Buffer.from(certificate.signatureValue))).toBe(true);
    });
  }, 120_000);

  it('reports a request that cannot be read, or that the plan refuses, for that request as the single thread does', async () => {
    const { intermediateIssuer } = await makeHierarchy({
      intermediateKey: 'ec-p256',
      label: 'Pool refusals',
      nameConstraints: { permittedDns: ['example.com'], permittedIp: ['10.0.0.0/8'] },
    });
    const damaged = csrs[7]!.slice();
    damaged[damaged.length - 3]! ^= 0x40;
    const outside = new Uint8Array(
      (
        await x509.Pkcs10CertificateRequestGenerator.create({
          name: 'CN=www.example.org',
          keys: (await generateKeyPair('ec-p256', false)) as never,
          signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
        })
      ).rawData,
    );
    const batch = [...csrs.slice(0, 7), damaged, ...csrs.slice(8, 70), outside];
    const now = new Date();
    const pool = await CsrBatchPool.start(
      intermediateIssuer,
      { options: { profile: 'server' }, now: now.toISOString(), links: {} },
      2,
    );
    try {
      const outcomes = await pool.plan(batch);
      const expectedParse = await parseCsr(damaged).catch((error: RootkeeperError) => error);
      expect(expectedParse).toBeInstanceOf(RootkeeperError);
      expect(outcomes[7]).toEqual({
        index: 7,
        stage: 'parse',
        failure: {
          code: 'REJECTED_INPUT',
          reason: 'bad-signature',
          message: (expectedParse as RootkeeperError).message,
        },
      });
      const expectedPlan = planCsrSigning(await parseCsr(outside), {
        profile: 'server',
        issuer: intermediateIssuer,
        now,
      });
      expect(expectedPlan.refusals[0]?.reason).toBe('name-not-permitted');
      expect(outcomes[70]).toEqual({ index: 70, plan: expectedPlan });
      expect(outcomes.filter((outcome) => 'failure' in outcome)).toHaveLength(1);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('wipes its export of the issuing key once every worker has imported it', async () => {
    const { intermediateIssuer } = await makeHierarchy({ intermediateKey: 'ec-p256', label: 'Pool wipe' });
    const privateKeys = Object.getPrototypeOf(KeyObject.from(intermediateIssuer.signingKey as never)) as {
      export: (...args: unknown[]) => unknown;
    };
    const exported = vi.spyOn(privateKeys, 'export');
    const setup = { options: { profile: 'server' as const }, now: new Date().toISOString(), links: {} };
    const pool = await CsrBatchPool.start(intermediateIssuer, setup, 2);
    try {
      expect(exported).toHaveBeenCalledTimes(1);
      const bytes = exported.mock.results[0]!.value as Buffer;
      expect(bytes.length).toBeGreaterThan(100);
      expect(bytes.every((byte) => byte === 0)).toBe(true);
      // The workers have the key: they plan and sign.
      const outcomes = await pool.plan(csrs.slice(0, 2));
      expect(outcomes.every((outcome) => 'plan' in outcome)).toBe(true);
      expect(await pool.sign(serialsFor(2))).toHaveLength(2);
    } finally {
      exported.mockRestore();
      await pool.close();
    }
  }, 60_000);

  it('stops its workers when closed: nothing more can be asked of them', async () => {
    const { intermediateIssuer } = await makeHierarchy({ intermediateKey: 'ec-p256', label: 'Pool close' });
    const pool = await CsrBatchPool.start(
      intermediateIssuer,
      { options: { profile: 'server' }, now: new Date().toISOString(), links: {} },
      1,
    );
    await pool.close();
    await expect(pool.plan(csrs.slice(0, 2))).rejects.toThrow(/stopped/);
  }, 60_000);
});
