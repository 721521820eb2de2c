/**
 * What the officer keeps on paper: the ceremony's fingerprint, the overview
 * (root fingerprint, journal head) and a bundle's checksums. Each "Print"
 * button calls window.print() for its own part; rendered as print media and
 * as PDFs in Chromium, each part fits one A4 and one Letter page, nothing is
 * wider than the printable width, and pdftotext reads every group of eight
 * bytes whole, on one line.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { PDFDocument } from 'pdf-lib';
import { fingerprintGroups } from '../../../src-renderer/src/composables/format';
import { run } from '../../support/run';
import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, chooseFolderNext, goTo, hostCall, unlockInPage } from './flows';

/** Paper sizes in millimetres, and the 15 mm margins of main.css's @page. */
const PAPERS = { A4: { width: 210, height: 297 }, Letter: { width: 215.9, height: 279.4 } } as const;
const MARGIN_MM = 15;
const MM_TO_PT = 72 / 25.4;
const MM_TO_CSS_PX = 96 / 25.4;

/** window.print() replaced by a counter: a real print dialog would block the page. */
async function stubPrint(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const counted = window as unknown as { printed: number };
    counted.printed = 0;
    window.print = () => void counted.printed++;
  });
}

/**
 * Presses the Print button (`press`) and renders the page as print media on
 * each paper: nothing wider than the printable width, one page; returns
 * pdftotext's reading of each PDF. Chromium fires afterprint once a PDF is
 * made, as after a print dialog: the page then forgets the part it printed.
 */
async function printOnEachPaper(
  page: Page,
  scratch: string,
  name: string,
  press: () => Promise<void>,
): Promise<string[]> {
  const texts: string[] = [];
  const screen = page.viewportSize()!;
  for (const [format, paper] of Object.entries(PAPERS)) {
    await page.emulateMedia({ media: 'screen' });
    await press();
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    const printable = Math.floor((paper.width - 2 * MARGIN_MM) * MM_TO_CSS_PX);
    await page.setViewportSize({ width: printable, height: 1000 });
    const widest = await page.evaluate(() =>
      Math.max(
        document.documentElement.scrollWidth,
        ...[...document.querySelectorAll('body *')]
          .filter((element) => element.getClientRects().length > 0)
          .map((element) => element.getBoundingClientRect().right),
      ),
    );
    expect(widest, `${name} on ${format}: widest box`).toBeLessThanOrEqual(printable);

    const pdf = await page.pdf({ format: format as 'A4' | 'Letter' });
    const file = path.join(scratch, `${name}-${format}.pdf`);
    await writeFile(file, pdf);
    const parsed = await PDFDocument.load(pdf);
    expect(parsed.getPageCount(), `${name} on ${format}: pages`).toBe(1);
    const size = parsed.getPage(0).getSize();
    // Chromium rounds paper to hundredths of an inch (A4 is 8.27 × 11.7 in): within two points.
    expect(Math.abs(size.width - paper.width * MM_TO_PT)).toBeLessThan(2);
    expect(Math.abs(size.height - paper.height * MM_TO_PT)).toBeLessThan(2);
    const text = run('pdftotext', ['-layout', file, '-']);
    expect(text.status, text.stderr).toBe(0);
    texts.push(text.stdout);
    await expect(page.locator('html')).not.toHaveClass(/printing-part/);
    await expect(page.locator('.print-target')).toHaveCount(0);
  }
  await page.setViewportSize(screen);
  await page.emulateMedia({ media: 'screen' });
  return texts;
}

/** Each group of eight bytes of `value` appears whole on one line of the text. */
function expectWholeGroups(text: string, value: string): void {
  const lines = text.split('\n');
  for (const group of fingerprintGroups(value))
    expect(
      lines.some((line) => line.includes(group)),
      `${group} whole on one line of:\n${text}`,
    ).toBe(true);
}

/** Presses a Print button: window.print() called once, its part marked for the print styles. */
function pressPrint(page: Page, label: string, part: string): () => Promise<void> {
  return async () => {
    const before = await page.evaluate(() => (window as unknown as { printed: number }).printed);
    await page.getByRole('button', { name: label }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(before + 1);
    await expect(page.locator('html')).toHaveClass(/printing-part/);
    await expect(page.getByTestId(part)).toHaveClass(/print-target/);
  };
}

test('the fingerprint, the overview and a bundle’s checksums each print on one A4 and one Letter page', async ({
  harness,
}) => {
  test.setTimeout(120_000);
  const { page } = harness;
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'rootkeeper-print-'));
  await stubPrint(page);
  await harness.open();

  // The ceremony's closing screen.
  await page.getByTestId('root-CN').fill('Example Root CA');
  await page.getByTestId('root-O').fill('Example Ltd');
  for (const id of ['root-pass', 'root-pass-repeat']) await page.getByTestId(id).fill(ROOT_PASSPHRASE);
  for (const id of ['operator-pass', 'operator-pass-repeat']) await page.getByTestId(id).fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('create-root').click();
  const fingerprint = (await page.getByTestId('root-fingerprint').textContent())!;
  expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const ceremony = pressPrint(page, 'Print the fingerprint', 'ceremony-done');
  for (const text of await printOnEachPaper(page, scratch, 'ceremony', ceremony)) {
    expect(text).toContain('The root CA exists');
    expectWholeGroups(text, fingerprint);
    expect(text).not.toContain('I have written down');
  }

  // The overview.
  await page.getByTestId('ceremony-finish').click();
  await unlockInPage(page);
  const overview = await hostCall(harness, 'overview', {});
  const overviewPart = pressPrint(page, 'Print the overview', 'overview');
  for (const text of await printOnEachPaper(page, scratch, 'overview', overviewPart)) {
    expectWholeGroups(text, overview.root.sha256);
    expect(text).toContain(`record ${overview.head.sequence},`);
    expectWholeGroups(text, overview.head.chainHash);
    // The app's chrome stays off the paper.
    expect(text).not.toMatch(/Version \d|Locks in|Print the overview/);
  }

  // A bundle's checksums: the chain written from Exports.
  await hostCall(harness, 'createIntermediate', {
    subject: 'CN=Example Issuing CA 1, O=Example Ltd',
    purpose: 'server',
    rootPassphrase: ROOT_PASSPHRASE,
  });
  await goTo(page, 'Exports');
  await chooseFolderNext(harness, 'usb');
  await page.getByTestId('export-chain-write').click();
  const result = page.getByTestId('chain-result');
  await expect(result.getByTestId('written-verified')).toBeVisible();
  const sums = await result
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent!.trim())));
  expect(sums.length).toBeGreaterThan(1);
  const checksums = pressPrint(page, 'Print the checksums', 'written-files');
  for (const text of await printOnEachPaper(page, scratch, 'checksums', checksums)) {
    for (const [name, , sha256] of sums) {
      expect(text).toContain(name);
      expectWholeGroups(text, sha256!);
    }
    // Only this part: not the screen's other sections.
    expect(text).not.toContain('The root trust kit');
  }
  expect(harness.pageErrors).toEqual([]);
  await rm(scratch, { recursive: true, force: true });
});
