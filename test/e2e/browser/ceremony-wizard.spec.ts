/**
 * The ceremony wizard, with the real main-side operations: the root CRL
 * and an intermediate rotation signed one confirmed step at a time (people
 * present, the record's medium, the root's fingerprint initialled by each
 * witness, the operation agreed, then the root unlocked). A step cannot be
 * passed before it is done; a wrong root passphrase changes nothing but the
 * throttle; the signed record OpenSSL verifies carries every confirmed step
 * with its time, the witnesses and the fingerprint, and its SHA-256 is shown.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../support/run';
import { snapshotFolder } from '../../support/store';
import { expect, test, type Harness } from '../harness/fixtures';
import { ROOT_PASSPHRASE, chooseFolderNext, goTo, openUnlocked, storeWithIntermediate } from './flows';

const SLOW = { timeout: 120_000 };
test.describe.configure({ timeout: 300_000 });

interface Record {
  operation: string;
  witnesses: string[];
  steps: { at: string; step: string }[];
  store: { rootSha256: string };
}

/** Walks the four steps before the unlock; returns the record's folder. */
async function walkToUnlock(
  harness: Harness,
  facts: RegExp,
  atOperation: () => Promise<void> = async () => undefined,
): Promise<string> {
  const { page } = harness;
  await expect(page.getByTestId('wizard-step')).toHaveText('Step 1 of 5: People present');
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  await expect(page.getByTestId('wizard-blocking')).toHaveText('Name the operator.');
  await page.getByTestId('wizard-operator').fill('Olive Officer');
  await expect(page.getByTestId('wizard-blocking')).toHaveText('Name at least one witness.');
  await page.getByTestId('wizard-witnesses').fill('Wendy Witness\nZoë Ølsen');
  await page.getByTestId('wizard-next').click();

  await expect(page.getByTestId('wizard-step')).toHaveText('Step 2 of 5: Record medium');
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  const usb = await chooseFolderNext(harness, `record-usb-${Date.now()}`);
  await page.getByTestId('wizard-folder').click();
  await expect(page.getByTestId('wizard-folder-label')).toHaveText(usb);
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  await page.getByTestId('wizard-medium-checked').check();
  await page.getByTestId('wizard-next').click();

  await expect(page.getByTestId('wizard-step')).toHaveText('Step 3 of 5: The root');
  await page.getByTestId('wizard-initials-1').fill('WW');
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  await page.getByTestId('wizard-initials-2').fill('ZØ');
  await page.getByTestId('wizard-next').click();

  await expect(page.getByTestId('wizard-step')).toHaveText('Step 4 of 5: The operation');
  await expect(page.getByTestId('wizard-facts')).toContainText(facts);
  await atOperation();
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  await page.getByTestId('wizard-reviewed').check();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('wizard-step')).toHaveText('Step 5 of 5: Unlock and sign');
  return usb;
}

/** The record written: its signature verified by OpenSSL, its SHA-256 the one on screen. */
async function checkRecord(harness: Harness, usb: string, operation: string): Promise<Record> {
  const { page } = harness;
  const json = await page.getByTestId('ceremony-record-json').innerText();
  expect(json).toMatch(new RegExp(`^ceremony-.*-${operation}\\.json$`));
  const verified = run(
    'openssl',
    ['dgst', '-sha384', '-verify', 'root-pubkey.pem', '-signature', `${json}.sig`, json],
    {
      cwd: usb,
    },
  );
  expect(verified.stdout.trim(), verified.stderr).toBe('Verified OK');
  const bytes = await readFile(path.join(usb, json));
  const shown = (await page.getByTestId('ceremony-record-sha256').innerText()).replace(/[\s:]/g, '').toLowerCase();
  expect(shown).toBe(createHash('sha256').update(bytes).digest('hex'));
  const record = JSON.parse(bytes.toString('utf8')) as Record;
  expect(record.operation).toBe(operation);
  expect(record.witnesses).toEqual(['Wendy Witness', 'Zoë Ølsen']);
  const confirmed = record.steps.filter((step) => step.step.startsWith('Confirmed in the ceremony wizard: '));
  expect(confirmed).toHaveLength(4);
  expect(confirmed[0]!.step).toContain('Operator: Olive Officer. Witnesses present: Wendy Witness, Zoë Ølsen.');
  expect(confirmed[1]!.step).toContain(`The record's medium (${usb}) was checked`);
  expect(confirmed[2]!.step).toContain(record.store.rootSha256);
  expect(confirmed[2]!.step).toContain('Wendy Witness (WW), Zoë Ølsen (ZØ)');
  expect(confirmed[3]!.step).toContain('The operation was read out and agreed');
  // The confirmations come first, in order, before what the operation itself recorded.
  expect(record.steps.slice(0, 4)).toEqual(confirmed);
  const times = record.steps.map((step) => Date.parse(step.at));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  const pdf = run('pdftotext', [path.join(usb, json.replace(/\.json$/, '.pdf')), '-']).stdout;
  expect(pdf).toContain('Olive Officer');
  return record;
}

