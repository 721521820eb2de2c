/**
 * Root custody in the window, with the real main-side operations: the key
 * ceremony puts the root in 2-of-3 custody (share files and cards listed
 * with the SHA-256 the files really have; status on the overview), and the
 * root dialog takes the custodians' shares in turn, each checked at once:
 * another store's share, a mistyped one and a repeated one are named as
 * such (never "wrong passphrase"), two good ones sign the root CRL with a
 * ceremony record that OpenSSL verifies. No share word ever reaches the page.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSubject } from '../../../src-main/engine/names';
import { createStore } from '../../../src-main/store/store';
import { TEST_KDF_COST } from '../../support/kdf';
import { run } from '../../support/run';
import { snapshotFolder, testEnvironment } from '../../support/store';
import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, chooseFolderNext, goTo, hostCall, unlockInPage } from './flows';

const CUSTODIANS = ['Ada Lovelace', 'Alan Turing', 'Грейс Хоппер'];
/** Share cards are PDFs with embedded font subsets and a QR code: generous room on a loaded machine. */
const SLOW = { timeout: 120_000 };
test.describe.configure({ timeout: 300_000 });

/** A share file's words alone, as a custodian reads them off their card. */
async function wordsOf(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  return text
    .slice(text.indexOf('-----BEGIN ROOTKEEPER SHARE-----') + 32, text.indexOf('-----END'))
    .replace(/\s*\d+\s+/g, ' ')
    .trim();
}

/** The share file of custodian `index` in a folder of share files. */
async function shareFile(folder: string, index: number): Promise<string> {
  const name = (await readdir(folder)).find((file) => file.startsWith(`share-${index}-`) && file.endsWith('.txt'));
  return path.join(folder, name!);
}

