/**
 * The composition root of the main side, free of Electron: it wires the
 * operations to their context and hands back the dispatcher. The Electron
 * shell, the CLI and the browser test harness each build one host.
 */
import { appStatus } from './operations/app-status';
import { createDispatcher, type DiagnosticLog, type Dispatch, type OperationHandlers } from './operations/dispatch';

export interface HostOptions {
  readonly version: string;
  /** The store folder: the app's user-data folder by default, or one the officer chose. */
  readonly storeDir: string;
  readonly log: DiagnosticLog;
}

export interface Host {
  readonly dispatch: Dispatch;
}

export function createHost(options: HostOptions): Host {
  // No operation can open a session until the vault exists, so the store is
  // always reported locked; the vault replaces this with its session state.
  const isLocked = (): boolean => true;
  const handlers: OperationHandlers = {
    appStatus: () => appStatus({ version: options.version, storeDir: options.storeDir, isLocked }),
  };
  return { dispatch: createDispatcher(handlers, options.log) };
}
