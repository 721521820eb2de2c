/**
 * The CLI's contact with the world: results on stdout (text, or --json),
 * one-line errors and progress on stderr, and exit codes scripts can rely on.
 */
import type { ErrorCode, Failure } from '../../shared/errors';

export const EXIT = { ok: 0, usage: 1, rejected: 2, passphrase: 3, damaged: 4, failure: 5 } as const;

const EXIT_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  INVALID_REQUEST: EXIT.rejected,
  FORBIDDEN_SENDER: EXIT.failure,
  REJECTED_INPUT: EXIT.rejected,
  WRONG_PASSPHRASE: EXIT.passphrase,
  TRY_LATER: EXIT.passphrase,
  LOCKED: EXIT.passphrase,
  STORE_DAMAGED: EXIT.damaged,
  STORE_IN_USE: EXIT.failure,
  INTERNAL: EXIT.failure,
  PARTIAL: EXIT.failure,
};

export function exitCodeOf(failure: Failure): number {
  return EXIT_BY_CODE[failure.code];
}

/** A command line that cannot be understood: exit 1 with a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

export function print(io: Io, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Progress for anything that takes over a second, on stderr so stdout stays clean for scripts. */
export function progress(io: Io, text: string): void {
  io.stderr.write(`rootkeeper: ${text}\n`);
}

/** One line: what was wrong and what to do. */
export function printError(io: Io, message: string): void {
  io.stderr.write(`rootkeeper: error: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}
