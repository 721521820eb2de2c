/**
 * The API the renderer sees as `window.rootkeeper`: one typed function per
 * operation of the contract, nothing else. The preload builds it over IPC; the
 * browser test harness builds the very same object over a Playwright binding.
 */
import type { Result } from './errors';
import { operationNames, type OperationName, type RequestOf, type ResponseOf } from './contract';
import { isMenuCommand, type MenuCommand } from './menu';

export const WINDOW_API_KEY = 'rootkeeper';

/**
 * What the page sends for an operation: the contract's request, except for
 * a dropped path, where it hands the dropped File itself and the window API
 * asks `pathOf` (the preload's webUtils.getPathForFile) for its path — so a
 * page can name no path of its own choosing, only one the officer dropped.
 */
export type PageRequestOf<N extends OperationName> = N extends 'useDroppedPath'
  ? { readonly purpose: RequestOf<'useDroppedPath'>['purpose']; readonly file: unknown }
  : RequestOf<N>;

export type RootkeeperApi = {
  readonly [N in OperationName]: (request: PageRequestOf<N>) => Promise<Result<ResponseOf<N>>>;
} & {
  /** Application-menu commands (shared/menu.ts); only known command names ever reach the listener. */
  readonly onMenuCommand: (listener: (command: MenuCommand) => void) => void;
};

/** Carries one request to the main side and brings its Result back. */
export type Transport = (operation: OperationName, request: unknown) => Promise<unknown>;

/** Hands every menu command that arrives to `deliver`. */
export type MenuSubscription = (deliver: (command: unknown) => void) => void;

/** The path on disk of a dropped File ('' when it has none); in Electron, webUtils.getPathForFile. */
export type PathOfFile = (file: unknown) => string;

export function buildWindowApi(
  transport: Transport,
  subscribe: MenuSubscription,
  pathOf: PathOfFile = () => '',
): RootkeeperApi {
  const api: Record<string, unknown> = {};
  for (const name of operationNames) {
    api[name] = (request: unknown) => transport(name, request);
  }
  // Only the dropped File's own path is sent: whatever else the page passes is ignored.
  api.useDroppedPath = (request: { purpose?: unknown; file?: unknown } | null) =>
    transport('useDroppedPath', { purpose: request?.purpose, path: safePath(pathOf, request?.file) });
  api.onMenuCommand = (listener: (command: MenuCommand) => void) =>
    subscribe((command) => {
      if (isMenuCommand(command)) listener(command);
    });
  return Object.freeze(api) as unknown as RootkeeperApi;
}

function safePath(pathOf: PathOfFile, file: unknown): string {
  try {
    const found = pathOf(file);
    return typeof found === 'string' ? found : '';
  } catch {
    // Not a File, or one with no path on disk.
    return '';
  }
}
