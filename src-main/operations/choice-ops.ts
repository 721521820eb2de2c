/** The native dialogs, and moving the store to a folder the officer chose. */
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { RootkeeperError, rejected } from '../../shared/errors';
import { kindOf } from '../store/bounded-read';
import { appStatus } from './app-status';
import type { OperationContext } from './context';

export async function choosePathOperation(
  context: OperationContext,
  request: RequestOf<'choosePath'>,
): Promise<ResponseOf<'choosePath'>> {
  if (!context.chooser) throw rejected('invalid-option', 'There is no dialog here: give the path as an argument.');
  const chosen = await context.chooser.choose(request.purpose);
  if (chosen === null) return { choice: null };
  // A handle is the only form a chosen path takes towards the renderer; the path is for display.
  return { choice: { destination: context.chooser.register(chosen), label: chosen } };
}

/**
 * A folder or file the officer dropped on the window, to import from: it
 * must be there and be a folder or a plain file (a FIFO or a device is
 * refused by its type). It is registered like a dialog's choice; the import
 * only ever reads it.
 */
export async function useDroppedPathOperation(
  context: OperationContext,
  request: RequestOf<'useDroppedPath'>,
): Promise<ResponseOf<'useDroppedPath'>> {
  if (!context.chooser)
    throw rejected('invalid-option', 'There is nothing to drop on here: give the path as an argument.');
  if (!path.isAbsolute(request.path))
    throw rejected('invalid-option', 'Only a folder or file dropped from disk can be imported.');
  let info;
  try {
    info = await stat(request.path);
  } catch {
    throw rejected('not-found', `${request.path}: it is not there any more.`);
  }
  if (!info.isDirectory() && !info.isFile())
    throw rejected('wrong-kind', `${request.path}: this is ${kindOf(info)}, not a folder or a file.`);
  return { destination: context.chooser.register(request.path), label: request.path };
}

/**
 * A store folder is changed only while locked, and only to one that holds a
 * store or nothing: a folder of other files is refused before anything is
 * written, and so is a file.
 */
export async function useStoreFolderOperation(
  context: OperationContext,
  request: RequestOf<'useStoreFolder'>,
  version: string,
): Promise<ResponseOf<'useStoreFolder'>> {
  if (context.sessions.current)
    throw new RootkeeperError('STORE_IN_USE', 'Lock the open store before choosing another store folder.');
  const dir = context.destinations.folder(request.destination);
  const status = await appStatus({ version, storeDir: dir, session: () => null });
  if (status.store.state === 'foreign')
    throw rejected('policy', `${dir} holds other files: choose an empty folder, or one that holds a Rootkeeper store.`);
  context.storeDir = dir;
  await context.settings?.saveStoreDir(dir);
  return status;
}
