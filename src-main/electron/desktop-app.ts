/**
 * Starts the desktop shell. The order matters: the sandbox, the app:// scheme
 * and the single-instance lock must all be settled before Electron is ready.
 */
import type { BrowserWindow } from 'electron';
import path from 'node:path';
import { createHost, type Host } from '../host';
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './app-protocol';
import type { ElectronModule } from './electron-module';
import { hardenWebContents, lockDownSession } from './hardening';
import { registerIpcHandlers } from './ipc';
import { openMainWindow } from './window';
import { nativeDialogs } from './dialogs';
import { menuTemplate } from './menu';
import { MENU_CHANNEL, type MenuCommand } from '../../shared/menu';
import { SETTINGS_FILE, readSettings } from '../settings';

export interface DesktopPaths {
  /** The built renderer, served as app://bundle/. */
  readonly rendererDir: string;
  /** The single-file CommonJS preload. */
  readonly preloadPath: string;
}

const mainLog = { error: (message: string) => console.error(`[rootkeeper] ${message}`) };

/** The session locks whenever the officer walks away: screen lock, suspend, quitting. */
export function lockWhenAway(electron: Pick<ElectronModule, 'app' | 'powerMonitor'>, lock: () => void): void {
  electron.powerMonitor.on('lock-screen', lock);
  electron.powerMonitor.on('suspend', lock);
  electron.app.on('before-quit', lock);
}

/** Locks on the main side first (the keys go now), then tells the page, which shows the lock screen. */
function lockAndTell(host: Host, window: () => BrowserWindow | null): () => void {
  return () =>
    void host.lock().then(
      () => {
        const contents = window()?.webContents;
        if (contents && !contents.isDestroyed()) contents.send(MENU_CHANNEL, 'locked' satisfies MenuCommand);
      },
      // Only the class: an error's message could carry anything.
      (error: unknown) => mainLog.error(`locking failed (${error instanceof Error ? error.name : typeof error})`),
    );
}

/** The store folder: the one the officer chose last time, or `store` inside the app's user-data folder. */
async function storeFolder(userData: string): Promise<string> {
  const settings = await readSettings(path.join(userData, SETTINGS_FILE), mainLog);
  return settings.storeDir ?? path.join(userData, 'store');
}

/** Resolves once the main window is open, or at once when another instance already runs. */
export function startDesktopApp(electron: ElectronModule, paths: DesktopPaths): Promise<void> {
  const { app } = electron;
  app.enableSandbox();
  electron.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  // Defence in depth beside the request filter: no host name resolves, so nothing can leave the machine.
  app.commandLine.appendSwitch('host-resolver-rules', 'MAP * ~NOTFOUND');

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return Promise.resolve();
  }

  let mainWindow: BrowserWindow | null = null;
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // Closing the window ends the app on every platform: a CA should not linger in the dock with keys around.
  app.on('window-all-closed', () => app.quit());

  const currentWindow = () => mainWindow;
  return app.whenReady().then(
    async () => {
      lockDownSession(electron.session.defaultSession);
      serveRenderer(electron.protocol, paths.rendererDir);
      const userData = app.getPath('userData');
      const host = createHost({
        version: app.getVersion(),
        storeDir: await storeFolder(userData),
        settingsFile: path.join(userData, SETTINGS_FILE),
        dialogs: nativeDialogs(electron, currentWindow),
        log: mainLog,
      });
      registerIpcHandlers(electron.ipcMain, host.dispatch);
      const lock = lockAndTell(host, currentWindow);
      lockWhenAway(electron, lock);
      electron.Menu.setApplicationMenu(
        electron.Menu.buildFromTemplate(
          menuTemplate(process.platform, app.isPackaged, {
            lock,
            send: (command) => currentWindow()?.webContents.send(MENU_CHANNEL, command),
          }),
        ),
      );
      mainWindow = openMainWindow(electron, paths.preloadPath, app.isPackaged);
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
    },
    (error: unknown) => {
      // Start-up handles no secrets yet, so the whole error is worth logging.
      mainLog.error(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      app.exit(1);
    },
  );
}
