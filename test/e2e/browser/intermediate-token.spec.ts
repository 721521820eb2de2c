/**
 * An intermediate whose issuing key lives on a PKCS#11 token, in the app,
 * against SoftHSM2 (a fresh token folder; SOFTHSM2_CONF set in this process,
 * where the harness runs the real main-side operations): the Issue screen
 * asks for the token's PIN before issuing, refuses a wrong one, then issues
 * through the token; OpenSSL verifies the certificate against the chain; the
 * generations list says the key is on that token; the journal names the
 * token and key for the use and no reply carries the PIN.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { listTokens } from '../../../src-main/custody/token/pkcs11-token';
import { run } from '../../support/run';
import { SOFTHSM_MODULE, TOKEN_PIN, softHsmTokens } from '../../support/softhsm';
import { expect, test } from '../harness/fixtures';
import {
  ROOT_PASSPHRASE,
  chooseFolderNext,
  goTo,
  hostCall,
  openUnlocked,
  storeWithIntermediate,
  withHostSession,
} from './flows';

// One worker for both tests, in order: SoftHSM reads SOFTHSM2_CONF when this process first initialises it.
test.describe.configure({ mode: 'serial' });

let tokenDir: string;
let serial: string;

test.beforeAll(async () => {
  expect(SOFTHSM_MODULE, 'SoftHSM2 is installed by .ci/run (Debian softhsm2)').toBeDefined();
  tokenDir = await mkdtemp(path.join(os.tmpdir(), 'rootkeeper-e2e-itoken-'));
  await softHsmTokens(tokenDir, ['App issuing token']);
  serial = listTokens(SOFTHSM_MODULE!)[0]!.serial;
});
test.afterAll(async () => {
  await rm(tokenDir, { recursive: true, force: true });
});

test('issuing with an intermediate on a token asks for its PIN, then signs there', async ({ harness }) => {
  // Two argon2id unlocks, a root signature and a token key: more than the default 30 s on a shared machine.
  test.setTimeout(120_000);
  const { page } = harness;
  await storeWithIntermediate(harness, { intermediate: false });
  await withHostSession(harness, () =>
    hostCall(harness, 'createIntermediate', {
      subject: 'CN=Token Issuing CA, O=Example Ltd',
      purpose: 'both',
      rootPassphrase: ROOT_PASSPHRASE,
      intermediateToken: { module: SOFTHSM_MODULE!, serial, pin: TOKEN_PIN, keyId: '1c01' },
    }),
  );

  await openUnlocked(harness, 'Issue');
  await expect(page.getByTestId('intermediate-token-serial')).toContainText(`token ${serial} (key id 1c01)`);
  await page.getByTestId('intermediate-token-pin').fill('999999');
  await page.getByTestId('intermediate-token-open').click();
  await expect(page.getByTestId('intermediate-token-error')).toContainText("The token's PIN is wrong");
  await expect(page.getByTestId('intermediate-token-error')).not.toContainText('999999');
  await expect(page.getByTestId('intermediate-token-pin')).toHaveValue('');
  await page.getByTestId('intermediate-token-pin').fill(TOKEN_PIN);
  await page.getByTestId('intermediate-token-open').click();
  await expect(page.getByTestId('intermediate-token-open-notice')).toContainText(`Token ${serial} is open`);

  await page.getByTestId('issue-cn').fill('www.example.com');
  await page.getByTestId('issue-key-pass').fill('server-key-passphrase');
  await page.getByTestId('issue-key-pass-repeat').fill('server-key-passphrase');
  const usb = await chooseFolderNext(harness, 'usb');
  await page.getByTestId('issue-submit').click();
  await expect(page.getByTestId('written-verified')).toBeVisible();

  const bundle = path.join(usb, 'www.example.com');
  const overview = await hostCall(harness, 'overview', {});
  await writeFile(path.join(tokenDir, 'intermediate.pem'), overview.intermediate!.detail.pem);
  const verified = run(
    'openssl',
    ['verify', '-partial_chain', '-CAfile', 'intermediate.pem', path.join(bundle, 'www.example.com.cert.pem')],
    { cwd: tokenDir },
  );
  expect(verified.stdout).toMatch(/www\.example\.com\.cert\.pem: OK/);
  const full = run('openssl', [
    'verify',
    '-CAfile',
    path.join(bundle, 'ca-chain.cert.pem'),
    path.join(bundle, 'www.example.com.cert.pem'),
  ]);
  expect(full.stdout).toMatch(/: OK/);

  await goTo(page, 'Intermediate');
  await expect(page.getByTestId('generation-token')).toHaveText(
    `on PKCS#11 token ${serial} (key id 1c01), open in this session`,
  );
  const { entries } = await hostCall(harness, 'journalEntries', { query: 'token' });
  expect(entries.map((entry) => entry.summary).join('\n')).toMatch(
    new RegExp(`key used on PKCS#11 token ${serial} \\(key id 1c01\\)`),
  );
  expect(JSON.stringify(entries)).not.toContain(TOKEN_PIN);
  expect(harness.pageErrors).toEqual([]);
});

test('the CRLs screen asks for the token PIN too, then the intermediate signs its CRL there', async ({ harness }) => {
  test.setTimeout(120_000);
  const { page } = harness;
  await storeWithIntermediate(harness, { intermediate: false });
  await withHostSession(harness, () =>
    hostCall(harness, 'createIntermediate', {
      subject: 'CN=Token CRL CA, O=Example Ltd',
      purpose: 'both',
      rootPassphrase: ROOT_PASSPHRASE,
      intermediateToken: { module: SOFTHSM_MODULE!, serial, pin: TOKEN_PIN, keyId: '1c02' },
    }),
  );
  await openUnlocked(harness, 'CRLs');
  const row = page.getByTestId('crl-issuer');
  await expect(row).toHaveCount(1);
  // Without the PIN the intermediate cannot sign: the sentence says so and nothing is published.
  await chooseFolderNext(harness, 'refused');
  await row.getByTestId('crl-issuer-generate').click();
  await expect(page.getByRole('alert').filter({ hasText: 'give its PIN' })).toContainText(`token ${serial}`);
  await expect(row.getByTestId('crl-issuer-number')).toHaveText('never published');

  await expect(page.getByTestId('intermediate-token-serial')).toContainText(`token ${serial} (key id 1c02)`);
  await page.getByTestId('intermediate-token-pin').fill(TOKEN_PIN);
  await page.getByTestId('intermediate-token-open').click();
  await expect(page.getByTestId('intermediate-token-open-notice')).toContainText(`Token ${serial} is open`);
  const out = await chooseFolderNext(harness, 'crl');
  await row.getByTestId('crl-issuer-generate').click();
  await expect(page.getByTestId('crl-issuer-done')).toContainText('CRL number 1 with 0 entries');
  await expect(row.getByTestId('crl-issuer-number')).toHaveText('1');

  const overview = await hostCall(harness, 'overview', {});
  await writeFile(path.join(tokenDir, 'crl-intermediate.pem'), overview.intermediate!.detail.pem);
  const crl = run('openssl', [
    'crl',
    '-in',
    path.join(out, 'intermediate-crl-1', 'intermediate.crl.pem'),
    '-CAfile',
    path.join(tokenDir, 'crl-intermediate.pem'),
    '-noout',
    '-verify',
  ]);
  expect(crl.stderr.trim()).toBe('verify OK');
  expect(harness.pageErrors).toEqual([]);
});
