import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_ENTRY_URL } from '../app-origin';
import type { ElectronModule } from './electron-module';

/** Every security-relevant preference is spelled out, even where it is Electron's default. */
export function mainWindowOptions(preloadPath: string, isPackaged: boolean): BrowserWindowConstructorOptions {
  return {
    title: 'Rootkeeper',
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      // Files dropped on the window are read by the page as bytes; the window itself must never open them.
      navigateOnDragDrop: false,
      // Chromium's spellchecker downloads dictionaries: the app makes no network requests.
      spellcheck: false,
      safeDialogs: true,
      devTools: !isPackaged,
    },
  };
}

export function openMainWindow(
  electron: Pick<ElectronModule, 'BrowserWindow'>,
  preloadPath: string,
  isPackaged: boolean,
): BrowserWindow {
  const window = new electron.BrowserWindow(mainWindowOptions(preloadPath, isPackaged));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
