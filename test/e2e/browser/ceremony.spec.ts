import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ClosedStore } from '../../../src-main/store/store';
import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, chooseFolderNext, screenshot, unlockInPage } from './flows';

test.describe('the key ceremony', () => {
  test('creates the root in a chosen folder, refuses weak and mismatched passphrases, and shows the fingerprint to write down', async ({
    harness,
  }) => {
    const { page } = harness;
    await harness.open();
    await expect(page.getByRole('heading', { name: 'Create the root CA' })).toBeVisible();
    await expect(page.getByTestId('store-location')).toHaveText(harness.storeDir);
    await expect(page.getByTestId('store-state')).toHaveAttribute('data-state', 'missing');

    // A folder of other files is refused; an empty one (a USB stick, say) is taken and remembered.
    const cluttered = await chooseFolderNext(harness, 'documents');
    await writeFile(path.join(cluttered, 'notes.txt'), 'mine');
    await page.getByTestId('choose-store-folder').click();
    await expect(page.getByRole('alert')).toContainText('holds other files');
    const usb = await chooseFolderNext(harness, 'usb-stick');
    await page.getByTestId('choose-store-folder').click();
    await expect(page.getByTestId('store-location')).toHaveText(usb);
    expect(harness.dialogs.opened).toEqual(['store-folder', 'store-folder']);
    expect(JSON.parse(await readFile(path.join(harness.userDataDir, 'rootkeeper-settings.json'), 'utf8'))).toEqual({
      storeDir: usb,
    });

    await page.getByTestId('root-CN').fill('Example Root CA');
    await page.getByTestId('root-O').fill('Example Ltd');
    await page.getByTestId('root-C').fill('gb');
    await page.getByTestId('root-C').press('Tab');
    await expect(page.getByTestId('root-C-error')).toContainText('C must be a two-letter country code in capitals');
    await page.getByTestId('root-C').fill('GB');

    // The strength meter applies the main side's policy as the officer types.
    await page.getByTestId('root-pass').fill('password123');
    await expect(page.getByTestId('root-pass-problems')).toContainText('too easy to guess');
    await page.getByTestId('root-pass').fill(ROOT_PASSPHRASE);
    await expect(page.getByTestId('root-pass-problems')).toHaveCount(0);
    // Nothing about the repetitions while they are empty and not yet reached.
    await expect(page.getByTestId('ceremony-problems')).toHaveCount(0);
    await page.getByTestId('root-pass-repeat').fill(`${ROOT_PASSPHRASE}x`);
    await page.getByTestId('operator-pass').fill(OPERATOR_PASSPHRASE);
    await expect(page.getByTestId('root-pass-repeat-error')).toHaveText('The two root passphrases differ.');
    await expect(page.getByTestId('operator-pass-repeat-error')).toHaveCount(0);
    await page.getByTestId('create-root').click();
    await expect(page.getByTestId('ceremony-problems')).toBeFocused();
    await expect(page.getByTestId('ceremony-problems').locator('li')).toHaveText([
      'Root passphrase, again: The two root passphrases differ.',
      'Operator passphrase, again: Type the operator passphrase a second time.',
    ]);
    expect(await ClosedStore.open(usb).catch(() => null)).toBeNull();
    await page.getByTestId('operator-pass-repeat').fill(OPERATOR_PASSPHRASE);
    await page.getByTestId('root-pass-repeat').fill(ROOT_PASSPHRASE);
    await expect(page.getByTestId('ceremony-problems')).toHaveCount(0);
    await screenshot(page, 'ceremony');

    await page.getByTestId('create-root').click();
    await expect(page.getByTestId('ceremony-done')).toBeVisible();
    const store = await ClosedStore.open(usb);
    const expected = createHash('sha256')
      .update(store.rootCertificate)
      .digest('hex')
      .toUpperCase()
      .match(/../g)!
      .join(':');
    await expect(page.getByTestId('root-fingerprint')).toHaveText(expected);
    await expect(page.getByTestId('ceremony-done')).toBeFocused();
    await expect(page.getByTestId('announcer')).toContainText('The root CA exists');
    // Read aloud in lines of eight bytes.
    await expect(page.getByTestId('root-fingerprint').locator('.fingerprint-group')).toHaveText(
      expected.match(/([0-9A-F]{2}:){7}[0-9A-F]{2}:?/g)!,
    );
    await screenshot(page, 'ceremony-fingerprint');
    // The passphrases never came back: nothing on the page holds them.
    expect(await page.content()).not.toContain(ROOT_PASSPHRASE);

    await page.getByTestId('ceremony-finish').click();
    await expect(page.getByRole('heading', { name: 'Unlock the store' })).toBeVisible();
    await unlockInPage(page);
    await expect(page.getByTestId('overview-root')).toContainText('CN=Example Root CA, O=Example Ltd, C=GB');
    expect(harness.pageErrors).toEqual([]);
  });

  test('refuses a passphrase the policy rejects with its reason, even if the page let it through', async ({
    harness,
  }) => {
    const { page } = harness;
    await harness.open();
    await page.getByTestId('root-CN').fill('Weak Root');
    for (const id of ['root-pass', 'root-pass-repeat']) await page.getByTestId(id).fill('aaaaaaaaaaaaaaaa');
    for (const id of ['operator-pass', 'operator-pass-repeat']) await page.getByTestId(id).fill(OPERATOR_PASSPHRASE);
    await page.getByTestId('create-root').click();
    await expect(page.getByTestId('ceremony-error')).toContainText('The root passphrase is refused.');
    expect(await ClosedStore.open(harness.storeDir).catch(() => null)).toBeNull();
  });
});
