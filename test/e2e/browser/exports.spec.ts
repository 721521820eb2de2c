import path from 'node:path';
import { run } from '../../support/run';
import { expect, test } from '../harness/fixtures';
import {
  chooseFolderNext,
  hostCall,
  openUnlocked,
  screenshot,
  issueThroughHost,
  storeWithIntermediate,
  withHostSession,
} from './flows';

test('writes the trust kit, the chain and a server bundle, each listed with its SHA-256 and verified', async ({
  harness,
}) => {
  const { page } = harness;
  await storeWithIntermediate(harness);
  await withHostSession(harness, () => issueThroughHost(harness, 'intranet.example.com'));
  await openUnlocked(harness, 'Exports');
  for (const target of ['Firefox', 'macOS', 'Windows', 'Linux', 'Java', 'iOS', 'Android'])
    await expect(
      page
        .getByTestId('export-kit')
        .getByRole('term')
        .filter({ hasText: new RegExp(`^${target}$`) }),
    ).toBeVisible();

  const kit = await chooseFolderNext(harness, 'kit');
  await page.getByTestId('export-kit-write').click();
  const kitFiles = page.getByTestId('export-kit').getByTestId('written-files');
  await expect(kitFiles).toContainText('firefox/policies.json');
  await expect(kitFiles).toContainText('java/truststore.p12');
  await expect(kitFiles.getByTestId('written-verified')).toBeVisible();
  expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: kit }).status).toBe(0);
  await screenshot(page, 'exports');

  const chain = await chooseFolderNext(harness, 'chain');
  await page.getByTestId('export-chain-write').click();
  await expect(page.getByTestId('export-chain').getByTestId('written-verified')).toBeVisible();
  const pem = path.join(chain, 'ca-chain', 'ca-chain.cert.pem');
  const subjects = run('openssl', ['crl2pkcs7', '-nocrl', '-certfile', pem]).stdout;
  expect(run('openssl', ['pkcs7', '-print_certs', '-noout'], { input: subjects }).stdout).toMatch(
    /subject=CN = Example Issuing CA[\s\S]*subject=CN = Example Root CA/,
  );

  await page.getByTestId('export-bundle-search').fill('intranet');
  await page.getByRole('button', { name: 'Find' }).click();
  const bundles = await chooseFolderNext(harness, 'bundle');
  await page.getByTestId('export-bundle').getByRole('button', { name: 'Write its bundle…' }).click();
  await expect(page.getByTestId('export-bundle').getByTestId('written-verified')).toBeVisible();
  expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(bundles, 'intranet.example.com') }).status).toBe(0);
  const { entries } = await hostCall(harness, 'journalEntries', { category: 'export' });
  expect(entries.map((entry) => entry.summary.split(')')[0])).toEqual([
    'Export (bundle',
    'Export (ca-chain',
    'Export (root-trust-kit',
    'Export (bundle',
  ]);
});