test('the ceremony puts the root in 2-of-3 custody: the share files and cards with their hashes, and the overview says so', async ({
  harness,
}) => {
  const { page } = harness;
  await harness.open();
  await expect(page.getByRole('heading', { name: 'Create the root CA' })).toBeVisible();
  await page.getByTestId('root-CN').fill('Custody Root CA');
  await page.getByTestId('root-O').fill('Example Ltd');
  await page.getByTestId('holding-custody').check();
  await expect(page.getByTestId('root-pass')).toHaveCount(0);

  // Without names and a folder the plan is refused on the page, before anything is made.
  await page.getByTestId('operator-pass').fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('operator-pass-repeat').fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('create-root').click();
  await expect(page.getByTestId('ceremony-problems')).toContainText('Custodian 1: Give the custodian’s name');
  await expect(page.getByTestId('ceremony-problems')).toContainText('Folder for the shares: Choose the folder');

  for (const [index, name] of CUSTODIANS.entries()) await page.getByTestId(`custodian-${index + 1}`).fill(name);
  await page.getByTestId('custody-threshold').fill('2');
  const shares = await chooseFolderNext(harness, 'shares-usb');
  await page.getByTestId('choose-share-folder').click();
  await expect(page.getByTestId('share-folder')).toHaveText(shares);
  await expect(page.getByTestId('ceremony-problems')).toHaveCount(0);
  await page.getByTestId('create-root').click();
  await expect(page.getByTestId('ceremony-done')).toBeVisible(SLOW);

  // Every file listed is on the stick with the SHA-256 shown.
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
  const listed = page.getByTestId('ceremony-shares');
  for (const file of files) {
    const digest = createHash('sha256')
      .update(await readFile(path.join(shares, file)))
      .digest('hex');
    const row = listed.locator('tr', { hasText: file });
    await expect(row).toHaveCount(1);
    expect((await row.innerText()).replace(/[\s:]/g, '').toLowerCase()).toContain(digest);
  }
  const card = run('pdftotext', [path.join(shares, 'share-3-Грейс-Хоппер.pdf'), '-']).stdout;
  expect(card).toContain('Грейс Хоппер');
  expect(card).toContain('Share 3 of 3');
  // The shares went to the stick, not to the page.
  const content = await page.content();
  for (const index of [1, 2, 3]) expect(content).not.toContain(await wordsOf(await shareFile(shares, index)));

  await page.getByTestId('ceremony-finish').click();
  await unlockInPage(page);
  await expect(page.getByTestId('overview-custody-mode')).toHaveText(/any 2 of 3 custodians' shares/);
  await expect(page.getByTestId('overview-custodian')).toHaveText([
    '1. Ada Lovelace',
    '· 2. Alan Turing',
    '· 3. Грейс Хоппер',
  ]);
});

test('the root dialog takes the custodians’ shares in turn, names a foreign, a mistyped and a repeated share, and signs the root CRL with a record', async ({
  harness,
}) => {
  const { page } = harness;
  const shares = path.join(harness.userDataDir, 'shares');
  await hostCall(harness, 'createStore', {
    rootSubject: 'CN=Custody Root CA, O=Example Ltd',
    operatorPassphrase: OPERATOR_PASSPHRASE,
    custody: {
      threshold: 2,
      custodians: CUSTODIANS.map((name) => ({ name, pin: null })),
      shareOut: harness.host.folders.register(shares),
    },
  });
  // Another store's share set, for a share that is not this store's.
  const elsewhere = path.join(harness.userDataDir, 'elsewhere');
  await mkdir(elsewhere);
  await createStore({
    dir: path.join(elsewhere, 'store'),
    rootSubject: parseSubject('CN=Another Root CA'),
    operatorPassphrase: OPERATOR_PASSPHRASE,
    custody: {
      threshold: 2,
      custodians: CUSTODIANS.map((name) => ({ name, pin: null })),
      deliver: async (files) => {
        for (const file of files) await writeFile(path.join(elsewhere, file.name), file.data);
      },
    },
    ...testEnvironment(),
    kdfCost: TEST_KDF_COST,
  });

  await harness.open();
  await unlockInPage(page);
  await goTo(page, 'CRLs');
  const rootOut = await chooseFolderNext(harness, 'root-crl');
  await page.getByTestId('crl-root-generate').click();
  await expect(page.getByTestId('root-dialog-custody')).toContainText('any 2 of the 3 shares');
  await expect(page.getByTestId('root-passphrase')).toHaveCount(0);
  await expect(page.getByTestId('root-dialog-sign')).toBeDisabled();
  const before = await snapshotFolder(harness.storeDir);

  const give = async (position: number, words: string) => {
    await page.getByTestId(`share-${position}-words`).fill(words);
    await page.getByTestId(`share-${position}-check`).click();
  };
  await give(1, await wordsOf(await shareFile(elsewhere, 1)));
  await expect(page.getByTestId('share-1-error')).toContainText('belongs to another store');

  const good = await wordsOf(await shareFile(shares, 1));
  const words = good.split(' ');
  words[5] = words[5] === 'zoo' ? 'zone' : 'zoo';
  await give(1, words.join(' '));
  await expect(page.getByTestId('share-1-error')).toContainText('mistyped');
  await expect(page.getByTestId('share-1-error')).not.toContainText('passphrase');

  await give(1, good);
  await expect(page.getByTestId('share-1-accepted')).toContainText('Share 1 of 3 accepted — Ada Lovelace');
  await expect(page.getByTestId('share-1-words')).toHaveCount(0);
  await give(2, good);
  await expect(page.getByTestId('share-2-error')).toContainText('Share 1 of Ada Lovelace was already given');
  await expect(page.getByTestId('root-dialog-sign')).toBeDisabled();
  await give(2, await wordsOf(await shareFile(shares, 3)));
  await expect(page.getByTestId('share-2-accepted')).toContainText('Share 3 of 3 accepted — Грейс Хоппер');
  // Checking shares changed nothing in the store.
  expect(await snapshotFolder(harness.storeDir)).toEqual(before);

  await page.getByTestId('ceremony-record-wanted').check();
  const usb = await chooseFolderNext(harness, 'record-usb');
  await page.getByTestId('ceremony-record-folder').click();
  await expect(page.getByTestId('ceremony-record-location')).toHaveText(usb);
  await page.getByTestId('ceremony-witnesses').fill('Wendy Witness\nZoë Ølsen');
  await page.getByTestId('root-dialog-sign').click();
  await expect(page.getByTestId('crl-root-done')).toContainText('Root CRL number 1 published', SLOW);

  const json = await page.getByTestId('ceremony-record-json').innerText();
  expect(json).toMatch(/^ceremony-.*-root-crl\.json$/);
  const verified = run(
    'openssl',
    ['dgst', '-sha384', '-verify', 'root-pubkey.pem', '-signature', `${json}.sig`, json],
    { cwd: usb },
  );
  expect(verified.stdout.trim(), verified.stderr).toBe('Verified OK');
  const record = JSON.parse(await readFile(path.join(usb, json), 'utf8'));
  expect(record.witnesses).toEqual(['Wendy Witness', 'Zoë Ølsen']);
  expect(record.custodiansPresent).toEqual([
    { index: 1, name: 'Ada Lovelace' },
    { index: 3, name: 'Грейс Хоппер' },
  ]);
  const crl = run('openssl', [
    'crl',
    '-in',
    path.join(rootOut, 'root-crl-1', 'root.crl'),
    '-inform',
    'DER',
    '-CAfile',
    path.join(usb, 'root-ca.pem'),
    '-noout',
  ]);
  expect(crl.stderr.trim()).toBe('verify OK');
  const content = await page.content();
  for (const index of [1, 3]) expect(content).not.toContain(await wordsOf(await shareFile(shares, index)));

  // The overview names the record of this last root use.
  await goTo(page, 'Overview');
  await expect(page.getByTestId('overview-last-record')).toContainText(`Ceremony record (root-crl) written: ${json}`);
});
