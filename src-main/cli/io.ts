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

/**
 * What reaches a terminal never carries control characters (an ESC from a
 * certificate's name could rewrite the screen): each is shown as \xNN.
 * Line breaks and tabs stay.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (char) => {
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

export function print(io: Io, text: string): void {
  const safe = terminalSafe(text);
  io.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** JSON escapes C0 controls itself; DEL and the C1 range (a lone 0x9b is CSI on some terminals) are escaped too. */
export function printJson(io: Io, value: unknown): void {
  const text = JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  io.stdout.write(`${text}\n`);
}

/** Progress for anything that takes over a second, on stderr so stdout stays clean for scripts. */
export function progress(io: Io, text: string): void {
  io.stderr.write(`rootkeeper: ${terminalSafe(text)}\n`);
}

/** One line: what was wrong and what to do. */
export function printError(io: Io, message: string): void {
  io.stderr.write(`rootkeeper: error: ${terminalSafe(message.replace(/\s*\n\s*/g, ' '))}\n`);
}

/**
 * A reader that closed early (`rootkeeper list | head -1`) is not a failure:
 * the rest of the output is not wanted, so the process ends quietly with 0.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => never): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(0);
    throw error;
  });
}

/** Dates in text output as people read them, "2027-12-31 11:04:35 UTC"; JSON keeps ISO 8601. */
export function textDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
