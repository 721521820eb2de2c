/**
 * Runs in the sandboxed renderer before the page. It exposes one typed
 * function per contract operation and a menu-command listener, nothing else:
 * no ipcRenderer, no generic channel, no event objects.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { contract } from '../../shared/contract';
import { MENU_CHANNEL } from '../../shared/menu';
import { WINDOW_API_KEY, buildWindowApi } from '../../shared/window-api';

const api = buildWindowApi(
  (operation, request) => ipcRenderer.invoke(contract[operation].channel, request),
  // Only the command itself is passed on: the event object would hand the page ipcRenderer's sender.
  (deliver) => ipcRenderer.on(MENU_CHANNEL, (_event, command: unknown) => deliver(command)),
  // A dropped folder or file reaches the main side as its path, which only the preload can read from the File.
  (file) => webUtils.getPathForFile(file as File),
);

contextBridge.exposeInMainWorld(WINDOW_API_KEY, api);
