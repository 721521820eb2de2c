/**
 * The API the renderer sees as `window.rootkeeper`: one typed function per
 * operation of the contract, nothing else. The preload builds it over IPC; the
 * browser test harness builds the very same object over a Playwright binding.
 */
import type { Result } from './errors';
import { operationNames, type OperationName, type RequestOf, type ResponseOf } from './contract';
import { isMenuCommand, type MenuCommand } from './menu';

export const WINDOW_API_KEY = 'rootkeeper';

export type RootkeeperApi = {
  readonly [N in OperationName]: (request: RequestOf<N>) => Promise<Result<ResponseOf<N>>>;
} & {
  /** Application-menu commands (shared/menu.ts); only known command names ever reach the listener. */
  readonly onMenuCommand: (listener: (command: MenuCommand) => void) => void;
};

/** Carries one request to the main side and brings its Result back. */
export type Transport = (operation: OperationName, request: unknown) => Promise<unknown>;

/** Hands every menu command that arrives to `deliver`. */
export type MenuSubscription = (deliver: (command: unknown) => void) => void;

export function buildWindowApi(transport: Transport, subscribe: MenuSubscription): RootkeeperApi {
  const api: Record<string, unknown> = {};
  for (const name of operationNames) {
    api[name] = (request: unknown) => transport(name, request);
  }
  api.onMenuCommand = (listener: (command: MenuCommand) => void) =>
    subscribe((command) => {
      if (isMenuCommand(command)) listener(command);
    });
  return Object.freeze(api) as unknown as RootkeeperApi;
}
