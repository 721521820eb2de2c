import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { x509 } from '../../../src-main/engine/x509';
import { openSlot, readKeyring } from '../../../src-main/store/keyring';
import { run } from '../../support/run';
import { testEnvironment } from '../../support/store';
import { expect, test } from '../harness/fixtures';
import {
  ROOT_PASSPHRASE,
  chooseFolderNext,
  dropFiles,
  goTo,
  hostCall,
  screenshot,
  storeWithIntermediate,
  unlockInPage,
} from './flows';

test.describe('the intermediate CA', () => {
  test('is created with live-checked name constraints, after a root dialog that says what the root will sign', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness, { intermediate: false });
    await harness.open();
    await unlockInPage(page);
    await expect(page.getByTestId('overview-intermediate')).toContainText('nothing can be issued');
    await goTo(page, 'Intermediate');
    await page.getByTestId('new-intermediate').click();
    // The example fits the field: an issuing CA's name, not the root's.
    await expect(page.getByTestId('intermediate-CN')).toHaveAttribute('placeholder', 'Example Issuing CA 1');
    await page.getByTestId('intermediate-CN').fill('Example Issuing CA');
    await page.getByTestId('intermediate-O').fill('Example Ltd');
    await page.getByTestId('intermediate-purpose').selectOption('both');
    await page.getByTestId('nc-permittedDns').fill('example.com\nbad..name');
    await expect(page.getByText(/^bad\.\.name: /)).toBeVisible();
    await page.getByTestId('sign-intermediate').click();
    await expect(page.getByTestId('intermediate-problems')).toContainText(
      'Name constraints: Correct the entries marked beside their field.',
    );
    await expect(page.getByTestId('root-dialog')).toHaveCount(0);
    await page.getByTestId('nc-permittedDns').fill('example.com');
    await page.getByTestId('nc-permittedIp').fill('10.0.0.0/33');
    await expect(page.getByText(/^10\.0\.0\.0\/33: /)).toBeVisible();
    await page.getByTestId('nc-permittedIp').fill('10.0.0.0/8');
    await screenshot(page, 'intermediate-form');
    await page.getByTestId('sign-intermediate').click();

    const facts = page.getByTestId('root-dialog-facts');
    await expect(facts).toContainText('CN=Example Root CA, O=Example Ltd, C=GB');
    await expect(facts).toContainText('CN=Example Issuing CA, O=Example Ltd');
    await expect(facts).toContainText('Permitted DNS domains: example.com; Permitted IP ranges (CIDR): 10.0.0.0/8');
    await screenshot(page, 'root-dialog');
    await page.getByTestId('root-passphrase').fill('not-the-root-passphrase');
    await page.getByTestId('root-dialog-sign').click();
    await expect(page.getByTestId('root-dialog-error')).toContainText(/passphrase/i);
    // A wrong root passphrase costs a delay before the next attempt, as for the operator's.
    await page.waitForTimeout(1100);
    await page.getByTestId('root-passphrase').fill(ROOT_PASSPHRASE);
    await page.getByTestId('root-dialog-sign').click();
    await expect(page.getByTestId('intermediate-done')).toContainText('The root was locked again');
    await expect(page.getByTestId('extension-nameConstraints')).toContainText('example.com');
    await expect(page.getByTestId('field-issuer')).toHaveText('CN=Example Root CA, O=Example Ltd, C=GB');

    const overview = await hostCall(harness, 'overview', {});
    expect(overview.intermediate?.origin).toBe('issued');
    const pem = overview.intermediate!.detail.pem;
    const text = run('openssl', ['x509', '-noout', '-text'], { input: pem }).stdout;
    expect(text).toMatch(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:example.com\s+IP:10.0.0.0\/255.0.0.0/);
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(harness.pageErrors).toEqual([]);
  });

  test('is requested for a root kept elsewhere, then imported by dropping the signed certificate on the window', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness, { intermediate: false });
    await harness.open();
    await unlockInPage(page);
    await goTo(page, 'Intermediate');
    await page.getByTestId('request-intermediate').click();
    await page.getByTestId('intermediate-CN').fill('Offline Issuing CA');
    const usb = await chooseFolderNext(harness, 'usb');
    await page.getByTestId('write-request').click();
    await expect(page.getByTestId('written-verified')).toBeVisible();
    await expect(page.getByTestId('pending-request')).toContainText('CN=Offline Issuing CA');
    const csrFile = path.join(usb, 'intermediate-request', 'intermediate.csr.pem');

    // The root's machine: openssl with this store's root key, recovered with the root passphrase.
    const keyring = (await readKeyring(harness.storeDir))!;
    const rootKey = await openSlot(keyring, 'root-private-key', ROOT_PASSPHRASE, testEnvironment().kdfPolicy, 'root');
    const work = harness.userDataDir;
    await writeFile(
      path.join(work, 'root.key'),
      x509.PemConverter.encode(new Uint8Array(rootKey).buffer, 'PRIVATE KEY'),
      { mode: 0o600 },
    );
    await writeFile(
      path.join(work, 'root.pem'),
      x509.PemConverter.encode(Buffer.from(keyring.certificates.root, 'base64'), 'CERTIFICATE'),
    );
    await writeFile(
      path.join(work, 'ca.ext'),
      'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nextendedKeyUsage=serverAuth\n',
    );
    const signed = run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csrFile,
        '-CA',
        'root.pem',
        '-CAkey',
        'root.key',
        '-CAcreateserial',
        '-days',
        '365',
        '-extfile',
        'ca.ext',
        '-out',
        'intermediate.pem',
      ],
      { cwd: work },
    );
    expect(signed.status, signed.stderr).toBe(0);

    await dropFiles(page, 'pending-request', [
      { name: 'intermediate.pem', bytes: await readFile(path.join(work, 'intermediate.pem')) },
    ]);
    await expect(page.getByTestId('intermediate-done')).toContainText('CN=Offline Issuing CA');
    await expect(page.getByTestId('field-issuer')).toHaveText('CN=Example Root CA, O=Example Ltd, C=GB');
    expect((await hostCall(harness, 'overview', {})).intermediate?.origin).toBe('imported');
  });
});
