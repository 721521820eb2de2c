import type { CustomScheme, Protocol } from 'electron';
import { APP_SCHEME, isAppUrl } from '../app-origin';
import { serveRendererAsset } from '../renderer-assets';

/**
 * `standard` gives the scheme a real origin (so 'self' in the CSP and web
 * storage work); `secure` makes it a secure context. No bypassCSP, no
 * service workers, no CORS: the renderer only ever talks to itself.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

export async function handleAppRequest(rendererDir: string, request: Request): Promise<Response> {
  if (!isAppUrl(request.url)) return new Response('Not found', { status: 404 });
  const asset = await serveRendererAsset(rendererDir, request.method, request.url);
  return new Response(new Uint8Array(asset.body), { status: asset.status, headers: asset.headers });
}

export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => handleAppRequest(rendererDir, request));
}
