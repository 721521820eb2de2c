import type { AppStatus } from '../../shared/domain/app-status';
import { inspectStoreFolder } from '../store/folder';

export interface AppStatusContext {
  readonly version: string;
  readonly storeDir: string;
  isLocked(): boolean;
}

/** Reads the app's state fresh from disk on every call: nothing is cached to go stale. */
export async function appStatus(context: AppStatusContext): Promise<AppStatus> {
  return {
    version: context.version,
    store: {
      location: context.storeDir,
      state: await inspectStoreFolder(context.storeDir),
    },
    session: { locked: context.isLocked() },
  };
}
