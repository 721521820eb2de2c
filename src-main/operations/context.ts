/**
 * What every operation runs with. The Electron host and the CLI build one
 * each: the GUI keeps one session for the officer's whole visit; the CLI
 * unlocks for one command. The operations themselves are the same functions.
 */
import path from 'node:path';
import { RootkeeperError } from '../../shared/errors';
import type { SessionSlot } from '../host-session';
import type { Session } from '../store/session';
import type { StoreEnvironment } from '../store/store';
import type { ChoicePurpose } from '../../shared/domain/operations';

/**
 * Where exports go. The CLI takes paths from its arguments; the app takes
 * only folders its own native dialog returned, so a renderer can never name
 * a path to write to.
 */
export interface Destinations {
  folder(destination: string): string;
  file(destination: string): string;
}

export const pathDestinations: Destinations = {
  folder: (destination) => path.resolve(destination),
  file: (destination) => path.resolve(destination),
};

/** The native dialogs, in the app: the Electron shell's, or the browser harness's test double. */
export interface PathChooser {
  /** The chosen path, or null when the officer cancelled. */
  choose(purpose: ChoicePurpose): Promise<string | null>;
  /** The handle under which operations will accept the chosen path. */
  register(chosen: string): string;
}

export interface OperationContext {
  /** Changes only while locked, when the officer picks another store folder. */
  storeDir: string;
  readonly environment: StoreEnvironment;
  readonly destinations: Destinations;
  readonly sessions: SessionSlot;
  /** Absent on the command line, which takes paths as arguments. */
  readonly chooser?: PathChooser;
  /** Remembers the chosen store folder for the next start; absent on the command line. */
  readonly settings?: { saveStoreDir(dir: string): Promise<void> };
}

export function currentSession(context: OperationContext): Session {
  const session = context.sessions.current;
  if (!session)
    throw new RootkeeperError('LOCKED', 'The store is locked. Unlock it with the operator passphrase to continue.');
  return session;
}
