/**
 * The built app in real Electron. These tests need an Electron binary, which
 * cannot be downloaded on the build machines: without one the whole suite is
 * reported as skipped, with the reason, and global-setup prints it in capitals.
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/renderer-assets';
import { findElectronBinary } from '../harness/electron-binary';

const binary = findElectronBinary();

test.describe('the Electron shell', () => {
  test.skip(binary.path === null, `Electron suite skipped: ${binary.path === null ? binary.reason : ''}`);

  let app: ElectronApplication;
  let page: Page;
  let userDataDir: string;

  test.beforeEach(async () => {
    userDataDir = await mkdtemp(path.join(os.tmpdir(), 'rootkeeper-electron-'));
    app = await electron.launch({
      executablePath: binary.path ?? undefined,
      args: [path.resolve('out/main/main.js'), `--user-data-dir=${userDataDir}`],
      // The rollback witness (store/witness.ts) goes under the temporary folder, not the real home.
      env: { ...(process.env as Record<string, string>), XDG_CONFIG_HOME: userDataDir },
      // Chromium's sandbox cannot start as root; everywhere else the real sandbox is tested.
      chromiumSandbox: process.getuid?.() !== 0,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterEach(async () => {
    await app?.close();
    await rm(userDataDir, { recursive: true, force: true });
  });

  test('loads the renderer from app://, never file://', async () => {
    expect(page.url()).toMatch(/^app:\/\/bundle\//);
    await expect(page.getByRole('heading', { name: 'Create the root CA' })).toBeVisible();
  });

  test('has an application menu with Lock on Ctrl/Cmd+L and Issue on Ctrl/Cmd+N', async () => {
    const items = await app.evaluate(({ Menu }) =>
      ['lock', 'issue', 'backup', 'restore'].map((id) => {
        const item = Menu.getApplicationMenu()?.getMenuItemById(id);
        return item ? [item.label, item.accelerator ?? null] : null;
      }),
    );
    expect(items).toEqual([
      ['Lock', 'CmdOrCtrl+L'],
      ['Issue a Certificate…', 'CmdOrCtrl+N'],
      ['Back Up the Store…', null],
      ['Restore from a Backup…', null],
    ]);
  });

  test('gives the page neither require nor process', async () => {
    expect(await page.evaluate(() => [typeof globalThis.require, typeof globalThis.process])).toEqual([
      'undefined',
      'undefined',
    ]);
  });

  test('sends the CSP header with the renderer', async () => {
    const csp = await page.evaluate(async () =>
      (await fetch('app://bundle/index.html')).headers.get('content-security-policy'),
    );
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
  });

  test('refuses navigation away from the app and window.open', async () => {
    const opened = await page.evaluate(() => window.open('https://example.com/') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/bundle\//);
    expect(app.windows()).toHaveLength(1);
  });

  test('round-trips appStatus through the real preload and IPC', async () => {
    const result = await page.evaluate(() =>
      (window as unknown as { rootkeeper: { appStatus(request: object): Promise<unknown> } }).rootkeeper.appStatus({}),
    );
    expect(result).toMatchObject({ ok: true, value: { session: { locked: true }, store: { state: 'missing' } } });
    const version = await app.evaluate(({ app: electronApp }) => electronApp.getVersion());
    expect(result).toMatchObject({ value: { version } });
  });
});
