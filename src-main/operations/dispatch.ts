/**
 * Runs one operation of the contract: validate the request, run the handler,
 * validate the reply, and turn every outcome into a plain Result. The Electron
 * IPC handlers, the browser test harness and (later) the CLI all go through
 * here, so the same checks guard every door.
 */
import { contract, isOperationName, type OperationName, type RequestOf, type ResponseOf } from '../../shared/contract';
import { RootkeeperError, fail, succeed, type Result } from '../../shared/errors';
import { parseWith } from '../../shared/validation';

export type OperationHandlers = {
  readonly [N in OperationName]: (request: RequestOf<N>) => Promise<ResponseOf<N>>;
};

/** Where main-side diagnostics go. Callers must never pass secrets to it. */
export interface DiagnosticLog {
  error(message: string): void;
}

export type Dispatch = (operation: string, payload: unknown) => Promise<Result<unknown>>;

const INTERNAL_MESSAGE =
  'Rootkeeper hit an internal error and stopped this operation. Nothing was changed; details are in the application log.';

export function createDispatcher(handlers: OperationHandlers, log: DiagnosticLog): Dispatch {
  return async (operation, payload) => {
    if (!isOperationName(operation)) {
      return fail('INVALID_REQUEST', `"${String(operation).slice(0, 64)}" is not an operation Rootkeeper offers.`);
    }
    // Valibot's object schemas accept arrays; a request is always a plain object.
    if (!isPlainObject(payload)) {
      return fail('INVALID_REQUEST', `The ${operation} request must be an object.`);
    }
    const spec = contract[operation];
    const request = parseWith(spec.request, payload);
    if (!request.ok) {
      return fail('INVALID_REQUEST', `The ${operation} request was refused: ${request.problems.join('; ')}.`);
    }
    let value: unknown;
    try {
      const handler = handlers[operation] as (request: unknown) => Promise<unknown>;
      value = await handler(request.value);
    } catch (error) {
      return failureFrom(operation, error, log);
    }
    const response = parseWith(spec.response, value);
    if (!response.ok) {
      // Never send what the contract does not declare: it may be something secret.
      log.error(`${operation}: reply withheld, it does not match the contract (${response.problems.join('; ')})`);
      return fail('INTERNAL', INTERNAL_MESSAGE);
    }
    return succeed(response.value);
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function failureFrom(operation: string, error: unknown, log: DiagnosticLog): Result<never> {
  if (error instanceof RootkeeperError) return { ok: false, error: error.toFailure() };
  // Only the error's class and stack frames are logged: messages of foreign
  // errors may quote their input, and input can be secret.
  const name = error instanceof Error ? error.name : typeof error;
  const frames = error instanceof Error ? (error.stack ?? '').split('\n').slice(1).join('\n') : '';
  log.error(`${operation}: internal ${name}\n${frames}`);
  return fail('INTERNAL', INTERNAL_MESSAGE);
}
