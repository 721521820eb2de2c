/** The renderer's origin in the browser harness; Chromium cannot route Electron's app:// scheme. */
export const HARNESS_ORIGIN = 'https://bundle.rootkeeper.test';
export const HARNESS_BINDING = '__rootkeeperHarness';
/** Test-only: how the harness plays the application menu's commands into the page. */
export const HARNESS_MENU = '__rootkeeperHarnessMenu';
