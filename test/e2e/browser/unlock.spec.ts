import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, hostCall, screenshot, storeWithIntermediate, unlockInPage } from './flows';

test.describe('unlocking and locking', () => {
  test('says a wrong passphrase is wrong and enforces the delay, then opens the store', async ({ harness }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await harness.open();
    await expect(page.getByRole('heading', { name: 'Unlock the store' })).toBeVisible();
    await screenshot(page, 'unlock');
    await page.getByTestId('operator-passphrase').fill('not-the-operator-passphrase');
    await page.getByTestId('unlock').click();
    await expect(page.getByTestId('unlock-error')).toContainText(/passphrase/i);
    // The throttle's delay is enforced on the main side, and said.
    await page.getByTestId('operator-passphrase').fill('still-not-the-passphrase');
    await page.getByTestId('unlock').click();
    await expect(page.getByTestId('unlock-error')).toContainText(/Wait \d+ seconds?/);
    await page.waitForTimeout(1100);
    await unlockInPage(page);
    await expect(page.getByTestId('overview-intermediate')).toContainText('CN=Example Issuing CA');
    // The wrong passphrase is on the record; the attempt the delay refused never reached the key.
    const { entries } = await hostCall(harness, 'journalEntries', { category: 'access' });
    expect(entries[0]!.summary).toMatch(/^1 failed unlock attempt between /);
    await screenshot(page, 'overview');
  });

  test('shows the idle time left, and locks on Ctrl+L, on the Lock button and from the application menu', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await harness.open();
    await unlockInPage(page);
    await expect(page.getByTestId('idle-timer')).toHaveText(/Locks in (4|5):\d\d/);

    await page.keyboard.press('Control+l');
    await expect(page.getByRole('heading', { name: 'Unlock the store' })).toBeVisible();
    expect((await harness.host.dispatch('listCertificates', {})).ok).toBe(false);

    await unlockInPage(page);
    await page.getByTestId('lock').click();
    await expect(page.getByRole('heading', { name: 'Unlock the store' })).toBeVisible();

    await unlockInPage(page);
    await harness.menu('locked');
    await expect(page.getByRole('heading', { name: 'Unlock the store' })).toBeVisible();
    await expect(page.getByTestId('operator-passphrase')).toHaveValue('');
    expect(await page.content()).not.toContain(OPERATOR_PASSPHRASE);
    expect(harness.pageErrors).toEqual([]);
  });
});
