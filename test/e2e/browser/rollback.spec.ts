/**
 * Accepting a rolled-back store from the lock screen, for a root in 2-of-3
 * custody: the host keeps a rollback witness as the app does; the store's
 * earlier folder put back is refused at unlock ("rolled back"), and the
 * accept dialog takes the operator passphrase and the custodians' shares in
 * turn. A wrong operator passphrase changes nothing (throttle.json aside);
 * two good shares accept the copy, and the store opens again.
 */
import { cp, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { snapshotFolder } from '../../support/store';
import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, hostCall, unlockInPage, withHostSession } from './flows';

const CUSTODIANS = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'];
test.describe.configure({ timeout: 300_000 });
test.use({ witness: true });

async function wordsOf(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  return text
    .slice(text.indexOf('-----BEGIN ROOTKEEPER SHARE-----') + 32, text.indexOf('-----END'))
    .replace(/\s*\d+\s+/g, ' ')
    .trim();
}

test('a rolled-back custody store is accepted with two custodians’ shares; a wrong operator passphrase changes nothing', async ({
  harness,
}) => {
  const { page } = harness;
  const shares = path.join(harness.userDataDir, 'shares');
  await hostCall(harness, 'createStore', {
    rootSubject: 'CN=Rollback Custody Root CA',
    operatorPassphrase: OPERATOR_PASSPHRASE,
    custody: {
      threshold: 2,
      custodians: CUSTODIANS.map((name) => ({ name, pin: null })),
      shareOut: harness.host.folders.register(shares),
    },
  });
  const file = async (index: number) =>
    path.join(
      shares,
      (await readdir(shares)).find((name) => name.startsWith(`share-${index}-`) && name.endsWith('.txt'))!,
    );
  const earlier = path.join(harness.userDataDir, 'earlier');
  await cp(harness.storeDir, earlier, { recursive: true });
  await withHostSession(harness, async () => {
    const rootShares = await Promise.all(
      [1, 2].map(async (index) => ({ text: await readFile(await file(index), 'utf8'), label: `share ${index}` })),
    );
    await hostCall(harness, 'createIntermediate', { subject: 'CN=Later Issuing CA', rootShares });
  });
  await rm(harness.storeDir, { recursive: true });
  await cp(earlier, harness.storeDir, { recursive: true });

  await harness.open();
  await page.getByTestId('operator-passphrase').fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('unlock-error')).toContainText('This store was rolled back to record');
  await page.getByTestId('accept-rollback').click();
  await expect(page.getByTestId('rollback-custody')).toContainText('any 2 of the 3 shares');
  await expect(page.getByTestId('rollback-accept')).toBeDisabled();
  const before = await snapshotFolder(harness.storeDir, ['throttle.json']);

  await page.getByTestId('share-1-words').fill(await wordsOf(await file(3)));
  await page.getByTestId('share-1-check').click();
  await expect(page.getByTestId('share-1-accepted')).toContainText('Grace Hopper');
  await expect(page.getByTestId('rollback-accept')).toBeDisabled();
  await page.getByTestId('share-2-words').fill(await wordsOf(await file(2)));
  await page.getByTestId('share-2-check').click();
  await expect(page.getByTestId('share-2-accepted')).toContainText('Alan Turing');
  await page.getByTestId('rollback-operator').fill('not-the-operator-passphrase');
  await page.getByTestId('rollback-accept').click();
  await expect(page.getByTestId('rollback-error')).toContainText(/passphrase/i);
  expect(await snapshotFolder(harness.storeDir, ['throttle.json'])).toEqual(before);
  // The shares' words never reach the page's text.
  expect(await page.content()).not.toContain(await wordsOf(await file(3)));

  await page.waitForTimeout(1100);
  await page.getByTestId('rollback-operator').fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('rollback-accept').click();
  await expect(page.getByTestId('rollback-accepted')).toContainText('the last seen was record', { timeout: 120_000 });
  await expect(page.getByTestId('rollback-dialog')).toHaveCount(0);
  await unlockInPage(page);
  await expect(page.getByTestId('overview-intermediate')).toContainText('nothing can be issued');
});
