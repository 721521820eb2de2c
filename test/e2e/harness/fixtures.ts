/**
 * The browser harness: the built renderer runs in Chromium, its files served
 * by the very function the app:// protocol handler uses (no server, no port),
 * and its window API answered by a real main-side host in the test process.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fail } from '../../../shared/errors';
import { isAppUrl } from '../../../src-main/app-origin';
import { createHost, type Host } from '../../../src-main/host';
import { serveRendererAsset } from '../../../src-main/renderer-assets';
import { bridgeScript } from './bridge-script';
import { HARNESS_BINDING, HARNESS_ORIGIN } from './constants';

const RENDERER_DIR = path.resolve('out/renderer');

export interface Harness {
  readonly page: Page;
  readonly host: Host;
  /** The scratch user-data folder; the store folder is inside it. */
  readonly userDataDir: string;
  readonly storeDir: string;
  readonly version: string;
  /** Requests the page tried to send anywhere but its own origin (all were refused). */
  readonly foreignRequests: string[];
  /** Console errors and CSP violations the page reported. */
  readonly pageErrors: string[];
  open(hashPath?: string): Promise<void>;
}

async function packageVersion(): Promise<string> {
  return (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;
}

async function serveFromBundle(page: Page, foreignRequests: string[]): Promise<void> {
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

async function answerFromHost(page: Page, host: Host): Promise<void> {
  // The same checks the IPC handlers make: the top-level frame of the app origin only.
  await page.exposeBinding(HARNESS_BINDING, async (source, operation: unknown, request: unknown) => {
    const trusted = source.frame === source.page.mainFrame() && isAppUrl(source.frame.url(), HARNESS_ORIGIN);
    if (!trusted)
      return fail('FORBIDDEN_SENDER', 'This request did not come from the Rootkeeper window and was refused.');
    return host.dispatch(String(operation), request);
  });
  await page.addInitScript({ content: await bridgeScript() });
}

export const test = base.extend<{ harness: Harness }>({
  harness: async ({ page }, use) => {
    const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'rootkeeper-e2e-'));
    const storeDir = path.join(userDataDir, 'store');
    const version = await packageVersion();
    const mainLog: string[] = [];
    const host = createHost({ version, storeDir, log: { error: (message) => mainLog.push(message) } });
    const foreignRequests: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await serveFromBundle(page, foreignRequests);
    await answerFromHost(page, host);

    const open = async (hashPath = '/vault') => {
      await page.goto(`${HARNESS_ORIGIN}/index.html#${hashPath}`);
    };
    await use({ page, host, userDataDir, storeDir, version, foreignRequests, pageErrors, open });

    expect(mainLog, 'main-side errors').toEqual([]);
    await rm(userDataDir, { recursive: true, force: true });
  },
});

export { expect };
