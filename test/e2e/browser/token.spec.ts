/**
 * A root on a PKCS#11 token in the app, against SoftHSM2 (a fresh token
 * folder; SOFTHSM2_CONF set in this process, where the harness runs the real
 * main-side operations): the ceremony's "Root on a hardware token" finds the
 * token by its serial and generates the key there; the root dialog then
 * asks for the token's PIN, refuses a wrong one, and signs the intermediate
 * on the token; OpenSSL verifies the intermediate against the root.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { listTokens } from '../../../src-main/custody/token/pkcs11-token';
import { run } from '../../support/run';
import { SOFTHSM_MODULE, TOKEN_PIN, softHsmTokens } from '../../support/softhsm';
import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, goTo, hostCall, unlockInPage } from './flows';

let tokenDir: string;
let serial: string;

test.beforeAll(async () => {
  expect(SOFTHSM_MODULE, 'SoftHSM2 is installed by .ci/run (Debian softhsm2)').toBeDefined();
  tokenDir = await mkdtemp(path.join(os.tmpdir(), 'rootkeeper-e2e-token-'));
  await softHsmTokens(tokenDir, ['App root token']);
  serial = listTokens(SOFTHSM_MODULE!)[0]!.serial;
});
test.afterAll(async () => {
  await rm(tokenDir, { recursive: true, force: true });
});

test('the ceremony makes the root on a token, and the root dialog asks for its PIN', async ({ harness }) => {
  const { page } = harness;
  await harness.open();
  await page.getByTestId('root-CN').fill('Token Root CA');
  await page.getByTestId('root-O').fill('Example Ltd');
  await page.getByTestId('root-on-token').check();
  // The usual modules found on this machine are offered; SoftHSM2's is one.
  await page.getByTestId('token-module').selectOption(SOFTHSM_MODULE!);
  // A module path the renderer makes up is never loaded: only the usual modules, or a file picked in the main side's dialog.
  await expect(hostCall(harness, 'tokenChoices', { module: path.join(tokenDir, 'made-up.so') })).rejects.toThrow(
    /Choose the destination again/,
  );
  await page.getByTestId('token-find').click();
  await expect(page.getByTestId('token-serial').locator('option')).toHaveText([`${serial} — App root token`]);
  await expect(page.getByTestId('root-pass')).toHaveCount(0);
  await page.getByTestId('token-pin').fill(TOKEN_PIN);
  await page.getByTestId('operator-pass').fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('operator-pass-repeat').fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('create-root').click();
  await expect(page.getByTestId('ceremony-done')).toBeVisible();

  const storeFile = JSON.parse(await readFile(path.join(harness.storeDir, 'rootkeeper-store.json'), 'utf8'));
  expect(storeFile.body.slots.root).toMatchObject({ kind: 'token', serial, moduleHint: SOFTHSM_MODULE });
  await page.getByTestId('ceremony-finish').click();

  await unlockInPage(page);
  await goTo(page, 'Intermediate');
  await page.getByTestId('new-intermediate').click();
  await page.getByTestId('intermediate-CN').fill('Token Issuing CA');
  await page.getByTestId('intermediate-purpose').selectOption('both');
  await page.getByTestId('sign-intermediate').click();
  const dialog = page.getByTestId('root-dialog');
  await expect(dialog).toHaveAttribute('data-mode', 'token');
  await expect(page.getByTestId('root-dialog-token')).toContainText(`token ${serial}`);
  await expect(page.getByTestId('root-passphrase')).toHaveCount(0);
  await page.getByTestId('root-token-pin').fill('999999');
  await page.getByTestId('root-dialog-sign').click();
  await expect(page.getByTestId('root-dialog-error')).toContainText("The token's PIN is wrong");
  await expect(page.getByTestId('root-dialog-error')).not.toContainText('999999');
  await page.waitForTimeout(1100);
  await page.getByTestId('root-token-pin').fill(TOKEN_PIN);
  await page.getByTestId('root-dialog-sign').click();
  await expect(page.getByTestId('intermediate-done')).toBeVisible();

  const overview = await hostCall(harness, 'overview', {});
  await writeFile(path.join(tokenDir, 'intermediate.pem'), overview.intermediate!.detail.pem);
  await writeFile(path.join(tokenDir, 'root.der'), Buffer.from(storeFile.body.certificates.root, 'base64'));
  expect(
    run('openssl', ['x509', '-inform', 'DER', '-in', 'root.der', '-out', 'root.pem'], { cwd: tokenDir }).status,
  ).toBe(0);
  const verified = run('openssl', ['verify', '-CAfile', 'root.pem', 'intermediate.pem'], { cwd: tokenDir });
  expect(verified.stdout).toMatch(/intermediate.pem: OK/);
  // The journal names the token and key for the use; no IPC reply carried the PIN.
  const { entries } = await hostCall(harness, 'journalEntries', { query: 'token' });
  expect(entries.map((entry) => entry.summary).join('\n')).toMatch(
    new RegExp(`Root key used on PKCS#11 token ${serial}`),
  );
  expect(JSON.stringify(entries)).not.toContain(TOKEN_PIN);
  expect(harness.pageErrors).toEqual([]);
});
