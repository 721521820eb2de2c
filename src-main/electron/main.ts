/** The Electron entry point: the only file that imports the real `electron` module for the main process. */
import * as electron from 'electron';
import { fileURLToPath } from 'node:url';
import { startDesktopApp } from './desktop-app';

void startDesktopApp(electron, {
  rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
  preloadPath: fileURLToPath(new URL('../preload/preload.cjs', import.meta.url)),
});
