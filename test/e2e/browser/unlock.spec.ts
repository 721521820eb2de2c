import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, hostCall, screenshot, storeWithIntermediate, unlockInPage } from './flows';

test.describe('unlocking and locking', () => {
  test('says a wrong passphrase is wrong, waits after the fifth in a row, then opens the store', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await harness.open();
    await expect(page.getByRole('heading', { name: 'Unlock the store' })).toBeVisible();
    await screenshot(page, 'unlock');
    // Four failures in a row cost only argon2id; the fifth makes the next attempt wait 30 s (docs/vault.md).
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByTestId('operator-passphrase').fill(`not-the-operator-passphrase-${attempt}`);
      await page.getByTestId('unlock').click();
      await expect(page.getByTestId('unlock-error')).toContainText(/passphrase is wrong/i);
      if (attempt < 5) await expect(page.getByTestId('unlock-error')).not.toContainText(/Wait/);
      else await expect(page.getByTestId('unlock-error')).toContainText(/Wait 30 s before the next attempt/);
    }
    // The throttle's wait is enforced on the main side, before any KDF, and said: even the right passphrase waits.
    await page.getByTestId('operator-passphrase').fill(OPERATOR_PASSPHRASE);
    await page.getByTestId('unlock').click();
    await expect(page.getByTestId('unlock-error')).toContainText(
      /\(5 in a row\)\. Wait ([12]?[0-9]|30) s before trying again/,
    );
    harness.advanceThrottleClock(31_000);
    await unlockInPage(page);
    await expect(page.getByTestId('overview-intermediate')).toContainText('CN=Example Issuing CA');
    // The wrong passphrases are on the record; the attempt the wait refused never reached the key.
    const { entries } = await hostCall(harness, 'journalEntries', { category: 'access' });
    expect(entries.map((entry) => entry.summary).join('\n')).toMatch(/5 wrong operator passphrases between /);
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
