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

export interface DesktopPaths {
  /** The built renderer, served as app://bundle/. */
  readonly rendererDir: string;
  /** The single-file CommonJS preload. */
  readonly preloadPath: string;
}

const mainLog = { error: (message: string) => console.error(`[rootkeeper] ${message}`) };

/** The session locks whenever the officer walks away: screen lock, suspend, quitting. */
export function lockWhenAway(electron: Pick<ElectronModule, 'app' | 'powerMonitor'>, host: Host): void {
  const lock = () => void host.lock();
  electron.powerMonitor.on('lock-screen', lock);
  electron.powerMonitor.on('suspend', lock);
  electron.app.on('before-quit', lock);
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

  return app.whenReady().then(
    () => {
      lockDownSession(electron.session.defaultSession);
      serveRenderer(electron.protocol, paths.rendererDir);
      const host = createHost({
        version: app.getVersion(),
        storeDir: path.join(app.getPath('userData'), 'store'),
        log: mainLog,
      });
      registerIpcHandlers(electron.ipcMain, host.dispatch);
      lockWhenAway(electron, host);
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
