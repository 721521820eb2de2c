/**
 * The renderer's one origin. It is a privileged custom scheme served by the
 * main process (never file://), so every page, script and IPC sender can be
 * told apart from anything else by its scheme and host.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * True when `url` belongs to the app's origin. Node's URL gives non-special
 * schemes an opaque origin ("null"), so scheme and host are compared instead;
 * a plain prefix test would also accept app://bundle.evil.
 */
export function isAppUrl(url: string, origin: string = APP_ORIGIN): boolean {
  let parsed: URL;
  let expected: URL;
  try {
    parsed = new URL(url);
    expected = new URL(origin);
  } catch {
    return false;
  }
  return (
    parsed.protocol === expected.protocol &&
    parsed.host === expected.host &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
