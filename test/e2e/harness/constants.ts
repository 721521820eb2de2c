/** The renderer's origin in the browser harness; Chromium cannot route Electron's app:// scheme. */
export const HARNESS_ORIGIN = 'https://bundle.rootkeeper.test';
export const HARNESS_BINDING = '__rootkeeperHarness';
/** Test-only: how the harness plays the application menu's commands into the page. */
export const HARNESS_MENU = '__rootkeeperHarnessMenu';
/**
 * Test-only: the paths on disk of files the tests drop, by file name. The
 * harness's stand-in for the preload's webUtils.getPathForFile reads it; a
 * File it does not name has no path, as a file made in the page has none.
 */
export const HARNESS_DROP_PATHS = '__rootkeeperHarnessDropPaths';
