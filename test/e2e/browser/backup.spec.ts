import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, hostCall, screenshot, storeWithIntermediate, unlockInPage } from './flows';

test.describe('backup and restore', () => {
  test('backs up from the application menu, then restores into an empty folder from the first-run screen', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await harness.open();
    await unlockInPage(page);
    const rootBefore = (await hostCall(harness, 'overview', {})).root.sha256;

    await harness.menu('backup');
    await expect(page.locator('main h1')).toHaveText('Backup');
    const file = path.join(harness.userDataDir, 'usb', 'rootkeeper.backup');
    await mkdir(path.dirname(file));
    harness.dialogs.answer(file);
    await page.getByTestId('backup-write').click();
    await expect(page.getByTestId('backup-done')).toContainText('rootkeeper.backup');
    expect((await stat(file)).size).toBeGreaterThan(1000);
    await screenshot(page, 'backup');

    // Somewhere new: lock, pick an empty folder, and restore there.
    await page.getByTestId('lock').click();
    const fresh = path.join(harness.userDataDir, 'fresh-stick');
    await mkdir(fresh);
    harness.dialogs.answer(fresh);
    await page.getByTestId('choose-store-folder').click();
    await expect(page.getByRole('heading', { name: 'Create the root CA' })).toBeVisible();
    await harness.menu('restore');
    await expect(page.getByTestId('restore-panel')).toBeVisible();
    harness.dialogs.answer(file);
    await page.getByTestId('choose-backup').click();
    await expect(page.getByTestId('backup-source')).toHaveText(file);
    await page.getByTestId('restore-passphrase').fill('wrong-passphrase-here');
    await page.getByTestId('restore-submit').click();
    await expect(page.getByTestId('restore-error')).toBeVisible();
    await page.waitForTimeout(1100);
    await page.getByTestId('restore-passphrase').fill(OPERATOR_PASSPHRASE);
    await page.getByTestId('restore-submit').click();
    await expect(page.getByTestId('backup-verified')).toBeVisible();
    await page.getByTestId('restore-submit').click();
    await expect(page.getByRole('heading', { name: 'Unlock the store' })).toBeVisible();
    await expect(page.getByTestId('store-location')).toHaveText(fresh);
    await unlockInPage(page);
    expect((await hostCall(harness, 'overview', {})).root.sha256).toBe(rootBefore);
  });

  test('changes the operator passphrase, refusing a weak one with its reason', async ({ harness }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await harness.open();
    await unlockInPage(page);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Backup' }).click();
    const form = page.getByTestId('change-passphrase');
    await form.getByTestId('change-current').fill(OPERATOR_PASSPHRASE);
    await form.getByTestId('change-next').fill('weakweakweak');
    await form.getByTestId('change-repeat').fill('weakweakweak');
    await form.getByRole('button', { name: 'Change it' }).click();
    await expect(form.getByRole('alert')).toContainText('The operator passphrase is refused.');
    const next = 'amber-glacier-piano-orbit-4';
    await form.getByTestId('change-next').fill(next);
    await form.getByTestId('change-repeat').fill(next);
    await form.getByRole('button', { name: 'Change it' }).click();
    await expect(form.getByRole('status')).toHaveText('The operator passphrase was changed.');
    await page.keyboard.press('Control+l');
    await page.getByTestId('operator-passphrase').fill(next);
    await page.getByTestId('unlock').click();
    await expect(page.getByTestId('lock-badge')).toHaveText('Unlocked');
  });
});
