/**
 * One worker of a CSR batch (csr-batch-pool.ts starts it): it imports the
 * issuing key once, from PKCS#8 bytes it then wipes, parses and plans its
 * share of the requests, keeps them, and signs them with the serials the
 * main thread allocated. It writes nothing and journals nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SigningPlan } from '../../shared/domain/csr';
import { leafTemplate, signLeaf, type LeafTemplate } from './batch';
import { parseCsr, planCsrSigning, type ParsedCsr } from './csr';
import type { BatchFailure, BatchSetup, PlanOutcome, ToWorker } from './csr-batch-protocol';
import { failureOf } from './csr-batch-protocol';
import { importSigningKey } from './keys';
import type { Issuer } from './profiles/common';
import { validityWindow } from './validity';
import { x509 } from './x509';

const setup = workerData as BatchSetup;
const port = parentPort!;
let issuer: Issuer | null = null;
const kept = new Map<number, { parsed: ParsedCsr; plan: SigningPlan }>();

port.on('message', (message: ToWorker) => {
  void handle(message).then(
    (reply) => port.postMessage(reply.value, reply.transfer),
    (error: unknown) => port.postMessage({ type: 'failed', failure: failureOf(error) }),
  );
});

async function handle(message: ToWorker): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  switch (message.type) {
    case 'key':
      issuer = await importIssuer(message.pkcs8);
      return { value: { type: 'ready' }, transfer: [] };
    case 'plan':
      return { value: { type: 'planned', outcomes: await plan(message.jobs) }, transfer: [] };
    case 'sign': {
      // Each certificate in an ArrayBuffer of its own: a small Buffer is a view into Node's shared pool,
      // which cannot be transferred (Node 21+ and Electron throw DataCloneError; Node 20 copies the pool).
      const certificates = sign(message.serials).map((der) => new Uint8Array(der));
      return {
        value: { type: 'signed', certificates },
        transfer: certificates.map((der) => der.buffer as ArrayBuffer),
      };
    }
  }
}

/** The issuer as the session has it, its key imported once; the PKCS#8 bytes are wiped at once. */
async function importIssuer(pkcs8: ArrayBuffer): Promise<Issuer> {
  const bytes = new Uint8Array(pkcs8);
  try {
    return {
      certificate: new x509.X509Certificate(setup.issuer.certificate),
      signingKey: await importSigningKey(bytes),
      ancestors: setup.issuer.ancestors.map((der) => new x509.X509Certificate(der)),
    };
  } finally {
    bytes.fill(0);
  }
}

async function plan(jobs: readonly { index: number; csr: Uint8Array }[]): Promise<PlanOutcome[]> {
  const outcomes: PlanOutcome[] = [];
  for (const { index, csr } of jobs) {
    let parsed: ParsedCsr;
    try {
      parsed = await parseCsr(csr);
    } catch (error) {
      outcomes.push({ index, stage: 'parse', failure: failureOf(error) });
      continue;
    }
    try {
      const planned = planCsrSigning(parsed, { ...setup.options, issuer: issuer!, now: new Date(setup.now) });
      kept.set(index, { parsed, plan: planned });
      outcomes.push({ index, plan: planned });
    } catch (error) {
      outcomes.push({ index, stage: 'plan', failure: failureOf(error) satisfies BatchFailure });
    }
  }
  return outcomes;
}

let template: LeafTemplate | null = null;

function sign(serials: readonly { index: number; serial: string }[]): Uint8Array[] {
  return serials.map(({ index, serial }) => {
    const { parsed, plan: planned } = kept.get(index)!;
    template ??= leafTemplate(
      issuer!,
      setup.options.profile,
      validityWindow(planned.days, new Date(setup.now), issuer!.certificate.notAfter),
      setup.links,
    );
    return signLeaf(template, {
      subject: parsed.subject,
      spki: parsed.spki,
      keyFamily: parsed.key.family,
      sans: planned.sans,
      serialNumber: serial,
    });
  });
}
