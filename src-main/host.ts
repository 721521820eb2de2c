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
import type { ChoicePurpose } from '../shared/domain/operations';
import { writeSettings } from './settings';

export { SessionSlot };

export interface HostOptions {
  readonly version: string;
  /** The store folder: the app's user-data folder by default, or one the officer chose. */
  readonly storeDir: string;
  readonly log: DiagnosticLog;
  /** Tests only: the low-cost KDF policy and fake clocks. Production passes nothing. */
  readonly environment?: StoreEnvironment;
  /** The native dialogs (the Electron shell's, or the harness's test double). */
  readonly dialogs?: Dialogs;
  /** Where the chosen store folder is remembered between starts. */
  readonly settingsFile?: string;
}

export interface Dialogs {
  /** The path the officer chose for this purpose, or null when they cancelled. */
  choose(purpose: ChoicePurpose): Promise<string | null>;
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
  const { dialogs, settingsFile } = options;
  const context: OperationContext = {
    storeDir: options.storeDir,
    environment: options.environment ?? {},
    destinations: folders satisfies Destinations,
    sessions,
    ...(dialogs
      ? { chooser: { choose: (purpose) => dialogs.choose(purpose), register: (chosen) => folders.register(chosen) } }
      : {}),
    ...(settingsFile ? { settings: { saveStoreDir: (storeDir) => writeSettings(settingsFile, { storeDir }) } } : {}),
  };
  return {
    dispatch: createDispatcher(operationHandlers(context, options.version), options.log),
    folders,
    lock: () => sessions.lock(),
  };
}
