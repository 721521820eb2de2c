/**
 * Random lives of a store — rotations, issues, leaf and CA revocations, CRL
 * publications, reopenings — against a model: every CRL an intermediate
 * signs lists exactly the revoked leaves it issued, is signed by that
 * intermediate, and every issuer's CRL numbers strictly increase.
 * Kept small (EC keys, the test KDF, a few runs); set ROOTKEEPER_FUZZ_RUNS for more.
 */
import fc from 'fast-check';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSubject } from '../../../src-main/engine/names';
import { x509 } from '../../../src-main/engine/x509';
import type { Session } from '../../../src-main/store/session';
import { ROOT_PASSPHRASE, makeIssuingStore, unlock } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

const RUNS = Number(process.env.ROOTKEEPER_FUZZ_RUNS ?? 1);

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: base, cleanup } = await makeTempDir('rootkeeper-lifecycle-fuzz-')));
afterAll(() => cleanup());

type Step =
  | { kind: 'rotate' }
  | { kind: 'issue' }
  | { kind: 'revoke-leaf'; pick: number }
  | { kind: 'revoke-ca'; pick: number }
  | { kind: 'crl' }
  | { kind: 'reopen' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'rotate' as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'issue' as const }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('revoke-leaf' as const), pick: fc.nat(50) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('revoke-ca' as const), pick: fc.nat(10) }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'crl' as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: 'reopen' as const }), weight: 1 },
);

interface Model {
  /** Leaf serial → the generation that issued it. */
  readonly issuer: Map<string, string>;
  readonly revokedLeaves: Set<string>;
  readonly revokedCas: Set<string>;
  /** Every CRL number each issuer signed, in order. */
  readonly numbers: Map<string, number[]>;
  active: string | null;
}

let run = 0;

it('puts every leaf on exactly its own issuer’s CRL iff revoked, with CRL numbers strictly increasing per issuer', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 12 }), async (steps) => {
      const dir = path.join(base, `store-${run++}`);
      let session = await makeIssuingStore(dir);
      const model: Model = {
        issuer: new Map(),
        revokedLeaves: new Set(),
        revokedCas: new Set(),
        numbers: new Map(),
        active: session.inventory.intermediate!.serial,
      };
      try {
        for (const next of steps) session = await apply(session, dir, model, next);
        await publishAndCheck(session, model);
      } finally {
        await session.lock();
      }
    }),
    { numRuns: Math.max(1, Math.round(5 * RUNS)) },
  );
});

async function apply(session: Session, dir: string, model: Model, next: Step): Promise<Session> {
  switch (next.kind) {
    case 'rotate': {
      const issued = await session.createIntermediate(ROOT_PASSPHRASE, {
        subject: parseSubject(`CN=Generation ${session.inventory.intermediates.size + 1}`),
        key: 'ec-p256',
        purpose: 'both',
        rotate: true,
      });
      model.active = issued.serialNumber;
      return session;
    }
    case 'issue': {
      const outcome = session.issue({
        profile: 'server',
        subject: parseSubject('CN=a.example.com'),
        sans: [],
        key: 'ec-p256',
      });
      if (!model.active) {
        await expect(outcome).rejects.toMatchObject({ code: 'REJECTED_INPUT' });
        return session;
      }
      model.issuer.set((await outcome).issued.serialNumber, model.active);
      return session;
    }
    case 'revoke-leaf': {
      const leaves = [...model.issuer.keys()];
      if (leaves.length === 0) return session;
      const serial = leaves[next.pick % leaves.length]!;
      const outcome = session.revoke(serial, 'keyCompromise');
      if (model.revokedLeaves.has(serial)) await expect(outcome).rejects.toMatchObject({ reason: 'exists' });
      else await outcome;
      model.revokedLeaves.add(serial);
      return session;
    }
    case 'revoke-ca': {
      const cas = [...session.inventory.intermediates.keys()];
      const serial = cas[next.pick % cas.length]!;
      if (model.revokedCas.has(serial)) return session;
      const revoked = await session.revokeIntermediate(serial, 'cACompromise', ROOT_PASSPHRASE);
      expect(
        new x509.X509Crl(Buffer.from(revoked.crl.der)).entries.map((entry) => plain(entry.serialNumber)).sort(),
      ).toEqual([...model.revokedCas, serial].sort());
      record(model, 'root', revoked.crl.crlNumber);
      model.revokedCas.add(serial);
      if (model.active === serial) model.active = null;
      return session;
    }
    case 'crl':
      await publishAndCheck(session, model);
      return session;
    case 'reopen':
      await session.lock();
      return unlock(dir);
  }
}

async function publishAndCheck(session: Session, model: Model): Promise<void> {
  const live = [...session.inventory.intermediates.keys()].filter((serial) => !model.revokedCas.has(serial));
  if (live.length === 0) {
    await expect(session.generateIssuerCrls()).rejects.toMatchObject({ code: 'REJECTED_INPUT' });
    return;
  }
  const crls = await session.generateIssuerCrls();
  expect(crls.map(({ issuer }) => issuer.serial)).toEqual(live);
  for (const { issuer, crl } of crls) {
    const parsed = new x509.X509Crl(Buffer.from(crl.der));
    const certificate = new x509.X509Certificate(Buffer.from(issuer.certificate, 'base64'));
    expect(await parsed.verify({ publicKey: certificate.publicKey })).toBe(true);
    expect(parsed.issuer).toBe(certificate.subject);
    const expected = [...model.revokedLeaves].filter((serial) => model.issuer.get(serial) === issuer.serial).sort();
    expect(parsed.entries.map((entry) => plain(entry.serialNumber)).sort()).toEqual(expected);
    record(model, issuer.serial, crl.crlNumber);
  }
}

function record(model: Model, issuer: string, crlNumber: number): void {
  const numbers = model.numbers.get(issuer) ?? [];
  if (numbers.length > 0) expect(crlNumber).toBeGreaterThan(numbers[numbers.length - 1]!);
  numbers.push(crlNumber);
  model.numbers.set(issuer, numbers);
}

function plain(serial: string): string {
  return serial.toLowerCase().replace(/^0+(?=.)/, '');
}
