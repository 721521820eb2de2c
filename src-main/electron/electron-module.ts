import type * as Electron from 'electron';

/**
 * The parts of the `electron` module the shell uses. The shell receives it as
 * a parameter instead of importing it, so unit tests can hand it a double.
 */
export type ElectronModule = Pick<
  typeof Electron,
  'app' | 'BrowserWindow' | 'dialog' | 'ipcMain' | 'Menu' | 'powerMonitor' | 'protocol' | 'session'
>;
