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

    // A problem shows beside its field once the field is left, tied to it for screen readers.
    await page.getByTestId('issue-days').fill('900');
    await expect(page.getByTestId('issue-days-error')).toHaveCount(0);
    await page.getByTestId('issue-days').press('Tab');
    await expect(page.getByTestId('issue-days-error')).toContainText('Apple devices refuse longer');
    await expect(page.getByTestId('issue-days')).toHaveAttribute('aria-describedby', /issue-days-error/);
    await page.getByTestId('issue-key-pass').fill('short');
    await page.getByTestId('issue-key-pass').press('Tab');
    await expect(page.getByTestId('issue-key-pass-error')).toContainText('at least 12 characters');
    // The repetition is not faulted while it is still empty and not yet left.
    await expect(page.getByTestId('issue-key-pass-repeat-error')).toHaveCount(0);
    // Submit lists every problem at the button, the repetition's too, and does nothing else.
    await page.getByTestId('issue-submit').click();
    const summary = page.getByTestId('issue-problems');
    await expect(summary).toBeFocused();
    await expect(summary.locator('li')).toHaveText([
      /^Valid for: .*Apple devices refuse longer/,
      /^Key passphrase: .*at least 12 characters/,
      /^Key passphrase, again: Type the key passphrase a second time\./,
    ]);
    expect(harness.dialogs.opened).toEqual([]);
    await summary.getByRole('button', { name: 'Key passphrase, again' }).click();
    await expect(page.getByTestId('issue-key-pass-repeat')).toBeFocused();
    await page.getByTestId('issue-days').fill('397');
    await page.getByTestId('issue-key-pass').fill('server-key-passphrase');
    await page.getByTestId('issue-key-pass-repeat').fill('server-key-passphrase');
    await expect(summary).toHaveCount(0);
    await screenshot(page, 'issue');

    const usb = await chooseFolderNext(harness, 'usb');
    await page.getByTestId('issue-submit').click();
    await expect(page.getByTestId('written-verified')).toBeVisible();
    // The result is where the officer looks: in view, focused, announced; the emptied passphrases are not faulted.
    const result = page.getByTestId('issued-result');
    await expect(result).toBeFocused();
    await expect(result).toBeInViewport();
    await expect(page.getByTestId('announcer')).toContainText('Issued CN=www.example.com');
    await expect(page.locator('.field-problem')).toHaveCount(0);
    await expect(page.getByTestId('issue-problems')).toHaveCount(0);
    await expect(page.getByTestId('issue-cn')).toHaveValue('www.example.com');
    await expect(page.getByTestId('issue-key-pass')).toHaveValue('');
    const folder = path.join(usb, 'www.example.com');
    await expect(page.getByTestId('written-folder')).toHaveText(folder);
    // Each SHA-256 shown is the file's on disk.
    const rows = page.getByTestId('written-files').locator('tbody tr');
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())),
    );
    expect(shown.length).toBeGreaterThan(3);
    for (const [name, , sha256] of shown) {
      const digest = run('sha256sum', [path.join(folder, name!)]).stdout.split(' ')[0];
      expect(sha256, name).toBe(digest);
    }
    await screenshot(page, 'issue-result');
    await result.getByTestId('issue-another').click();
    await expect(page.getByTestId('issue-cn')).toBeFocused();
    await expect(page.getByTestId('issue-cn')).toHaveValue('');
    await expect(result).toHaveCount(0);

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
