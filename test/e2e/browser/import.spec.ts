/**
 * The first-run "Import an existing CA…": the officer picks the guide's
 * OpenSSL folder (built here with the real openssl), sees the dry-run report
 * with the revoked certificate and its reason, gives the new passphrases and
 * imports; the app then asks to unlock the new store, whose list shows the
 * imported certificates. The source is never written.
 */
import path from 'node:path';
import { expect, test } from '../harness/fixtures';
import { GUIDE_INTERMEDIATE_PASS, GUIDE_ROOT_PASS, buildGuideCa, hashTree } from '../../support/guide-ca';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, goTo, unlockInPage } from './flows';

test.describe('importing an existing CA on first run', () => {
  test('reads the guide’s OpenSSL folder, reports it, and imports it', async ({ harness }) => {
    test.setTimeout(180_000);
    const { page } = harness;
    const ca = await buildGuideCa(path.join(harness.userDataDir, 'old-ca'));
    const before = await hashTree(ca);
    await harness.open();
    await page.getByTestId('open-import').click();
    harness.dialogs.answer(ca);
    await page.getByTestId('choose-import-source').click();
    await expect(page.getByTestId('import-source')).toHaveText(ca);
    expect(harness.dialogs.opened).toEqual(['import-source']);

    await page.getByTestId('import-ca-pass').fill(GUIDE_ROOT_PASS);
    await page.getByTestId('import-intermediate-pass').fill(GUIDE_INTERMEDIATE_PASS);
    await page.getByTestId('import-check').click();
    const report = page.getByTestId('import-report');
    await expect(report).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('import-status-intermediate-1001')).toContainText('revoked (Key compromise');
    await expect(page.getByTestId('import-status-intermediate-1000')).toHaveText('valid');
    await expect(page.getByTestId('import-ca-intermediate')).toContainText('opened, matches');
    await expect(page.getByTestId('import-leaf-keys')).toContainText('intermediate/private/www.example.com.key.pem');

    await page.getByTestId('import-root-pass').fill(ROOT_PASSPHRASE);
    await page.getByTestId('import-root-pass-repeat').fill(ROOT_PASSPHRASE);
    await page.getByTestId('import-operator-pass').fill(OPERATOR_PASSPHRASE);
    await page.getByTestId('import-operator-pass-repeat').fill(OPERATOR_PASSPHRASE);
    await page.getByTestId('import-submit').click();

    await unlockInPage(page);
    await goTo(page, 'Certificates');
    await expect(page.getByText('CN=mail.example.com').first()).toBeVisible();
    expect(await hashTree(ca)).toEqual(before);
  });
});
