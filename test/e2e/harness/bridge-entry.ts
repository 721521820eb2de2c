/**
 * Installed into the page before any of its scripts, in place of the
 * preload: the same `buildWindowApi` from shared/, carried over a Playwright
 * binding instead of IPC.
 */
import { WINDOW_API_KEY, buildWindowApi } from '../../../shared/window-api';
import { HARNESS_BINDING, HARNESS_DROP_PATHS, HARNESS_MENU } from './constants';

type Binding = (operation: string, request: unknown) => Promise<unknown>;

const menuListeners: Array<(command: unknown) => void> = [];

const api = buildWindowApi(
  (operation, request) => {
    const binding = (window as unknown as Record<string, Binding>)[HARNESS_BINDING];
    return binding!(operation, request);
  },
  (deliver) => menuListeners.push(deliver),
  // Stands in for webUtils.getPathForFile: only a File the test dropped, and registered by name, has a path.
  (file) => {
    const paths = (window as unknown as Record<string, Record<string, string> | undefined>)[HARNESS_DROP_PATHS];
    return file instanceof File && paths ? (paths[file.name] ?? '') : '';
  },
);

// What the Electron shell's menu sends over MENU_CHANNEL, the tests send through this.
Object.defineProperty(window, HARNESS_MENU, {
  value: (command: unknown) => menuListeners.forEach((deliver) => deliver(command)),
  writable: false,
  configurable: false,
  enumerable: false,
});

// contextBridge defines its keys read-only; so does the harness.
Object.defineProperty(window, WINDOW_API_KEY, { value: api, writable: false, configurable: false, enumerable: true });
