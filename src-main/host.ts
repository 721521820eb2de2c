/**
 * The composition root of the main side, free of Electron: it wires the
 * operations to their context and hands back the dispatcher. The Electron
 * shell, the CLI and the browser test harness each build one host.
 */
import { appStatus } from './operations/app-status';
import { createDispatcher, type DiagnosticLog, type Dispatch, type OperationHandlers } from './operations/dispatch';
import type { Session } from './store/session';

export interface HostOptions {
  readonly version: string;
  /** The store folder: the app's user-data folder by default, or one the officer chose. */
  readonly storeDir: string;
  readonly log: DiagnosticLog;
}

export interface Host {
  readonly dispatch: Dispatch;
  /** Locks the open session, if any: on screen lock, suspend and quit. */
  lock(): Promise<void>;
}

/** The one operator session a host may hold; locking drops it. */
export class SessionSlot {
  private session: Session | null = null;

  get current(): Session | null {
    return this.session && !this.session.locked ? this.session : null;
  }

  hold(session: Session): void {
    this.session = session;
  }

  async lock(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.lock();
  }
}

export function createHost(options: HostOptions): Host {
  const sessions = new SessionSlot();
  const handlers: OperationHandlers = {
    appStatus: () =>
      appStatus({ version: options.version, storeDir: options.storeDir, isLocked: () => sessions.current === null }),
  };
  return { dispatch: createDispatcher(handlers, options.log), lock: () => sessions.lock() };
}
