import type { OperationName, RequestOf, ResponseOf } from '../../shared/contract';
import { RootkeeperError } from '../../shared/errors';
import type { RootkeeperApi } from '../../shared/window-api';

function windowApi(): RootkeeperApi {
  const api = window.rootkeeper;
  if (!api) {
    throw new RootkeeperError('INTERNAL', 'This page is not running inside Rootkeeper, so it cannot reach the store.');
  }
  return api;
}

/** Calls one operation and returns its value, or throws its failure as a RootkeeperError. */
export async function call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
  const invoke = windowApi()[operation] as (request: RequestOf<N>) => ReturnType<RootkeeperApi[N]>;
  const result = await invoke(request);
  if (!result.ok) throw new RootkeeperError(result.error.code, result.error.message);
  return result.value as ResponseOf<N>;
}
