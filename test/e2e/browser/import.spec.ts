/**
 * The first-run "Import an existing CA…": the officer picks the guide's
 * OpenSSL folder (built here with the real openssl), sees the dry-run report
 * with the revoked certificate and its reason, gives the new passphrases and
 * imports; the app then asks to unlock the new store, whose list shows the
 * imported certificates. The source is never written.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { HARNESS_DROP_PATHS } from '../harness/constants';
import { expect, test } from '../harness/fixtures';
import { EASYRSA_CA_PASS, buildEasyRsaPki } from '../../support/easy-rsa';
import { GUIDE_INTERMEDIATE_PASS, GUIDE_ROOT_PASS, buildGuideCa, hashTree } from '../../support/guide-ca';
import { run } from '../../support/run';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, goTo, unlockInPage } from './flows';

/**
 * Drops items on the import panel as a file manager does. What Electron's
 * preload reads with webUtils.getPathForFile, the harness reads from
 * HARNESS_DROP_PATHS: the items named there have that path on disk; any
 * other has none, as a file made in the page has none.
 */
async function dropOnImport(page: Page, items: ReadonlyArray<{ name: string; path?: string }>): Promise<void> {
  await page.evaluate(([key, paths]) => Object.assign(window, { [key]: paths }), [
    HARNESS_DROP_PATHS,
    Object.fromEntries(items.filter((item) => item.path).map((item) => [item.name, item.path])),
  ] as const);
  const transfer = await page.evaluateHandle(
    (names) => {
      const data = new DataTransfer();
      for (const name of names) data.items.add(new File([], name));
      return data;
    },
    items.map((item) => item.name),
  );
  await page.getByTestId('import-panel').dispatchEvent('dragover', { dataTransfer: transfer });
  await page.getByTestId('import-panel').dispatchEvent('drop', { dataTransfer: transfer });
}

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

  test('takes an easy-rsa pki/ folder dropped on the panel; its root-signed leaves are listed and revoked with the root', async ({
    harness,
  }) => {
    test.setTimeout(180_000);
    const { page } = harness;
    const { pki } = buildEasyRsaPki(harness.userDataDir);
    const before = await hashTree(pki);
    await harness.open();
    await page.getByTestId('open-import').click();

    // A file made in the page has no path on disk; two items are refused with what to do.
    await dropOnImport(page, [{ name: 'made-in-page.pem' }]);
    await expect(page.getByTestId('import-drop-error')).toBeVisible();
    await expect(page.getByTestId('import-source')).toHaveCount(0);
    await dropOnImport(page, [
      { name: 'a.pem', path: pki },
      { name: 'b.pem', path: pki },
    ]);
    await expect(page.getByTestId('import-drop-error')).toContainText("drop the CA's one folder");

    await dropOnImport(page, [{ name: 'pki', path: pki }]);
    await expect(page.getByTestId('import-source')).toHaveText(pki);
    await expect(page.getByTestId('import-drop-error')).toHaveCount(0);
    expect(harness.dialogs.opened).toEqual([]);
    await page.getByTestId('import-ca-pass').fill(EASYRSA_CA_PASS);
    await page.getByTestId('import-check').click();
    await expect(page.getByTestId('import-report')).toHaveAttribute('data-ready', 'true');
    await expect(page.getByTestId('import-report')).toContainText('CA: 3 certificates');
    await expect(page.getByTestId('import-ca-root')).toContainText('opened, matches');

    await page.getByTestId('import-root-pass').fill(ROOT_PASSPHRASE);
    await page.getByTestId('import-root-pass-repeat').fill(ROOT_PASSPHRASE);
    await page.getByTestId('import-operator-pass').fill(OPERATOR_PASSPHRASE);
    await page.getByTestId('import-operator-pass-repeat').fill(OPERATOR_PASSPHRASE);
    await page.getByTestId('import-submit').click();
    await unlockInPage(page);

    await goTo(page, 'Certificates');
    await expect(page.getByTestId('certificate-row')).toHaveCount(3);
    await page.getByTestId('certificate-row').filter({ hasText: 'CN=alice' }).click();
    const detail = page.getByTestId('certificate-detail');
    await expect(detail.getByTestId('detail-root-signed')).toBeVisible();
    await expect(detail.getByTestId('renew')).toHaveCount(0);
    await detail.getByTestId('revoke').click();
    await page.getByTestId('revoke-reason').selectOption('superseded');
    await page.getByTestId('revoke-root-pass').fill(ROOT_PASSPHRASE);
    await page.getByTestId('confirm-button').click();
    await expect(detail.getByTestId('detail-status')).toContainText('Revoked (Superseded');

    // The root CRL lists alice (and bob, revoked in easy-rsa): openssl judges it against easy-rsa's ca.crt.
    const crl = await harness.host.dispatch('generateCrl', { ca: 'root', rootPassphrase: ROOT_PASSPHRASE });
    expect(crl.ok).toBe(true);
    const crlFile = path.join(harness.userDataDir, 'root.crl.pem');
    await writeFile(crlFile, (crl as { value: { pem: string } }).value.pem);
    const verdict = run('openssl', [
      'verify',
      '-crl_check',
      '-CAfile',
      path.join(pki, 'ca.crt'),
      '-CRLfile',
      crlFile,
      path.join(pki, 'issued/alice.crt'),
    ]);
    expect(verdict.stdout + verdict.stderr).toContain('certificate revoked');
    expect(await hashTree(pki)).toEqual(before);
  });
});
