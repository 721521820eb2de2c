/**
 * The CLI's way into Rootkeeper: the very dispatcher the app's IPC uses, over
 * the same operations, so a command and a click are checked and answered
 * alike. Destinations are plain paths here; a session lasts one command.
 */
import type { OperationName, RequestOf, ResponseOf } from '../../shared/contract';
import { RootkeeperError, type Failure } from '../../shared/errors';
import { SessionSlot } from '../host-session';
import { operationHandlers } from '../operations';
import { pathDestinations } from '../operations/context';
import { createDispatcher, type Dispatch } from '../operations/dispatch';
import { progress, type Io } from './io';
import type { PassphraseSources } from './passin';
import { version } from './version';

/** A failed operation, carried to the exit code. */
export class OperationFailure extends Error {
  override readonly name = 'OperationFailure';
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export class CliOperations {
  private readonly sessions = new SessionSlot();
  private readonly dispatch: Dispatch;

  constructor(
    storeDir: string,
    private readonly io: Io,
  ) {
    const context = { storeDir, environment: {}, destinations: pathDestinations, sessions: this.sessions };
    const log = { error: (message: string) => io.stderr.write(`rootkeeper: internal: ${message}\n`) };
    this.dispatch = createDispatcher(operationHandlers(context, version()), log);
  }

  async call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    const result = await this.dispatch(operation, request);
    if (!result.ok) throw new OperationFailure(result.error);
    return result.value as ResponseOf<N>;
  }

  /** Unlocks for this command; `close` locks again. */
  async unlock(passphrases: PassphraseSources, source: string | undefined): Promise<void> {
    const passphrase = await passphrases.read(source, 'Operator passphrase');
    progress(this.io, 'unlocking the store (argon2id)…');
    const opened = await this.call('unlock', { passphrase });
    for (const notice of opened.notices) progress(this.io, `notice: ${notice}`);
  }

  async close(): Promise<void> {
    await this.sessions.lock();
  }
}

export function isFailure(error: unknown): error is OperationFailure | RootkeeperError {
  return error instanceof OperationFailure || error instanceof RootkeeperError;
}
