import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { operationNames } from '../../../shared/contract';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/renderer-assets';
import { HARNESS_ORIGIN } from '../harness/constants';
import { expect, test } from '../harness/fixtures';
import { storeWithIntermediate, unlockInPage } from './flows';

test.describe('the renderer shell in Chromium', () => {
  test('shows the real status from the main side: what the store folder holds, read from disk', async ({ harness }) => {
    const { page } = harness;
    await harness.open();
    await expect(page.getByTestId('store-location')).toHaveText(harness.storeDir);
    await expect(page.getByTestId('store-state')).toHaveAttribute('data-state', 'missing');
    await mkdir(harness.storeDir);
    await page.reload();
    await expect(page.getByTestId('store-state')).toHaveAttribute('data-state', 'empty');
    await writeFile(path.join(harness.storeDir, 'notes.txt'), 'not a store');
    await page.reload();
    await expect(page.getByTestId('store-foreign')).toBeVisible();
    await expect(page.getByTestId('ceremony-form')).toHaveCount(0);
    expect(harness.pageErrors).toEqual([]);
  });

  test('follows the OS theme, light or dark, with its bundled fonts and no request outside the origin', async ({
    harness,
  }) => {
    const { page } = harness;
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    await harness.open();
    await expect(page.getByRole('heading', { name: 'Create the root CA' })).toBeVisible();
    expect(await background()).toBe('rgb(246, 247, 249)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(22, 25, 29)');
    await page.evaluate(() => document.fonts.ready);
    expect(
      await page.evaluate(() => [document.fonts.check('14px Inter'), document.fonts.check('14px "JetBrains Mono"')]),
    ).toEqual([true, true]);
    expect(harness.foreignRequests).toEqual([]);
  });

  test('is served with the strict Content-Security-Policy header', async ({ harness }) => {
    const responsePromise = harness.page.waitForResponse(`${HARNESS_ORIGIN}/index.html`);
    await harness.open();
    const response = await responsePromise;
    expect(await response.headerValue('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  test('enforces the CSP: no inline script, no eval, no frames, no foreign images', async ({ harness }) => {
    const { page } = harness;
    // A probe script served from the app's own origin, so that only the CSP (not DevTools) decides what it may do.
    await page.route(`${HARNESS_ORIGIN}/csp-probe.js`, (route) =>
      route.fulfill({
        headers: { 'Content-Type': 'text/javascript', 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
        body: `
          const outcome = { violations: [] };
          document.addEventListener('securitypolicyviolation', (event) => outcome.violations.push(event.effectiveDirective));
          try { outcome.evalRan = eval('true'); } catch { outcome.evalRan = false; }
          try { outcome.functionRan = new Function('return true')(); } catch { outcome.functionRan = false; }
          window.cspProbe = outcome;`,
      }),
    );
    await harness.open();
    await expect(page.getByRole('heading', { name: 'Create the root CA' })).toBeVisible();
    const outcome = await page.evaluate(async () => {
      const probe = document.createElement('script');
      probe.src = '/csp-probe.js';
      await new Promise((resolve) => {
        probe.onload = resolve;
        document.body.append(probe);
      });
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
      const frame = document.createElement('iframe');
      frame.src = '/index.html';
      document.body.append(frame);
      const image = document.createElement('img');
      image.src = 'https://example.com/pixel.png';
      document.body.append(image);
      const probeOutcome = (window as unknown as { cspProbe: Record<string, unknown> }).cspProbe;
      return { ...probeOutcome, inlineRan: 'inlineRan' in window };
    });
    expect(outcome).toMatchObject({ evalRan: false, functionRan: false, inlineRan: false });
    // Violation reports arrive asynchronously (the frame's last): wait for all four.
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { cspProbe: { violations: string[] } }).cspProbe.violations),
      )
      .toEqual(expect.arrayContaining(['script-src', 'script-src-elem', 'frame-src', 'img-src']));
    expect(await page.evaluate(() => 'inlineRan' in window)).toBe(false);
    // The image was refused by the CSP before any request was made.
    expect(harness.foreignRequests).toEqual([]);
  });

  test('gives the page no Node, and a window API with one frozen function per operation and the menu listener', async ({
    harness,
  }) => {
    const { page } = harness;
    await harness.open();
    const surface = await page.evaluate(() => {
      const api = (window as unknown as { rootkeeper: Record<string, unknown> }).rootkeeper;
      const before = api;
      try {
        (window as unknown as { rootkeeper: unknown }).rootkeeper = {};
      } catch {
        // strict-mode assignment to a read-only property throws; either way it must not change
      }
      return {
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
        keys: Object.keys(api).sort(),
        functions: Object.values(api).every((value) => typeof value === 'function'),
        frozen: Object.isFrozen(api),
        replaced: (window as unknown as { rootkeeper: unknown }).rootkeeper !== before,
      };
    });
    expect(surface).toEqual({
      require: 'undefined',
      process: 'undefined',
      keys: [...operationNames, 'onMenuCommand'].sort(),
      functions: true,
      frozen: true,
      replaced: false,
    });
  });

  test('gets a precise error for an invalid payload, from the real dispatcher', async ({ harness }) => {
    await harness.open();
    const result = await harness.page.evaluate(() =>
      (window as unknown as { rootkeeper: { appStatus(request: unknown): Promise<unknown> } }).rootkeeper.appStatus({
        storeDir: '/etc',
      }),
    );
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'The appStatus request was refused: "storeDir" is not a field of this request.',
      },
    });
  });

  test('visits every section with the keyboard and never asks for anything outside its origin', async ({ harness }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await harness.open();
    await unlockInPage(page);
    const links = page.getByRole('navigation', { name: 'Sections' }).getByRole('link');
    const count = await links.count();
    // Overview, Intermediate, Issue, Certificates, CRLs, Exports, Custody, Audit, Backup.
    expect(count).toBe(9);
    for (let index = 0; index < count; index++) {
      const link = links.nth(index);
      await link.focus();
      await page.keyboard.press('Enter');
      await expect(page.locator('main h1')).toHaveText((await link.textContent()) ?? '');
      await expect(link).toHaveAttribute('aria-current', 'page');
    }
    expect(harness.foreignRequests).toEqual([]);
    expect(harness.pageErrors).toEqual([]);
  });
});
