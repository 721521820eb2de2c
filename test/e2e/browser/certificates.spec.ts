import path from 'node:path';
import { opensslCsr } from '../../support/openssl-csr';
import { run } from '../../support/run';
import { expect, test } from '../harness/fixtures';
import {
  chooseFolderNext,
  goTo,
  hostCall,
  screenshot,
  issueThroughHost,
  storeWithIntermediate,
  withHostSession,
  unlockInPage,
} from './flows';

const COUNT = 3000;

test.describe('the certificate list', () => {
  test('stays virtualised with thousands of certificates: search, filter, sort, and scroll to the end', async ({
    harness,
  }) => {
    // 3,000 bundles of a dozen files each (server configurations, chain as PKCS#7), each synced and read back.
    test.setTimeout(600_000);
    const { page } = harness;
    await storeWithIntermediate(harness);
    // Thousands of certificates through the real batch operation: one request made by openssl, signed again and again.
    const csr = await opensslCsr(harness.userDataDir, 'bulk', '/CN=bulk.example.com');
    const special = await withHostSession(harness, async () => {
      await hostCall(harness, 'signCsrs', {
        csrs: Array.from({ length: COUNT }, () => csr),
        profile: 'server',
        destination: harness.host.folders.register(path.join(harness.userDataDir, 'bulk')),
      });
      return issueThroughHost(harness, 'needle.example.com');
    });

    await harness.open();
    await unlockInPage(page);
    await goTo(page, 'Certificates');
    await expect(page.getByTestId('certificate-count')).toHaveText(`${(COUNT + 1).toLocaleString('en')} certificates`);
    // Newest first: the last one issued heads the list.
    await expect(page.getByTestId('certificate-row').first()).toContainText('needle.example.com');
    const rendered = await page.getByTestId('certificate-row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(80);
    await screenshot(page, 'certificates');

    const grid = page.getByTestId('certificate-grid');
    await grid.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await expect(page.locator(`[data-testid=certificate-row][aria-rowindex="${COUNT + 1}"]`)).toBeVisible();
    expect(await page.getByTestId('certificate-row').count()).toBeLessThan(80);

    // The keyboard walks the list too: Home, arrows, End, Enter.
    await grid.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('certificate-detail')).toContainText('CN=bulk.example.com');
    await page.getByRole('button', { name: 'Close the details' }).click();
    await grid.focus();
    await page.keyboard.press('End');
    await expect(page.locator(`#row-${COUNT}`)).toHaveClass(/active/);

    await page.getByTestId('certificate-search').fill('NEEDLE');
    await expect(page.getByTestId('certificate-count')).toHaveText('1 certificate');
    await expect(page.getByTestId('certificate-row')).toHaveText(/needle\.example\.com/);
    await page.getByTestId('certificate-search').fill(special.certificate.serial.slice(0, 12));
    await expect(page.getByTestId('certificate-count')).toHaveText('1 certificate');
    await page.getByTestId('certificate-search').fill('');
    await page.getByTestId('certificate-status').selectOption('revoked');
    await expect(page.getByTestId('certificate-count')).toHaveText('0 certificates');
    await page.getByTestId('certificate-status').selectOption('');
    await page.getByTestId('certificate-sort').selectOption('subject');
    await page.getByTestId('certificate-order').click();
    await expect(page.getByTestId('certificate-row').first()).toContainText('bulk.example.com');
    expect(harness.pageErrors).toEqual([]);
  });

  test('shows a certificate in full, revokes it behind a confirmation that names it, renews it and exports its bundle', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    const issued = await withHostSession(harness, () =>
      issueThroughHost(harness, 'www.example.com', [{ type: 'dns', value: 'example.com' }]),
    );
    await harness.open();
    await unlockInPage(page);
    await goTo(page, 'Certificates');
    await page.getByTestId('certificate-row').first().click();
    const detail = page.getByTestId('certificate-detail');
    const shown = await hostCall(harness, 'showCertificate', { serial: issued.certificate.serial });
    await expect(detail.getByTestId('field-sha256')).toHaveText(shown.detail.sha256);
    await expect(detail.getByTestId('field-issuer')).toHaveText('CN=Example Issuing CA, O=Example Ltd, C=GB');
    await expect(detail.getByTestId('extension-subjectAltName')).toContainText('DNS:www.example.com, DNS:example.com');
    await expect(detail.getByTestId('extension-keyUsage')).toBeVisible();
    await detail.getByRole('button', { name: 'Copy SHA-256 fingerprint' }).click();
    await screenshot(page, 'certificate-detail');

    const bundles = await chooseFolderNext(harness, 'bundles');
    await detail.getByTestId('export-bundle').click();
    await expect(detail.getByTestId('written-verified')).toBeVisible();
    expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(bundles, 'www.example.com') }).status).toBe(0);

    await detail.getByTestId('renew').click();
    await chooseFolderNext(harness, 'renewed');
    await page.getByTestId('confirm-button').click();
    await expect(detail.getByTestId('issued-result')).toContainText('www.example.com, example.com');

    await detail.getByTestId('revoke').click();
    await expect(page.getByTestId('revoke-subject')).toHaveText('CN=www.example.com');
    // As in the CLI, no reason unless one is chosen.
    await expect(page.getByTestId('revoke-reason')).toHaveValue('unspecified');
    await expect(page.getByTestId('revoke-reason').locator('option:checked')).toHaveText('No reason given');
    await page.getByTestId('revoke-reason').selectOption('keyCompromise');
    await page.getByTestId('confirm-button').click();
    await expect(detail.getByTestId('detail-status')).toContainText('Revoked (Key compromise');
    const listed = await hostCall(harness, 'listCertificates', { status: 'revoked' });
    expect(listed.certificates.map((certificate) => [certificate.serial, certificate.revocationReason])).toEqual([
      [issued.certificate.serial, 'keyCompromise'],
    ]);
    expect((await hostCall(harness, 'listCertificates', {})).total).toBe(2);
  });
});
