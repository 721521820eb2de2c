import type { AppStatus } from '../../shared/domain/app-status';
import type { Session } from '../store/session';
import { inspectStoreFolder } from '../store/folder';

export interface AppStatusContext {
  readonly version: string;
  readonly storeDir: string;
  session(): Session | null;
}

/** Reads the app's state fresh from disk on every call: nothing is cached to go stale. */
export async function appStatus(context: AppStatusContext): Promise<AppStatus> {
  const session = context.session();
  return {
    version: context.version,
    store: {
      location: context.storeDir,
      state: await inspectStoreFolder(context.storeDir),
    },
    session: { locked: session === null, locksAt: session ? new Date(session.locksAt).toISOString() : null },
  };
}
