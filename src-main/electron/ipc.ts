import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { contract, operationNames } from '../../shared/contract';
import { fail, type Result } from '../../shared/errors';
import { isAppUrl } from '../app-origin';
import type { Dispatch } from '../operations/dispatch';

type SenderFrame = { readonly url: string; readonly parent: unknown } | null;

/** Only the app's own top-level page may call operations: not an iframe, not a page that navigated away. */
export function isTrustedSender(frame: SenderFrame): boolean {
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

function senderFrameOf(event: IpcMainInvokeEvent): SenderFrame {
  try {
    return event.senderFrame;
  } catch {
    return null; // the frame was destroyed while the message was in flight
  }
}

/** One handler per operation of the contract; each checks its sender before anything else. */
export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle'>, dispatch: Dispatch): void {
  for (const operation of operationNames) {
    ipcMain.handle(
      contract[operation].channel,
      (event, ...args: unknown[]): Promise<Result<unknown>> | Result<never> => {
        if (!isTrustedSender(senderFrameOf(event))) {
          return fail('FORBIDDEN_SENDER', 'This request did not come from the Rootkeeper window and was refused.');
        }
        if (args.length !== 1) {
          return fail('INVALID_REQUEST', `The ${operation} request must be exactly one object.`);
        }
        return dispatch(operation, args[0]);
      },
    );
  }
}
