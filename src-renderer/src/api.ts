import type { OperationName, RequestOf, ResponseOf } from '../../shared/contract';
import { RootkeeperError } from '../../shared/errors';
import type { RootkeeperApi } from '../../shared/window-api';

export function windowApi(): RootkeeperApi {
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

/** The sentence to show for a failure: the main side's own, or a generic one for a fault in the page. */
export function messageOf(error: unknown): string {
  if (error instanceof RootkeeperError) return error.message;
  return 'Something went wrong in the window. Nothing was changed; try again, or restart Rootkeeper.';
}

/**
 * Opens the native dialog, then runs `work` with the handle of what the
 * officer chose; null, with nothing done, when they cancelled.
 */
export async function withChosen<T>(
  purpose: RequestOf<'choosePath'>['purpose'],
  work: (destination: string) => Promise<T>,
): Promise<T | null> {
  const chosen = await choose(purpose);
  return chosen ? work(chosen.destination) : null;
}

/**
 * Asks the main side to open its native dialog. Null when the officer
 * cancelled; otherwise the handle operations accept, and the path to show.
 */
export async function choose(
  purpose: RequestOf<'choosePath'>['purpose'],
): Promise<{ destination: string; label: string } | null> {
  return (await call('choosePath', { purpose })).choice;
}

/**
 * A folder or file dropped on the window, as an import source: the page
 * hands the File over; the preload alone turns it into its path on disk,
 * and the main side answers with a handle and the path to show.
 */
export async function useDropped(file: File): Promise<{ destination: string; label: string }> {
  const result = await windowApi().useDroppedPath({ purpose: 'import-source', file });
  if (!result.ok) throw new RootkeeperError(result.error.code, result.error.message);
  return result.value;
}
