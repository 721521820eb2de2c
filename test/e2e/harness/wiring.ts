/**
 * How the browser harness puts the built renderer in a Chromium page with
 * a host behind it: the app's files served by the app:// handler's own
 * code through request routing (no server, no port), and the window API
 * answered by the host over a binding. The tests' fixture and the renderer
 * benchmark both use it.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { fail } from '../../../shared/errors';
import { isAppUrl } from '../../../src-main/app-origin';
import type { Host } from '../../../src-main/host';
import { serveRendererAsset } from '../../../src-main/renderer-assets';
import { bridgeScript } from './bridge-script';
import { HARNESS_BINDING, HARNESS_ORIGIN } from './constants';

const RENDERER_DIR = path.resolve('out/renderer');

/** Serves the built renderer; anything outside the origin is refused and recorded in `foreignRequests`. */
export async function serveFromBundle(page: Page, foreignRequests: string[]): Promise<void> {
  await page.route('**/*', async (route) => {
    const request = route.request();
    if (!isAppUrl(request.url(), HARNESS_ORIGIN)) {
      foreignRequests.push(request.url());
      await route.abort('blockedbyclient');
      return;
    }
    const asset = await serveRendererAsset(RENDERER_DIR, request.method(), request.url());
    await route.fulfill({ status: asset.status, headers: { ...asset.headers }, body: asset.body });
  });
}

/** Installs the window API, answered by `host`, with the same sender check the IPC handlers make. */
export async function answerFromHost(page: Page, host: Host): Promise<void> {
  await answerWith(page, (operation, request) => host.dispatch(operation, request));
}

/** Installs the window API answered by any dispatcher: the host's, or a script of fixed answers (layout tests). */
export async function answerWith(page: Page, dispatch: Host['dispatch']): Promise<void> {
  await page.exposeBinding(HARNESS_BINDING, async (source, operation: unknown, request: unknown) => {
    const trusted = source.frame === source.page.mainFrame() && isAppUrl(source.frame.url(), HARNESS_ORIGIN);
    if (!trusted)
      return fail('FORBIDDEN_SENDER', 'This request did not come from the Rootkeeper window and was refused.');
    return dispatch(String(operation), request);
  });
  await page.addInitScript({ content: await bridgeScript() });
}
