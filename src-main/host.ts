/**
 * The composition root of the main side, free of Electron: it binds the
 * operations to their context and hands back the dispatcher. The Electron
 * shell and the browser test harness each build one host; the CLI builds a
 * context of its own around the same operations.
 */
import { SessionSlot } from './host-session';
import type { Destinations, OperationContext } from './operations/context';
import { createDispatcher, type DiagnosticLog, type Dispatch } from './operations/dispatch';
import { operationHandlers } from './operations';
import type { StoreEnvironment } from './store/store';
import { FolderHandles } from './operations/folder-handles';

export { SessionSlot };

export interface HostOptions {
  readonly version: string;
  /** The store folder: the app's user-data folder by default, or one the officer chose. */
  readonly storeDir: string;
  readonly log: DiagnosticLog;
  /** Tests only: the low-cost KDF policy and fake clocks. Production passes nothing. */
  readonly environment?: StoreEnvironment;
}

export interface Host {
  readonly dispatch: Dispatch;
  /** Folders the main side chose (a native dialog); exports go only there. */
  readonly folders: FolderHandles;
  /** Locks the open session, if any: on screen lock, suspend and quit. */
  lock(): Promise<void>;
}

export function createHost(options: HostOptions): Host {
  const sessions = new SessionSlot();
  const folders = new FolderHandles();
  const context: OperationContext = {
    storeDir: options.storeDir,
    environment: options.environment ?? {},
    destinations: folders satisfies Destinations,
    sessions,
  };
  return {
    dispatch: createDispatcher(operationHandlers(context, options.version), options.log),
    folders,
    lock: () => sessions.lock(),
  };
}
