/**
 * The API the renderer sees as `window.rootkeeper`: one typed function per
 * operation of the contract, nothing else. The preload builds it over IPC; the
 * browser test harness builds the very same object over a Playwright binding.
 */
import type { Result } from './errors';
import { operationNames, type OperationName, type RequestOf, type ResponseOf } from './contract';

export const WINDOW_API_KEY = 'rootkeeper';

export type RootkeeperApi = {
  readonly [N in OperationName]: (request: RequestOf<N>) => Promise<Result<ResponseOf<N>>>;
};

/** Carries one request to the main side and brings its Result back. */
export type Transport = (operation: OperationName, request: unknown) => Promise<unknown>;

export function buildWindowApi(transport: Transport): RootkeeperApi {
  const api: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of operationNames) {
    api[name] = (request: unknown) => transport(name, request);
  }
  return Object.freeze(api) as unknown as RootkeeperApi;
}
