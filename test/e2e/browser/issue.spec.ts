import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../support/run';
import { expect, test } from '../harness/fixtures';
import { chooseFolderNext, hostCall, openUnlocked, screenshot, storeWithIntermediate } from './flows';

test.describe('issuing with a key made here', () => {
  test('checks every name as it is added, explains the 825-day cap, and writes a verified bundle', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await openUnlocked(harness, 'Issue');
    await page.getByTestId('issue-cn').fill('www.example.com');
    await page.getByTestId('issue-san-value').fill('bad_name!.example.com');
    await page.getByTestId('issue-san-add').click();
    await expect(page.getByRole('alert')).toContainText(/bad_name/);
    await page.getByTestId('issue-san-value').fill('example.com');
    await page.getByTestId('issue-san-value').press('Enter');
    await page.getByTestId('issue-san-type').selectOption('ip');
    await page.getByTestId('issue-san-value').fill('192.0.2.10');
    await page.getByTestId('issue-san-add').click();
    await expect(page.getByTestId('issue-san-list')).toContainText('dns:example.com');
    await expect(page.getByTestId('issue-san-list')).toContainText('ip:192.0.2.10');

    await page.getByTestId('issue-days').fill('900');
    await expect(page.getByTestId('issue-problem')).toContainText('Apple devices refuse longer');
    await expect(page.getByTestId('issue-submit')).toBeDisabled();
    await page.getByTestId('issue-days').fill('397');
    await page.getByTestId('issue-key-pass').fill('short');
    await expect(page.getByTestId('issue-problem')).toContainText('at least 12 characters');
    await page.getByTestId('issue-key-pass').fill('server-key-passphrase');
    await page.getByTestId('issue-key-pass-repeat').fill('server-key-passphrase');
    await screenshot(page, 'issue');

    const usb = await chooseFolderNext(harness, 'usb');
    await page.getByTestId('issue-submit').click();
    await expect(page.getByTestId('written-verified')).toBeVisible();
    const folder = path.join(usb, 'www.example.com');
    await expect(page.getByTestId('written-folder')).toHaveText(folder);
    // Each SHA-256 shown is the file's on disk.
    const shown = await page.getByTestId('written-files').locator('tbody tr').allInnerTexts();
    for (const line of shown) {
      const [name, , sha256] = line.split('\t');
      const digest = run('sha256sum', [path.join(folder, name!)]).stdout.split(' ')[0];
      expect(sha256, name).toBe(digest);
    }
    await screenshot(page, 'issue-result');

    const chain = path.join(folder, 'ca-chain.cert.pem');
    const verified = run('openssl', [
      'verify',
      '-x509_strict',
      '-purpose',
      'sslserver',
      '-CAfile',
      chain,
      path.join(folder, 'www.example.com.cert.pem'),
    ]);
    expect(verified.stdout.trim()).toMatch(/: OK$/);
    const text = run('openssl', [
      'x509',
      '-in',
      path.join(folder, 'www.example.com.cert.pem'),
      '-noout',
      '-ext',
      'subjectAltName',
    ]).stdout;
    expect(text).toMatch(/DNS:www.example.com, DNS:example.com, IP Address:192.0.2.10/);
    expect(await readFile(path.join(folder, 'www.example.com.key.pem'), 'utf8')).toMatch(
      /^-----BEGIN ENCRYPTED PRIVATE KEY-----/,
    );
    const listed = await hostCall(harness, 'listCertificates', { query: 'www.example.com' });
    expect(listed.certificates.map((certificate) => certificate.status)).toEqual(['valid']);
    // The key went to the folder, never to the page.
    expect(await page.content()).not.toMatch(/PRIVATE KEY|server-key-passphrase/);
    expect(harness.pageErrors).toEqual([]);
  });

  test('shows the issue button busy while a slow RSA key is made, and issues exactly once', async ({ harness }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await openUnlocked(harness, 'Issue');
    await page.getByTestId('issue-cn').fill('twice.example.com');
    await page.getByTestId('issue-unencrypted').check();
    await page.getByTestId('issue-key').selectOption('rsa-3072');
    await chooseFolderNext(harness, 'usb');
    await page.getByTestId('issue-submit').click();
    await expect(page.getByTestId('issue-submit')).toBeDisabled();
    await expect(page.getByTestId('written-verified')).toBeVisible({ timeout: 30_000 });
    expect((await hostCall(harness, 'listCertificates', {})).total).toBe(1);
  });
});
