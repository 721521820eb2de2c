/**
 * The layout at 900 and 1280 px, light and dark, against committed
 * screenshots (fixed data and a fixed clock, so a run differs from the
 * baseline only when the layout does), plus the rules a screenshot cannot
 * state: the sidebar folds to icons below 1000 px, nothing overflows the
 * window, a select is as wide as its longest option, a token in a table is
 * cut with an ellipsis and never broken, a fingerprint group never wraps.
 *
 * Update the baselines after an intended change with
 * `npx playwright test test/e2e/browser/layout.spec.ts --project browser --update-snapshots`.
 */
import { expect, test, type Page } from '@playwright/test';
import { HARNESS_ORIGIN } from '../harness/constants';
import { scriptedPage } from '../harness/scripted';
import { ANSWERS, NOW } from './layout-data';

const WIDTHS = [900, 1280] as const;
const THEMES = ['light', 'dark'] as const;
const SCREENSHOT = { maxDiffPixelRatio: 0.002, animations: 'disabled', caret: 'hide' } as const;

async function open(page: Page, width: number, theme: 'light' | 'dark', hashPath: string): Promise<string[]> {
  await page.setViewportSize({ width, height: 760 });
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  await page.clock.setFixedTime(NOW);
  const { problems } = await scriptedPage(page, ANSWERS);
  await page.goto(`${HARNESS_ORIGIN}/index.html#${hashPath}`);
  await expect(page.getByTestId('lock-badge')).toHaveText('Unlocked');
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return problems;
}

/** The screenshot, with the pointer parked where it hovers nothing. */
async function expectScreen(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, 759);
  await expect(page).toHaveScreenshot(name, SCREENSHOT);
}

/** Nothing wider than the window: no horizontal scrolling anywhere on the page. */
async function expectNoOverflow(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    content: (() => {
      const content = document.querySelector('main.content')!;
      return content.scrollWidth - content.clientWidth;
    })(),
  }));
  expect(overflow).toEqual({ page: 0, content: 0 });
}

/** Every select on screen at least as wide as its longest option's text (plus its arrow). */
async function expectSelectsFit(page: Page): Promise<void> {
  const cut = await page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    return [...document.querySelectorAll('select')]
      .filter((select) => select.offsetParent !== null)
      .flatMap((select) => {
        const style = getComputedStyle(select);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const widest = Math.max(...[...select.options].map((option) => canvas.measureText(option.text).width));
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return room + 1 < widest ? [`${select.id || select.getAttribute('aria-label')}: ${room} < ${widest}`] : [];
      });
  });
  expect(cut).toEqual([]);
}

