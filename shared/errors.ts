/**
 * Error codes every operation may answer with. The renderer switches on the
 * code; the message is a sentence for the officer and never carries secrets,
 * paths of key files or stack traces.
 */
export const ERROR_CODES = [
  /** The payload did not match the operation's schema in the contract. */
  'INVALID_REQUEST',
  /** The IPC message came from a frame that is not the app's own top-level page. */
  'FORBIDDEN_SENDER',
  /** The input (a file, a name, an option) was refused; nothing was signed or changed. */
  'REJECTED_INPUT',
  /** A passphrase did not open what it was meant to open. */
  'WRONG_PASSPHRASE',
  /** Too many wrong passphrases: the next attempt must wait. */
  'TRY_LATER',
  /** The operation needs an unlocked session, and there is none (or it timed out). */
  'LOCKED',
  /** A store file failed its integrity check; nothing was written. */
  'STORE_DAMAGED',
  /** Another Rootkeeper process holds the store. */
  'STORE_IN_USE',
  /** Something failed inside Rootkeeper; the details went to the main-side log. */
  'INTERNAL',
  /**
   * The operation was done and journaled, but a later step (writing its
   * bundle, its file) failed: the message says what was done and what to do.
   */
  'PARTIAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Why input was refused, for callers that react differently to each (the CLI, the CSR drop). */
export const REJECTION_REASONS = [
  'too-large',
  'not-pem-or-der',
  'wrong-kind',
  'malformed',
  'trailing-data',
  'bad-signature',
  'unsupported-key',
  'weak-key',
  'invalid-name',
  'invalid-option',
  'duplicate-name',
  'name-not-permitted',
  'policy',
  'not-found',
  'exists',
] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Failure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly reason?: RejectionReason;
}

/** What every operation answers: IPC carries plain data, never thrown errors. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Failure };

/** A failure the officer can act on; domain code throws it, both sides understand it. */
export class RootkeeperError extends Error {
  override readonly name = 'RootkeeperError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly reason?: RejectionReason,
  ) {
    super(message);
  }

  toFailure(): Failure {
    return this.reason === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, reason: this.reason };
  }
}

/** Input refused for a stated reason; nothing was signed or changed. */
export function rejected(reason: RejectionReason, message: string): RootkeeperError {
  return new RootkeeperError('REJECTED_INPUT', message, reason);
}

export function succeed<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
