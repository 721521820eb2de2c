/**
 * A batch of CSRs from their bytes: parsed, planned and signed on every
 * core (engine/csr-batch-pool.ts) when the batch is large enough, else on
 * this thread through signRequests. Either way the main thread allocates
 * the serials, runs the caller's check of the plans, and journals the
 * batch in one append; refusals are the same, and name the same request:
 * a request that cannot be read refuses the batch first (the lowest such
 * index), then one the plan refuses.
 */
import type { SigningPlan } from '../../../shared/domain/csr';
import { RootkeeperError, rejected } from '../../../shared/errors';
import { parseCsr, type ParsedCsr } from '../../engine/csr';
import { CsrBatchPool, workersFor } from '../../engine/csr-batch-pool';
import { errorOf, type PlanOutcome } from '../../engine/csr-batch-protocol';
import type { Issuer } from '../../engine/profiles/common';
import type { SessionCore } from './core';
import { BatchRefusal, plannedEvent, signRequests, type BatchIssued, type RequestOptions } from './issuing';

export async function signRequestBytes(
  core: SessionCore,
  csrs: readonly Uint8Array[],
  options: RequestOptions,
  beforeSigning: (plans: readonly SigningPlan[]) => void = () => undefined,
): Promise<BatchIssued[]> {
  // ROOTKEEPER_BATCH_POOL=off keeps every batch on one thread (for profiling the two side by side).
  const workers = options.sans || process.env.ROOTKEEPER_BATCH_POOL === 'off' ? 0 : workersFor(csrs.length);
  if (workers > 0) {
    const pooled = await core.exclusive(() => signInPool(core, csrs, options, beforeSigning, workers));
    if (pooled) return pooled;
  }
  return signRequests(core, await parseEach(csrs), options, beforeSigning);
}

async function parseEach(csrs: readonly Uint8Array[]): Promise<ParsedCsr[]> {
  const parsed: ParsedCsr[] = [];
  for (const [index, csr] of csrs.entries()) {
    try {
      parsed.push(await parseCsr(csr));
    } catch (error) {
      throw error instanceof RootkeeperError ? new BatchRefusal(index, error) : error;
    }
  }
  return parsed;
}

/** The batch on the pool; null when no pool can be had (a key that cannot leave its token, workers that do not start). */
async function signInPool(
  core: SessionCore,
  csrs: readonly Uint8Array[],
  options: RequestOptions,
  beforeSigning: (plans: readonly SigningPlan[]) => void,
  workers: number,
): Promise<BatchIssued[] | null> {
  const issuer = core.intermediateIssuer();
  const pool = await startPool(issuer, options, core, workers);
  if (!pool) return null;
  try {
    const plans = planned(await pool.plan(csrs));
    beforeSigning(plans);
    const serials = new Set<string>();
    for (let index = 0; index < plans.length; index++) {
      let serial = core.freshSerial('intermediate');
      while (serials.has(serial)) serial = core.freshSerial('intermediate');
      serials.add(serial);
    }
    const ordered = [...serials];
    const certificates = await pool.sign(ordered);
    const issued = certificates.map((der, index): BatchIssued => ({
      der,
      serialNumber: ordered[index]!,
      plan: plans[index]!,
      warnings: plans[index]!.warnings,
    }));
    await core.record(issued.map((certificate) => plannedEvent(certificate, options.profile)));
    return issued;
  } finally {
    await pool.close();
  }
}

async function startPool(
  issuer: Issuer,
  options: RequestOptions,
  core: SessionCore,
  workers: number,
): Promise<CsrBatchPool | null> {
  // A token's key never leaves it: such a batch is signed on this thread, through the token.
  if (issuer.provider) return null;
  try {
    return await CsrBatchPool.start(
      issuer,
      {
        options: { profile: options.profile, ...(options.days ? { days: options.days } : {}) },
        now: new Date().toISOString(),
        links: core.issuedLinks(),
      },
      workers,
    );
  } catch (error) {
    // The built CLI's test sets this, so a worker that cannot start there fails the test instead of hiding.
    if (process.env.ROOTKEEPER_BATCH_POOL === 'require') throw error;
    // Nothing was parsed, signed or written yet: the single-threaded path does the same work.
    return null;
  }
}

/** The plans in order, or the refusal the single-threaded path would give first. */
function planned(outcomes: readonly PlanOutcome[]): SigningPlan[] {
  const unreadable = outcomes.find((outcome) => 'stage' in outcome && outcome.stage === 'parse');
  if (unreadable && 'failure' in unreadable) throw refusalAt(unreadable.index, unreadable.failure);
  return outcomes.map((outcome) => {
    if ('failure' in outcome) throw errorOf(outcome.failure);
    const [refusal] = outcome.plan.refusals;
    if (refusal) throw new BatchRefusal(outcome.index, rejected(refusal.reason, refusal.message));
    return outcome.plan;
  });
}

function refusalAt(index: number, failure: Parameters<typeof errorOf>[0]): Error {
  const error = errorOf(failure);
  return error instanceof RootkeeperError ? new BatchRefusal(index, error) : error;
}