test('signs the root CRL through the wizard: each step confirmed, a wrong passphrase refused, the record verified', async ({
  harness,
}) => {
  const { page } = harness;
  await storeWithIntermediate(harness);
  await openUnlocked(harness, 'CRLs');
  await page.getByTestId('crl-root-ceremony').check();
  const out = await chooseFolderNext(harness, 'root-crl');
  await page.getByTestId('crl-root-generate').click();
  const usb = await walkToUnlock(harness, /CRL number\s*1/);

  const before = await snapshotFolder(harness.storeDir, ['throttle.json']);
  await expect(page.getByTestId('wizard-sign')).toBeDisabled();
  await page.getByTestId('wizard-root-passphrase').fill('not-the-root-passphrase');
  await page.getByTestId('wizard-sign').click();
  await expect(page.getByTestId('wizard-error')).toContainText(/passphrase/i);
  expect(await snapshotFolder(harness.storeDir, ['throttle.json'])).toEqual(before);
  await page.waitForTimeout(1100);
  await page.getByTestId('wizard-root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('wizard-sign').click();
  await expect(page.getByTestId('crl-root-done')).toContainText('Root CRL number 1 published', SLOW);
  await checkRecord(harness, usb, 'root-crl');
  expect(
    run('openssl', ['crl', '-inform', 'DER', '-in', path.join(out, 'root-crl-1', 'root.crl'), '-noout']).status,
  ).toBe(0);
});

test('rotates the intermediate through the wizard; going back clears the unlock step', async ({ harness }) => {
  const { page } = harness;
  await storeWithIntermediate(harness);
  await openUnlocked(harness, 'Intermediate');
  await page.getByTestId('new-intermediate').click();
  await page.getByTestId('intermediate-rotate').check();
  await page.getByTestId('intermediate-CN').fill('Example Issuing CA 2');
  await page.getByTestId('sign-intermediate-ceremony').click();
  const usb = await walkToUnlock(harness, /Example Issuing CA 2/);
  await page.getByTestId('wizard-root-passphrase').fill(ROOT_PASSPHRASE);
  await expect(page.getByTestId('wizard-sign')).toBeEnabled();
  await page.getByTestId('wizard-back').click();
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('wizard-root-passphrase')).toHaveValue('');
  await expect(page.getByTestId('wizard-sign')).toBeDisabled();
  await page.getByTestId('wizard-root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('wizard-sign').click();
  await expect(page.getByTestId('ceremony-record-json')).toBeVisible(SLOW);
  const record = await checkRecord(harness, usb, 'intermediate-rotate');
  expect(record.steps.some((step) => /The root signed/.test(step.step))).toBe(true);
  await goTo(page, 'Overview');
  await expect(page.getByTestId('overview-intermediate')).toContainText('Example Issuing CA 2');
});

test('signs the root CRL schedule through the wizard; every CRL of it verifies against the root', async ({
  harness,
}) => {
  const { page } = harness;
  await storeWithIntermediate(harness);
  await openUnlocked(harness, 'CRLs');
  await page.getByTestId('schedule-count').fill('2');
  await page.getByTestId('schedule-ceremony').check();
  const out = await chooseFolderNext(harness, 'schedule');
  await page.getByTestId('schedule-sign').click();
  const usb = await walkToUnlock(harness, /CRL numbers\s*1 to 2/);
  await page.getByTestId('wizard-root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('wizard-sign').click();
  await expect(page.getByTestId('ceremony-record-json')).toBeVisible(SLOW);
  const record = await checkRecord(harness, usb, 'root-crl-schedule');
  const rootPem = path.join(usb, 'root-ca.pem');
  const crls = (await readdir(path.join(out, 'root-crl-schedule-1'))).filter((name) => name.endsWith('.crl'));
  expect(crls).toHaveLength(2);
  for (const name of crls) {
    const verified = run('openssl', [
      'crl',
      '-inform',
      'DER',
      '-in',
      path.join(out, 'root-crl-schedule-1', name),
      '-CAfile',
      rootPem,
      '-noout',
      '-verify',
    ]);
    expect(verified.stderr.trim(), name).toBe('verify OK');
  }
  expect(record.steps.some((step) => /CRL/.test(step.step) && !step.step.startsWith('Confirmed'))).toBe(true);
});

test('revokes an intermediate through the wizard with its reason; the root CRL lists it', async ({ harness }) => {
  const { page } = harness;
  await storeWithIntermediate(harness);
  await openUnlocked(harness, 'Intermediate');
  const generation = page.getByTestId('generations').getByTestId('generation');
  await expect(generation).toHaveCount(1);
  const serial = (await generation.getByTestId('generation-serial').locator('.token-text').textContent())!;
  await page.getByTestId('revoke-ca-ceremony').check();
  const out = await chooseFolderNext(harness, 'revoke-ca');
  await generation.getByTestId('generation-revoke').click();
  // The reason is chosen at the operation's step, beside the facts read out, and becomes one of them.
  const usb = await walkToUnlock(harness, /Revokes\s*CN=Example Issuing CA/, async () => {
    await page.getByTestId('revoke-ca-reason').selectOption('keyCompromise');
    await expect(page.getByTestId('wizard-facts')).toContainText(/Reason\s*Key compromise/);
  });
  await page.getByTestId('wizard-root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('wizard-sign').click();
  await expect(page.getByTestId('revoke-ca-done')).toContainText('The root signed its CRL number 1', SLOW);
  await expect(page.getByTestId('revoke-ca-no-active')).toBeVisible();
  const record = await checkRecord(harness, usb, 'intermediate-revoke');
  expect(record.steps.find((step) => step.step.includes('The operation was read out'))!.step).toContain(
    'Key compromise',
  );
  const crl = run('openssl', [
    'crl',
    '-inform',
    'DER',
    '-in',
    path.join(out, 'root-crl-1', 'root.crl'),
    '-CAfile',
    path.join(usb, 'root-ca.pem'),
    '-noout',
    '-text',
    '-verify',
  ]);
  expect(crl.stderr.trim()).toBe('verify OK');
  expect(crl.stdout.replace(/\s/g, '')).toContain(
    `SerialNumber:${serial.toUpperCase().padStart(2 * Math.ceil(serial.length / 2), '0')}`,
  );
  expect(crl.stdout).toContain('Key Compromise');
});
