import path from 'node:path';
import { run } from '../../support/run';
import { expect, test } from '../harness/fixtures';
import {
  ROOT_PASSPHRASE,
  chooseFolderNext,
  hostCall,
  openUnlocked,
  screenshot,
  issueThroughHost,
  storeWithIntermediate,
  withHostSession,
} from './flows';

test('publishes the intermediate CRL and, through the root dialog, the root CRL; openssl verifies both', async ({
  harness,
}) => {
  const { page } = harness;
  await storeWithIntermediate(harness);
  const chain = await withHostSession(harness, async () => {
    const issued = await issueThroughHost(harness, 'gone.example.com');
    await hostCall(harness, 'revoke', { serial: issued.certificate.serial, reason: 'superseded' });
    return hostCall(harness, 'exportChain', {
      destination: harness.host.folders.register(path.join(harness.userDataDir, 'chain')),
    });
  });
  await openUnlocked(harness, 'CRLs');
  const row = page.getByTestId('crl-issuer');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('crl-issuer-number')).toHaveText('never published');

  const out = await chooseFolderNext(harness, 'crl');
  await row.getByTestId('crl-issuer-generate').click();
  await expect(page.getByTestId('crl-issuer-done')).toContainText('CRL number 1 with 1 entry,');
  await expect(row.getByTestId('crl-issuer-number')).toHaveText('1');
  const crlFile = path.join(out, 'intermediate-crl-1', 'intermediate.crl.pem');
  const text = run('openssl', [
    'crl',
    '-in',
    crlFile,
    '-CAfile',
    path.join(chain.written!.folder, 'intermediate.cert.pem'),
    '-noout',
    '-text',
    '-verify',
  ]);
  expect(text.stderr.trim()).toBe('verify OK');
  expect(text.stdout).toMatch(/Superseded/);

  const rootOut = await chooseFolderNext(harness, 'root-crl');
  await page.getByTestId('crl-root-generate').click();
  await expect(page.getByTestId('root-dialog-facts')).toContainText('CRL number1');
  await screenshot(page, 'crl-root-dialog');
  await page.getByTestId('root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('root-dialog-sign').click();
  await expect(page.getByTestId('crl-root-done')).toContainText(
    'Root CRL number 1 published; the root was locked again.',
  );
  const rootText = run('openssl', [
    'crl',
    '-in',
    path.join(rootOut, 'root-crl-1', 'root.crl'),
    '-inform',
    'DER',
    '-CAfile',
    path.join(chain.written!.folder, 'root.cert.pem'),
    '-noout',
    '-verify',
  ]);
  expect(rootText.stderr.trim()).toBe('verify OK');
  await screenshot(page, 'crls');
});
