/** The messages between a CSR batch's main thread and its workers (csr-batch-pool.ts, csr-batch-worker.ts). */
import type { SigningPlan } from '../../shared/domain/csr';
import type { LeafProfile, SubjectAltName } from '../../shared/domain/pki';
import { RootkeeperError, type ErrorCode, type RejectionReason } from '../../shared/errors';

/** What every worker is started with: public material only; the key follows as a message. */
export interface BatchSetup {
  readonly issuer: { readonly certificate: Uint8Array; readonly ancestors: readonly Uint8Array[] };
  readonly options: {
    readonly profile: LeafProfile;
    readonly days?: number;
    readonly sans?: readonly SubjectAltName[];
  };
  /** The batch's clock, as the single-threaded path reads it once. */
  readonly now: string;
  readonly links: { readonly crlDistributionUrl?: string; readonly authorityInfoAccessUrl?: string };
}

export type ToWorker =
  | { readonly type: 'key'; readonly pkcs8: ArrayBuffer }
  | { readonly type: 'plan'; readonly jobs: readonly { readonly index: number; readonly csr: Uint8Array }[] }
  | { readonly type: 'sign'; readonly serials: readonly { readonly index: number; readonly serial: string }[] };

/** An error carried across the thread boundary: a RootkeeperError keeps its code and reason. */
export interface BatchFailure {
  readonly code?: ErrorCode;
  readonly reason?: RejectionReason;
  readonly message: string;
}

export type PlanOutcome =
  | { readonly index: number; readonly plan: SigningPlan }
  | { readonly index: number; readonly stage: 'parse' | 'plan'; readonly failure: BatchFailure };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'planned'; readonly outcomes: readonly PlanOutcome[] }
  | { readonly type: 'signed'; readonly certificates: readonly Uint8Array[] }
  | { readonly type: 'failed'; readonly failure: BatchFailure };

export function failureOf(error: unknown): BatchFailure {
  if (error instanceof RootkeeperError)
    return { code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The error again, on the main thread: a RootkeeperError as it was thrown, anything else as an Error. */
export function errorOf(failure: BatchFailure): Error {
  return failure.code ? new RootkeeperError(failure.code, failure.message, failure.reason) : new Error(failure.message);
}
