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
  /** Something failed inside Rootkeeper; the details went to the main-side log. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface Failure {
  readonly code: ErrorCode;
  readonly message: string;
}

/** What every operation answers: IPC carries plain data, never thrown errors. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Failure };

/** A failure the officer can act on; domain code throws it, both sides understand it. */
export class RootkeeperError extends Error {
  override readonly name = 'RootkeeperError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  toFailure(): Failure {
    return { code: this.code, message: this.message };
  }
}

export function succeed<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