for (const width of WIDTHS) {
  for (const theme of THEMES) {
    test.describe(`at ${width} px, ${theme}`, () => {
      test('the overview: sidebar, cards, the root fingerprint in whole groups', async ({ page }) => {
        const problems = await open(page, width, theme, '/overview');
        await expect(page.getByTestId('overview-root')).toContainText('Example Root CA');
        // The fixed clock: the idle timer shows the whole five minutes, on every run.
        await expect(page.getByTestId('idle-timer')).toHaveText('Locks in 5:00');
        const sidebar = await page.locator('.sidebar').boundingBox();
        if (width < 1000) {
          expect(sidebar!.width).toBeLessThan(60);
          await expect(page.locator('.nav-label').first()).not.toBeInViewport();
        } else {
          expect(sidebar!.width).toBeGreaterThan(150);
          await expect(page.locator('.nav-label').first()).toBeVisible();
        }
        // The links keep their names for screen readers and their title for the mouse, folded or not.
        await expect(page.getByRole('link', { name: 'Certificates', exact: true })).toHaveAttribute(
          'title',
          'Certificates',
        );
        // A group of eight bytes is one box: never wrapped inside ("6D:4 / 2:1A").
        const groups = page.getByTestId('overview-root-fingerprint').locator('.fingerprint-group');
        await expect(groups).toHaveCount(4);
        for (const rects of await groups.evaluateAll((elements) => elements.map((e) => e.getClientRects().length)))
          expect(rects).toBe(1);
        for (const height of await groups.evaluateAll((elements) => elements.map((e) => e.clientHeight)))
          expect(height).toBeLessThan(20);
        await expectNoOverflow(page);
        await expectScreen(page, `overview-${width}-${theme}.png`);
        expect(problems).toEqual([]);
      });

      test('the CA generations and each issuer’s CRL: serials and URLs cut whole, nothing wider than the window', async ({
        page,
      }) => {
        const problems = await open(page, width, theme, '/intermediate');
        await expect(page.getByTestId('generation')).toHaveCount(2);
        const tokens = page.locator('[data-testid=generation] .token-text');
        for (const lines of await tokens.evaluateAll((elements) => elements.map((e) => e.getClientRects().length)))
          expect(lines).toBe(1);
        await expectNoOverflow(page);
        await expectScreen(page, `intermediate-${width}-${theme}.png`);

        await page.getByRole('link', { name: 'CRLs', exact: true }).click();
        await expect(page.getByTestId('crl-issuer')).toHaveCount(2);
        const cells = page.locator('[data-testid=crl-issuer] .token-text');
        for (const lines of await cells.evaluateAll((elements) => elements.map((e) => e.getClientRects().length)))
          expect(lines).toBe(1);
        await expectNoOverflow(page);
        await expectScreen(page, `crls-${width}-${theme}.png`);
        expect(problems).toEqual([]);
      });

      test('the issue form: selects whole, each problem beside its field and all at the button', async ({ page }) => {
        const problems = await open(page, width, theme, '/issue');
        await expectSelectsFit(page);
        await page.getByTestId('issue-pkcs12').check();
        await expectSelectsFit(page);
        await page.getByTestId('issue-key-pass').fill('short');
        await page.getByTestId('issue-submit').click();
        await expect(page.getByTestId('issue-problems')).toBeFocused();
        await expect(page.getByTestId('issue-cn-error')).toBeVisible();
        await expectNoOverflow(page);
        await expectScreen(page, `issue-errors-${width}-${theme}.png`);
        expect(problems).toEqual([]);
      });

      test('the certificate list: long names and serials cut with an ellipsis, whole in their title', async ({
        page,
      }) => {
        const problems = await open(page, width, theme, '/certificates');
        await expect(page.getByTestId('certificate-count')).toHaveText('12 certificates');
        const cells = page.locator('[data-testid=certificate-row] [role=gridcell]');
        const shapes = await cells.evaluateAll((elements) =>
          elements.map((cell) => ({
            text: cell.textContent!,
            title: cell.getAttribute('title'),
            lines: Math.round(cell.scrollHeight / parseFloat(getComputedStyle(cell).lineHeight)),
            cut: cell.scrollWidth > cell.clientWidth,
          })),
        );
        // One line per cell, always; what is cut carries its whole value in its title.
        expect(shapes.filter((shape) => shape.lines > 1)).toEqual([]);
        const cut = shapes.filter((shape) => shape.cut);
        expect(cut.length).toBeGreaterThan(0);
        for (const shape of cut) expect(shape.title).toBe(shape.text);
        await expectSelectsFit(page);
        await expectNoOverflow(page);
        await expectScreen(page, `certificates-${width}-${theme}.png`);
        expect(problems).toEqual([]);
      });

      test('an export: the result in view with its checksums in whole groups, file names never broken', async ({
        page,
      }) => {
        const problems = await open(page, width, theme, '/exports');
        await page.getByTestId('export-kit-write').click();
        const result = page.getByTestId('kit-result');
        await expect(result).toBeFocused();
        await expect(result).toBeInViewport();
        const names = result.locator('.file-name .token-text');
        await expect(names).toHaveCount(10);
        for (const lines of await names.evaluateAll((elements) => elements.map((e) => e.getClientRects().length)))
          expect(lines).toBe(1);
        const name = names.nth(5);
        await name.focus();
        expect(await name.evaluate((element) => getComputedStyle(element, '::after').content)).toBe(
          '"macos/Example-Root-CA-trust-profile.mobileconfig"',
        );
        await name.blur();
        await expectNoOverflow(page);
        await expectScreen(page, `exports-${width}-${theme}.png`);
        expect(problems).toEqual([]);
      });
    });
  }
}
