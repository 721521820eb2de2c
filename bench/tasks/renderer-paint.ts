/**
 * The built renderer in Chromium, with the real host behind it on a large
 * store (the browser test harness's wiring): time to the first contentful
 * paint of the app, and from opening the Certificates section to its first
 * rows on screen, then to the last row after a scroll to the end.
 */
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../../test/e2e/harness/chromium';
import { HARNESS_ORIGIN } from '../../test/e2e/harness/constants';
import { answerFromHost, serveFromBundle } from '../../test/e2e/harness/wiring';
import { OPERATOR_PASSPHRASE, openHost, print } from './common';

const [dir] = process.argv.slice(2) as [string];
const store = openHost(path.join(dir, 'store'));
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  const foreign: string[] = [];
  await serveFromBundle(page, foreign);
  await answerFromHost(page, store.host);

  await page.goto(`${HARNESS_ORIGIN}/index.html`);
  await page.getByTestId('operator-passphrase').waitFor();
  const firstContentfulPaintMs = await page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
  );
  await page.getByTestId('operator-passphrase').fill(OPERATOR_PASSPHRASE);
  const unlockStarted = performance.now();
  await page.getByTestId('unlock').click();
  await page.getByTestId('overview-counts').waitFor();
  const unlockToOverviewMs = performance.now() - unlockStarted;

  const listStarted = performance.now();
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Certificates' }).click();
  await page.getByTestId('certificate-row').first().waitFor();
  const certificatesFirstRowsMs = performance.now() - listStarted;
  const total = await page.getByTestId('certificate-grid').getAttribute('aria-rowcount');

  const scrollStarted = performance.now();
  await page.getByTestId('certificate-grid').evaluate((element) => (element.scrollTop = element.scrollHeight));
  await page.locator(`[data-testid=certificate-row][aria-rowindex="${total}"]`).waitFor();
  const scrollToEndMs = performance.now() - scrollStarted;
  const rowsInPage = await page.getByTestId('certificate-row').count();

  await store.host.lock();
  print({
    firstContentfulPaintMs,
    unlockToOverviewMs,
    certificatesFirstRowsMs,
    scrollToEndMs,
    rows: Number(total),
    rowsInPage,
  });
} finally {
  await browser.close();
}
