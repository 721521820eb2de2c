/**
 * Serves the built renderer's files for the app:// scheme. Pure Node: the
 * Electron protocol handler and the browser test harness both call it, so the
 * files, headers and Content-Security-Policy the tests see are the shipped ones.
 */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

/** Sent as a response header: Electron's checklist prefers it to a meta tag. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Only the file types Vite emits are served; anything else is a 404. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface AssetResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

function reply(status: number, body: Buffer | string, contentType = 'text/plain; charset=utf-8'): AssetResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': contentType },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

/**
 * Maps a request path to a file strictly inside `rootDir`, or null. Encoded
 * dots and slashes are decoded before the check, and symlinks are resolved,
 * so neither `..%2f` nor a link can lead outside the bundle.
 */
export async function resolveAssetPath(rootDir: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = await realpath(rootDir);
  const candidate = path.resolve(root, relative);
  if (!isInside(root, candidate)) return null;
  try {
    const real = await realpath(candidate);
    return isInside(root, real) ? real : null;
  } catch {
    return null;
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Answers one request for the renderer bundle. `url` must already be on the app origin. */
export async function serveRendererAsset(rootDir: string, method: string, url: string): Promise<AssetResponse> {
  if (method !== 'GET' && method !== 'HEAD') return reply(405, 'Method not allowed');
  const file = await resolveAssetPath(rootDir, new URL(url).pathname);
  const contentType = file ? CONTENT_TYPES[path.extname(file).toLowerCase()] : undefined;
  if (!file || !contentType) return reply(404, 'Not found');
  try {
    return reply(200, await readFile(file), contentType);
  } catch {
    return reply(404, 'Not found');
  }
}
