/**
 * The Custody section with the real main-side operations: a passphrase root
 * split 2-of-3 (one custodian with a PIN, typed twice), the share files and
 * cards written by the main side to the chosen folder and listed with the
 * SHA-256 they really have — never a share's words on the page; a custodian
 * checking their share (typed, or their share file opened) against the
 * store, a mistyped or PIN-less one refused by name with nothing changed;
 * then a new share set issued by a quorum of the current shares, after which
 * an old share is named as replaced.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../support/run';
import { snapshotFolder } from '../../support/store';
import { expect, test } from '../harness/fixtures';
import {
  OPERATOR_PASSPHRASE,
  ROOT_PASSPHRASE,
  chooseFolderNext,
  dropFiles,
  goTo,
  hostCall,
  unlockInPage,
} from './flows';

const PIN = 'tulip-4821-xyz';
const SLOW = { timeout: 120_000 };
test.describe.configure({ timeout: 300_000 });

async function wordsOf(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  return text
    .slice(text.indexOf('-----BEGIN ROOTKEEPER SHARE-----') + 32, text.indexOf('-----END'))
    .replace(/\s*\d+\s+/g, ' ')
    .trim();
}

async function shareFile(folder: string, index: number): Promise<string> {
  const name = (await readdir(folder)).find((file) => file.startsWith(`share-${index}-`) && file.endsWith('.txt'));
  return path.join(folder, name!);
}

test('splits a passphrase root 2-of-3 with a PIN, checks shares, and reshares by quorum', async ({ harness }) => {
  const { page } = harness;
  await hostCall(harness, 'createStore', {
    rootSubject: 'CN=Custody Panel Root CA, O=Example Ltd',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
  });
  await harness.open();
  await unlockInPage(page);
  await goTo(page, 'Custody');
  await expect(page.getByTestId('custody-mode')).toHaveText('the root passphrase');
  await expect(page.getByTestId('custody-verify')).toHaveCount(0);

  // The plan is checked on the page first: PINs typed twice alike, a folder.
  for (const [index, name] of ['Ada Lovelace', 'Alan Turing', 'Грейс Хоппер'].entries())
    await page.getByTestId(`plan-custodian-${index + 1}`).fill(name);
  await page.getByTestId('plan-protect-2').check();
  // The main side's shortest PIN (6 characters), checked here first.
  await page.getByTestId('plan-pin-2').fill('48213');
  await page.getByTestId('plan-pin-repeat-2').fill('48213');
  await page.getByTestId('plan-submit').click();
  await expect(page.getByTestId('custody-plan-problems')).toContainText('A PIN has at least 6 characters');
  await page.getByTestId('plan-pin-2').fill(PIN);
  await page.getByTestId('plan-pin-repeat-2').fill('tulip-4821-xyZ');
  await page.getByTestId('plan-submit').click();
  await expect(page.getByTestId('custody-plan-problems')).not.toContainText('at least 6');
  await expect(page.getByTestId('custody-plan-problems')).toContainText('The two PINs differ');
  await expect(page.getByTestId('custody-plan-problems')).toContainText('Choose the folder');
  await expect(page.getByTestId('root-dialog')).toHaveCount(0);
  await page.getByTestId('plan-pin-2').fill(PIN);
  await page.getByTestId('plan-pin-repeat-2').fill(PIN);
  const shares = await chooseFolderNext(harness, 'shares-usb');
  await page.getByTestId('plan-choose-folder').click();
  await expect(page.getByTestId('plan-folder')).toHaveText(shares);
  await page.getByTestId('plan-submit').click();

  // The root dialog asks for the root passphrase, and a record of the split.
  await expect(page.getByTestId('root-dialog-facts')).toContainText('any 2 of 3 shares');
  await expect(page.getByTestId('root-dialog-facts')).toContainText('2. Alan Turing (PIN)');
  await page.getByTestId('root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('ceremony-record-wanted').check();
  const usb = await chooseFolderNext(harness, 'record-usb');
  await page.getByTestId('ceremony-record-folder').click();
  await page.getByTestId('ceremony-witnesses').fill('Wendy Witness');
  await page.getByTestId('root-dialog-sign').click();
  await expect(page.getByTestId('custody-done')).toBeVisible(SLOW);

  const files = (await readdir(shares)).sort();
  expect(files).toEqual([
    'SHA256SUMS',
    'share-1-Ada-Lovelace.pdf',
    'share-1-Ada-Lovelace.txt',
    'share-2-Alan-Turing.pdf',
    'share-2-Alan-Turing.txt',
    'share-3-Грейс-Хоппер.pdf',
    'share-3-Грейс-Хоппер.txt',
  ]);
  const listed = page.getByTestId('custody-done').getByTestId('written-files');
  for (const file of files) {
    const digest = createHash('sha256')
      .update(await readFile(path.join(shares, file)))
      .digest('hex');
    const row = listed.locator('tr', { hasText: file });
    await expect(row).toHaveCount(1);
    expect((await row.innerText()).replace(/[\s:]/g, '').toLowerCase()).toContain(digest);
  }
  expect(await readFile(path.join(shares, 'share-2-Alan-Turing.txt'), 'utf8')).toContain(
    'BEGIN ROOTKEEPER PIN-PROTECTED SHARE',
  );
  const content = await page.content();
  for (const index of [1, 3]) expect(content).not.toContain(await wordsOf(await shareFile(shares, index)));
  const json = await page.getByTestId('ceremony-record-json').innerText();
  expect(json).toMatch(/^ceremony-.*-custody-split\.json$/);
  const verified = run(
    'openssl',
    ['dgst', '-sha384', '-verify', 'root-pubkey.pem', '-signature', `${json}.sig`, json],
    {
      cwd: usb,
    },
  );
  expect(verified.stdout.trim(), verified.stderr).toBe('Verified OK');

  // The record, kept in the journal, is written again to another stick: the same bytes, verified by OpenSSL.
  const row = page.getByTestId('ceremony-record-row').filter({ hasText: json });
  await expect(row).toHaveCount(1);
  const again = await chooseFolderNext(harness, 'record-usb-again');
  await page.getByTestId(`rewrite-${json}`).click();
  await expect(page.getByTestId('rewrite-done')).toBeVisible(SLOW);
  const rewritten = path.join(again, json.replace(/\.json$/, ''));
  expect((await readFile(path.join(rewritten, json))).equals(await readFile(path.join(usb, json)))).toBe(true);
  const reverified = run(
    'openssl',
    ['dgst', '-sha384', '-verify', 'root-pubkey.pem', '-signature', `${json}.sig`, json],
    { cwd: rewritten },
  );
  expect(reverified.stdout.trim(), reverified.stderr).toBe('Verified OK');

  // The status now: 2 of 3, the custodians, who has a PIN.
  await expect(page.getByTestId('custody-mode')).toHaveText(/any 2 of 3 custodians' shares/);
  await expect(page.getByTestId('custody-custodian')).toHaveText([
    '1Ada Lovelaceno',
    '2Alan Turingyes',
    '3Грейс Хопперno',
  ]);
  const firstSet = (await page.getByTestId('custody-set').innerText()).trim();

  // Checking shares: a mistyped one named, a PIN-protected one without its PIN refused; nothing written.
  const before = await snapshotFolder(harness.storeDir);
  const good = await wordsOf(await shareFile(shares, 1));
  const words = good.split(' ');
  words[4] = words[4] === 'zoo' ? 'zone' : 'zoo';
  await page.getByTestId('verify-words').fill(words.join(' '));
  await page.getByTestId('verify-check').click();
  await expect(page.getByTestId('verify-error')).toContainText('mistyped');
  await expect(page.getByTestId('verify-error')).not.toContainText('passphrase');
  await page.getByTestId('verify-words').fill(good);
  await page.getByTestId('verify-check').click();
  await expect(page.getByTestId('verify-result')).toContainText(
    `share 1 of 3 (any 2 open the root), custodian Ada Lovelace, of the current share set ${firstSet}`,
  );
  await page.getByTestId('verify-file').setInputFiles(path.join(shares, 'share-2-Alan-Turing.txt'));
  await expect(page.getByTestId('verify-file-name')).toHaveText('share-2-Alan-Turing.txt');
  await page.getByTestId('verify-check').click();
  await expect(page.getByTestId('verify-error')).toContainText('PIN');
  await page.getByTestId('verify-file').setInputFiles(path.join(shares, 'share-2-Alan-Turing.txt'));
  await page.getByTestId('verify-pin').fill(PIN);
  await page.getByTestId('verify-check').click();
  await expect(page.getByTestId('verify-result')).toContainText('share 2 of 3');
  await expect(page.getByTestId('verify-result')).toContainText('custodian Alan Turing');
  // A share file dropped on the form is read as typed words would be.
  const third = await shareFile(shares, 3);
  await dropFiles(page, 'custody-verify', [{ name: path.basename(third), bytes: await readFile(third) }]);
  await expect(page.getByTestId('verify-file-name')).toHaveText(path.basename(third));
  await page.getByTestId('verify-check').click();
  await expect(page.getByTestId('verify-result')).toContainText('share 3 of 3');
  await expect(page.getByTestId('verify-result')).toContainText('custodian Грейс Хоппер');
  expect(await snapshotFolder(harness.storeDir, ['throttle.json'])).toEqual(
    Object.fromEntries(Object.entries(before).filter(([name]) => name !== 'throttle.json')),
  );

  // A new share set: the quorum of current shares in the root dialog, then every old share is useless.
  for (const [index, name] of ['Ada Lovelace', 'Alan Turing', 'Edsger Dijkstra'].entries())
    await page.getByTestId(`plan-custodian-${index + 1}`).fill(name);
  // The PINs were cleared once sent: a protected share must have its PIN typed anew, or go without.
  await page.getByTestId('plan-submit').click();
  await expect(page.getByTestId('custody-plan-problems')).toContainText('A PIN has at least 6 characters');
  await page.getByTestId('plan-protect-2').uncheck();
  const next = await chooseFolderNext(harness, 'shares-usb-2');
  await page.getByTestId('plan-choose-folder').click();
  await page.getByTestId('plan-submit').click();
  await expect(page.getByTestId('root-dialog-custody')).toContainText('any 2 of the 3 shares');
  await page.getByTestId('share-1-words').fill(good);
  await page.getByTestId('share-1-check').click();
  await expect(page.getByTestId('share-1-accepted')).toContainText('Ada Lovelace');
  await page.getByTestId('share-2-words').fill(await wordsOf(await shareFile(shares, 3)));
  await page.getByTestId('share-2-check').click();
  await expect(page.getByTestId('share-2-accepted')).toContainText('Грейс Хоппер');
  await page.getByTestId('root-dialog-sign').click();
  await expect(page.getByTestId('custody-done-summary')).toContainText(`replacing ${firstSet}`, SLOW);
  expect((await readdir(next)).filter((name) => name.endsWith('.txt'))).toHaveLength(3);
  const secondSet = (await page.getByTestId('custody-set').innerText()).trim();
  expect(secondSet).not.toBe(firstSet);

  await page.getByTestId('verify-words').fill(good);
  await page.getByTestId('verify-check').click();
  await expect(page.getByTestId('verify-error')).toContainText('which resharing replaced');
  await page.getByTestId('verify-words').fill(await wordsOf(await shareFile(next, 3)));
  await page.getByTestId('verify-check').click();
  await expect(page.getByTestId('verify-result')).toContainText('custodian Edsger Dijkstra');
  expect(harness.foreignRequests).toEqual([]);
});
