import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { opensslCsr } from '../../support/openssl-csr';
import { run } from '../../support/run';
import { expect, test } from '../harness/fixtures';
import { chooseFolderNext, dropFiles, hostCall, openUnlocked, screenshot, storeWithIntermediate } from './flows';

test.describe('signing requests dropped on the window', () => {
  test('shows each request against what would be issued, refuses names outside the constraints, and signs the rest', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness, { nameConstraints: { permittedDns: ['example.com'] } });
    const dir = harness.userDataDir;
    const api = await opensslCsr(
      dir,
      'api',
      '/CN=api.example.com',
      'subjectAltName=DNS:api.example.com,DNS:api2.example.com',
    );
    const greedy = await opensslCsr(
      dir,
      'greedy',
      '/CN=greedy.example.com',
      'basicConstraints=critical,CA:TRUE',
      'extendedKeyUsage=serverAuth,codeSigning',
    );
    const outside = await opensslCsr(dir, 'outside', '/CN=www.example.org');
    await openUnlocked(harness, 'Issue');
    await dropFiles(page, 'issue-screen', [
      { name: 'api.csr', bytes: api },
      { name: 'greedy.csr', bytes: greedy },
      { name: 'outside.csr', bytes: outside },
      { name: 'huge.pem', bytes: new Uint8Array(70 * 1024).fill(65) },
    ]);
    const review = (name: string) => page.getByTestId(`csr-${name}`);
    await expect(review('api.csr').getByTestId('comparison')).toContainText('dns:api2.example.com');
    await expect(review('api.csr')).toContainText('Signature verified');
    await expect(review('greedy.csr').getByTestId('csr-warnings')).toContainText('CA:TRUE');
    await expect(review('greedy.csr').getByTestId('csr-warnings')).toContainText('codeSigning');
    await expect(review('greedy.csr').locator('tr[data-change="changed"]').first()).toBeVisible();
    await expect(review('outside.csr').getByTestId('csr-refusals')).toContainText('www.example.org');
    await expect(review('huge.pem')).toContainText('at most 64 KiB');
    // The button counts only what it will sign; the refused and the unread are left out, and say so.
    await expect(page.getByTestId('sign-csrs')).toHaveText('Sign 2 requests and choose where to write…');
    await expect(page.getByTestId('csrs-left-out')).toHaveText('2 requests refused or unreadable are left out.');
    await screenshot(page, 'csr-review');

    const usb = await chooseFolderNext(harness, 'usb');
    await page.getByTestId('sign-csrs').click();
    await expect(page.getByTestId('issued-result').locator('article')).toHaveCount(2);
    await expect(page.getByTestId('issued-result')).toBeFocused();
    // A batch's files are hashed as written, not read back: the panel must not claim a read-back.
    await expect(page.getByTestId('written-hashed')).toHaveCount(2);
    await expect(page.getByTestId('written-verified')).toHaveCount(0);
    // The refused stay listed, unsigned; nothing was written for them.
    await expect(review('outside.csr').getByTestId('csr-refusals')).toBeVisible();
    await expect(review('huge.pem')).toBeVisible();
    await expect(review('api.csr')).toHaveCount(0);
    await expect(page.getByTestId('sign-csrs')).toBeDisabled();
    for (const host of ['api.example.com', 'greedy.example.com']) {
      const folder = path.join(usb, host);
      const verified = run('openssl', [
        'verify',
        '-purpose',
        'sslserver',
        '-CAfile',
        path.join(folder, 'ca-chain.cert.pem'),
        path.join(folder, `${host}.cert.pem`),
      ]);
      expect(verified.stdout.trim()).toMatch(/: OK$/);
    }
    const greedyText = run('openssl', [
      'x509',
      '-in',
      path.join(usb, 'greedy.example.com', 'greedy.example.com.cert.pem'),
      '-noout',
      '-text',
    ]).stdout;
    expect(greedyText).toMatch(/CA:FALSE/);
    expect(greedyText).not.toMatch(/Code Signing/);
    expect((await hostCall(harness, 'listCertificates', {})).total).toBe(2);
  });

  test('lets the officer edit the names of a single request, and takes files from the picker too', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    const csrFile = path.join(harness.userDataDir, 'web.req');
    await writeFile(
      csrFile,
      await opensslCsr(
        harness.userDataDir,
        'web',
        '/CN=web.example.com',
        'subjectAltName=DNS:web.example.com,DNS:old.example.com',
      ),
    );
    await openUnlocked(harness, 'Issue');
    await page.getByTestId('tab-requests').click();
    await page.getByTestId('csr-input').setInputFiles(csrFile);
    await expect(page.getByTestId('csr-web.req').getByTestId('comparison')).toContainText('dns:old.example.com');
    await page.getByTestId('edit-sans').click();
    await page.getByRole('button', { name: 'Remove dns:old.example.com' }).click();
    await page.getByTestId('csr-san-value').fill('new.example.com');
    await page.getByTestId('csr-san-add').click();
    await expect(
      page.getByTestId('csr-web.req').locator('tr[data-change="removed"]', { hasText: 'dns:old.example.com' }),
    ).toBeVisible();
    await expect(
      page.getByTestId('csr-web.req').locator('tr[data-change="added"]', { hasText: 'dns:new.example.com' }),
    ).toBeVisible();
    await chooseFolderNext(harness, 'out');
    await page.getByTestId('sign-csrs').click();
    await expect(page.getByTestId('issued-result')).toContainText('web.example.com, new.example.com');
    const [issued] = (await hostCall(harness, 'listCertificates', {})).certificates;
    expect(issued!.sans.map((san) => san.value)).toEqual(['web.example.com', 'new.example.com']);
  });

  test('signs flat when asked: SERIAL.pem each, one chain and one SHA256SUMS that sha256sum -c accepts', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    const dir = harness.userDataDir;
    const one = await opensslCsr(dir, 'one', '/CN=one.example.com');
    const two = await opensslCsr(dir, 'two', '/CN=two.example.com');
    await openUnlocked(harness, 'Issue');
    await dropFiles(page, 'issue-screen', [
      { name: 'one.csr', bytes: one },
      { name: 'two.csr', bytes: two },
    ]);
    await expect(page.getByTestId('sign-csrs')).toHaveText('Sign 2 requests and choose where to write…');
    await page.getByTestId('csr-flat').check();
    const out = await chooseFolderNext(harness, 'flat');
    await page.getByTestId('sign-csrs').click();
    await expect(page.getByTestId('issued-result').locator('article')).toHaveCount(2);
    await expect(page.getByTestId('issued-result')).toContainText('ca-chain.cert.pem');
    const serials = (await hostCall(harness, 'listCertificates', {})).certificates.map((certificate) =>
      (certificate.serial.length % 2 ? `0${certificate.serial}` : certificate.serial).toUpperCase(),
    );
    expect((await readdir(out)).sort()).toEqual(
      [...serials.map((serial) => `${serial}.pem`), 'SHA256SUMS', 'ca-chain.cert.pem'].sort(),
    );
    expect(run('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: out }).status).toBe(0);
    for (const serial of serials) {
      const verified = run('openssl', ['verify', '-CAfile', 'ca-chain.cert.pem', `${serial}.pem`], { cwd: out });
      expect(verified.stdout.trim()).toBe(`${serial}.pem: OK`);
    }
  });
});
