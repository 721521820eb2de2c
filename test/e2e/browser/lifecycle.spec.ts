/**
 * The CA lifecycle in the app (issue 10): intermediate generations with
 * Rotate and Revoke, URL fields checked as typed, one CRL per issuer, the
 * root CRL schedule, and the overview's attention list. The page drives the
 * real operations; OpenSSL judges what was written.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { run } from '../../support/run';
import { snapshotFolder } from '../../support/store';
import { expect, test, type Harness } from '../harness/fixtures';
import {
  ROOT_PASSPHRASE,
  chooseFolderNext,
  dropFiles,
  goTo,
  hostCall,
  issueThroughHost,
  openUnlocked,
  screenshot,
  storeWithIntermediate,
  withHostSession,
} from './flows';

/** A serial as `openssl crl -text` prints it: upper case, padded to whole bytes. */
const opensslSerial = (serial: string) => (serial.length % 2 ? `0${serial}` : serial).toUpperCase();

const FIRST = 'CN=Example Issuing CA, O=Example Ltd, C=GB';

/** A new generation signed by the root through the host, retiring the active one. */
function rotateThroughHost(
  harness: Harness,
  commonName: string,
  links: { issuedCrlUrl?: string; issuedAiaUrl?: string } = {},
) {
  return hostCall(harness, 'createIntermediate', {
    subject: `CN=${commonName}, O=Example Ltd`,
    purpose: 'both',
    rootPassphrase: ROOT_PASSPHRASE,
    rotate: true,
    ...links,
  });
}

/** A certificate as a PEM file in the scratch folder, for openssl's -CAfile. */
async function pemFile(harness: Harness, name: string, pem: string): Promise<string> {
  const file = path.join(harness.userDataDir, `${name}.pem`);
  await writeFile(file, pem);
  return file;
}

/** `openssl crl -verify` of a DER CRL against its issuer; the text of the CRL. */
function verifiedCrl(crlFile: string, issuerPem: string): string {
  const result = run('openssl', [
    'crl',
    '-inform',
    'DER',
    '-in',
    crlFile,
    '-CAfile',
    issuerPem,
    '-noout',
    '-text',
    '-verify',
  ]);
  expect(result.stderr.trim(), result.stderr).toBe('verify OK');
  return result.stdout;
}

function generations(page: Page) {
  return page.getByTestId('generations').getByTestId('generation');
}

async function signWithRoot(page: Page): Promise<void> {
  await page.getByTestId('root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('root-dialog-sign').click();
}

test.describe('the CA lifecycle', () => {
  test('rotates: an https URL is refused beside its field before any passphrase, then two generations, active and retired', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await openUnlocked(harness, 'Intermediate');
    await expect(generations(page)).toHaveCount(1);
    await expect(generations(page).first().getByTestId('generation-status')).toHaveText('Active');

    await expect(page.getByTestId('new-intermediate')).toHaveText('Rotate to a new intermediate…');
    await page.getByTestId('new-intermediate').click();
    // The form says, before anything is asked, what becomes of the active one.
    await expect(page.getByTestId('rotation-consequence')).toContainText(
      `${FIRST} (serial ${(await hostCall(harness, 'listIntermediates', {})).intermediates[0]!.serial}) will be retired: it stops issuing at once, and keeps signing its own CRL`,
    );
    await page.getByTestId('intermediate-CN').fill('Example Issuing CA 2');
    await page.getByTestId('intermediate-O').fill('Example Ltd');

    // An https URL: refused beside the field as it is typed, with the reason, the field not yet left.
    const before = await snapshotFolder(harness.storeDir);
    const journal = await hostCall(harness, 'verifyJournal', {});
    await page.getByTestId('intermediate-issued-crl').pressSequentially('https://pki.example.com/issuing-2.crl');
    await expect(page.getByTestId('intermediate-issued-crl')).toBeFocused();
    await expect(page.getByTestId('intermediate-issued-crl-error')).toHaveText(
      'It uses https://, and clients fetch CRLs without TLS: write http://.',
    );
    await expect(page.getByTestId('intermediate-issued-crl')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('intermediate-issued-crl')).toHaveAttribute(
      'aria-describedby',
      /intermediate-issued-crl-error/,
    );
    // A scheme not yet typed is not faulted while typing.
    await page.getByTestId('intermediate-issued-aia').pressSequentially('pki.exa');
    await expect(page.getByTestId('intermediate-issued-aia-error')).toHaveCount(0);
    await page.getByTestId('intermediate-issued-aia').fill('');
    await page.getByTestId('sign-intermediate').click();
    const problems = page.getByTestId('intermediate-problems');
    await expect(problems).toContainText('Its CRL URL: It uses https://');
    await expect(problems).toContainText('Rotation: An intermediate is active: tick Rotate');
    await expect(page.getByTestId('root-dialog')).toHaveCount(0);
    expect(await snapshotFolder(harness.storeDir)).toEqual(before);
    expect(await hostCall(harness, 'verifyJournal', {})).toEqual(journal);

    await page.getByTestId('intermediate-issued-crl').fill('http://pki.example.com/issuing-2.crl');
    await page.getByTestId('intermediate-issued-aia').fill('http://pki.example.com/issuing-2.cer');
    await page.getByTestId('intermediate-crl').fill('http://pki.example.com/root.crl');
    await page.getByTestId('intermediate-rotate').check();
    await expect(page.getByTestId('intermediate-issued-crl-error')).toHaveCount(0);
    await page.getByTestId('sign-intermediate').click();
    // The root dialog says plainly what happens to the old one.
    await expect(page.getByTestId('root-dialog-rotation')).toContainText(`${FIRST} (serial`);
    await expect(page.getByTestId('root-dialog-rotation')).toContainText(
      'will be retired: it stops issuing at once, and keeps signing its own CRL',
    );
    await expect(page.getByTestId('root-dialog-facts')).toContainText(`Retires${FIRST}`);
    await expect(page.getByTestId('root-dialog-facts')).toContainText(
      'Its CRL URLhttp://pki.example.com/issuing-2.crl',
    );
    await screenshot(page, 'rotate-root-dialog');
    await signWithRoot(page);
    await expect(page.getByTestId('intermediate-done')).toContainText(`${FIRST} is retired`);

    await expect(generations(page)).toHaveCount(2);
    const [active, retired] = [generations(page).nth(0), generations(page).nth(1)];
    await expect(active.getByTestId('generation-status')).toHaveText('Active');
    await expect(active.getByTestId('generation-subject')).toHaveText('CN=Example Issuing CA 2, O=Example Ltd');
    await expect(active.getByTestId('generation-crl-url')).toContainText('http://pki.example.com/issuing-2.crl');
    await expect(active.getByTestId('generation-aia-url')).toContainText('http://pki.example.com/issuing-2.cer');
    await expect(retired.getByTestId('generation-status')).toHaveText('Retired');
    await expect(retired.getByTestId('generation-subject')).toHaveText(FIRST);
    await screenshot(page, 'generations');

    // What the new generation issues carries its links: read back by openssl.
    const leaf = await issueThroughHost(harness, 'after-rotation.example.com');
    const shown = await hostCall(harness, 'showCertificate', { serial: leaf.certificate.serial });
    expect(shown.detail.issuer).toBe('CN=Example Issuing CA 2, O=Example Ltd');
    const read = run('openssl', ['x509', '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess'], {
      input: shown.detail.pem,
    });
    expect(read.status, read.stderr).toBe(0);
    const text = read.stdout;
    expect(text).toMatch(/URI:http:\/\/pki\.example\.com\/issuing-2\.crl/);
    expect(text).toMatch(/CA Issuers - URI:http:\/\/pki\.example\.com\/issuing-2\.cer/);
    expect(harness.pageErrors).toEqual([]);
  });

  test('revokes a retired CA and then the active one through the root dialog; the root CRL lists both', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await withHostSession(harness, () => rotateThroughHost(harness, 'Example Issuing CA 2'));
    await openUnlocked(harness, 'Intermediate');
    const rootPem = await pemFile(harness, 'root', (await hostCall(harness, 'overview', {})).root.pem);
    await expect(generations(page)).toHaveCount(2);
    const retired = generations(page).nth(1);
    const retiredSerial = (await retired.getByTestId('generation-serial').locator('.token-text').textContent())!;

    const first = await chooseFolderNext(harness, 'revoke-1');
    await retired.getByTestId('generation-revoke').click();
    await expect(page.getByTestId('root-dialog-facts')).toContainText(`Revokes${FIRST}`);
    await expect(page.getByTestId('revoke-ca-active-warning')).toHaveCount(0);
    await page.getByTestId('revoke-ca-reason').selectOption('cACompromise');
    await signWithRoot(page);
    await expect(page.getByTestId('revoke-ca-done')).toContainText('The root signed its CRL number 1 (1 entry)');
    await expect(page.getByTestId('revoke-ca-no-active')).toHaveCount(0);
    await expect(generations(page).nth(1).getByTestId('generation-status')).toHaveText('Revoked');
    await expect(generations(page).nth(1).getByTestId('generation-revoke')).toHaveCount(0);
    const firstCrl = verifiedCrl(path.join(first, 'root-crl-1', 'root.crl'), rootPem);
    expect(firstCrl).toContain(`Serial Number: ${opensslSerial(retiredSerial)}`);
    expect(firstCrl).toMatch(/CA Compromise/);

    // The active one: the dialog warns that nothing will issue until a rotation.
    const activeSerial = (await generations(page)
      .nth(0)
      .getByTestId('generation-serial')
      .locator('.token-text')
      .textContent())!;
    const second = await chooseFolderNext(harness, 'revoke-2');
    await generations(page).nth(0).getByTestId('generation-revoke').click();
    await expect(page.getByTestId('revoke-ca-active-warning')).toContainText(
      'no intermediate issues anything until you rotate to a new one',
    );
    await screenshot(page, 'revoke-active-dialog');
    await signWithRoot(page);
    await expect(page.getByTestId('revoke-ca-no-active')).toContainText('nothing can be issued until you rotate');
    await expect(page.getByTestId('no-active-intermediate')).toBeVisible();
    await expect(page.getByTestId('new-intermediate')).toHaveText('Create a new intermediate…');
    const secondCrl = verifiedCrl(path.join(second, 'root-crl-2', 'root.crl'), rootPem);
    expect(secondCrl).toContain(`Serial Number: ${opensslSerial(retiredSerial)}`);
    expect(secondCrl).toContain(`Serial Number: ${opensslSerial(activeSerial)}`);
    expect(secondCrl).toMatch(/X509v3 CRL Number:\s+2/);

    // Issuing is refused by the operations, as the page said.
    const refused = await harness.host.dispatch('issueCertificate', {
      profile: 'server',
      commonName: 'nobody.example.com',
      sans: [],
      keyPassphrase: null,
      destination: harness.host.folders.register(path.join(harness.userDataDir, 'nothing')),
    });
    expect(refused.ok).toBe(false);
    expect(harness.pageErrors).toEqual([]);
  });

  test('publishes one CRL per live issuer into a new folder, each beside its certificate; openssl verifies each', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    const { revokedLeaf } = await withHostSession(harness, async () => {
      const leaf = await issueThroughHost(harness, 'gone.example.com');
      await hostCall(harness, 'revoke', { serial: leaf.certificate.serial, reason: 'keyCompromise' });
      await rotateThroughHost(harness, 'Example Issuing CA 2');
      const third = await rotateThroughHost(harness, 'Example Issuing CA 3', {
        issuedCrlUrl: 'http://pki.example.com/crl/issuing-3.crl',
        issuedAiaUrl: 'http://pki.example.com/ca/issuing-3.cer',
      });
      // The second generation is revoked by the root: it signs no CRL of its own any more.
      const second = (await hostCall(harness, 'listIntermediates', {})).intermediates.find(
        (generation) => generation.subject === 'CN=Example Issuing CA 2, O=Example Ltd',
      )!;
      await hostCall(harness, 'revokeAuthority', { serial: second.serial, rootPassphrase: ROOT_PASSPHRASE });
      return { revokedLeaf: leaf.certificate.serial, third };
    });
    await openUnlocked(harness, 'CRLs');
    const rows = page.getByTestId('crl-issuer');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-status', 'active');
    await expect(rows.nth(1)).toHaveAttribute('data-status', 'retired');
    for (const row of await rows.all())
      await expect(row.getByTestId('crl-issuer-number')).toHaveText('never published');

    const out = await chooseFolderNext(harness, 'publish');
    await page.getByTestId('crl-all-generate').click();
    const result = page.getByTestId('crl-all-result');
    await expect(result).toBeFocused();
    await expect(result.getByTestId('crl-all-item')).toHaveCount(2);
    await expect(result.getByTestId('written-verified')).toBeVisible();
    for (const row of await rows.all()) await expect(row.getByTestId('crl-issuer-number')).toHaveText('1');
    await screenshot(page, 'crls-per-issuer');

    // On disk: a new folder inside the chosen one, each CRL (DER and PEM) beside its issuer's certificate.
    const [folder] = await readdir(out);
    expect(folder).toMatch(/^crls-\d{8}T\d{6}Z$/);
    const files = (await readdir(path.join(out, folder!))).filter((name) => name !== 'SHA256SUMS').sort();
    const listed = await hostCall(harness, 'listIntermediates', {});
    const firstGeneration = listed.intermediates.find((generation) => generation.subject === FIRST)!;
    const firstBase = files.find((name) => name.endsWith(`-${firstGeneration.serial.slice(0, 8)}.crl`))!;
    expect(firstBase).toBeDefined();
    const firstCert = firstBase.replace(/\.crl$/, '.cer');
    expect(files).toEqual(
      [firstBase, `${firstBase}.pem`, firstCert, 'issuing-3.cer', 'issuing-3.crl', 'issuing-3.crl.pem'].sort(),
    );
    for (const [crl, certificate, lists] of [
      [firstBase, firstCert, true],
      ['issuing-3.crl', 'issuing-3.cer', false],
    ] as const) {
      const issuerPem = path.join(harness.userDataDir, `${certificate}.pem`);
      const converted = run('openssl', [
        'x509',
        '-inform',
        'DER',
        '-in',
        path.join(out, folder!, certificate),
        '-out',
        issuerPem,
      ]);
      expect(converted.status, converted.stderr).toBe(0);
      const text = verifiedCrl(path.join(out, folder!, crl), issuerPem);
      // The revoked leaf is on its own issuer's CRL, and on no other.
      expect(text.includes(`Serial Number: ${opensslSerial(revokedLeaf)}`)).toBe(lists);
    }
    expect(await readFile(path.join(out, folder!, 'issuing-3.crl.pem'), 'utf8')).toMatch(/^-----BEGIN X509 CRL-----/);
    expect(harness.pageErrors).toEqual([]);
  });

  test('signs the root CRL schedule in one ceremony; a later revocation makes it obsolete, and the next one supersedes it', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    await withHostSession(harness, () => rotateThroughHost(harness, 'Example Issuing CA 2'));
    await openUnlocked(harness, 'CRLs');
    const rootPem = await pemFile(harness, 'root', (await hostCall(harness, 'overview', {})).root.pem);
    const schedule = page.getByTestId('crl-schedule');
    await expect(schedule.getByTestId('crl-schedule-obsolete')).toHaveCount(0);

    // Checked beside the field before the root is asked for.
    await page.getByTestId('schedule-count').fill('13');
    await page.getByTestId('schedule-sign').click();
    await expect(page.getByTestId('schedule-count-error')).toHaveText('Sign 1 to 12 CRLs.');
    await expect(page.getByTestId('root-dialog')).toHaveCount(0);
    await page.getByTestId('schedule-count').fill('3');
    await page.getByTestId('schedule-interval').fill('30');
    await page.getByTestId('schedule-grace').fill('7');
    const out = await chooseFolderNext(harness, 'schedule');
    await page.getByTestId('schedule-sign').click();
    await expect(page.getByTestId('root-dialog-facts')).toContainText('CRL numbers1 to 3');
    await signWithRoot(page);
    const result = page.getByTestId('schedule-result');
    await expect(result).toBeFocused();
    await expect(result.getByTestId('schedule-supersedes')).toHaveCount(0);
    const items = result.getByTestId('schedule-item');
    await expect(items).toHaveCount(3);
    await screenshot(page, 'crl-schedule');

    const dates = await result.getByTestId('schedule-publish-on').allTextContents();
    const folder = path.join(out, 'root-crl-schedule-1');
    const names = (await readdir(folder)).sort();
    expect(names).toEqual(
      [...dates.map((date, index) => `root-crl-${date}-${index + 1}.crl`), 'README.txt', 'SHA256SUMS'].sort(),
    );
    const start = Date.parse(`${dates[0]}T00:00:00Z`);
    for (const [index, date] of dates.entries()) {
      // 0, 30 and 60 days from now; each valid 7 days past the next one's date.
      expect(Date.parse(`${date}T00:00:00Z`) - start).toBe(index * 30 * 86_400_000);
      const text = verifiedCrl(path.join(folder, `root-crl-${date}-${index + 1}.crl`), rootPem);
      const last = Date.parse(text.match(/Last Update: (.+)/)![1]!);
      const next = Date.parse(text.match(/Next Update: (.+)/)![1]!);
      expect(new Date(last).toISOString().slice(0, 10)).toBe(date);
      expect(next - last).toBe((30 + 7) * 86_400_000);
      expect(text).toMatch(new RegExp(`X509v3 CRL Number:\\s+${index + 1}\\n`));
    }
    expect(await readFile(path.join(folder, 'README.txt'), 'utf8')).toContain(dates[2]);

    // A revocation by the root: the page says the schedule is obsolete.
    const retired = (await hostCall(harness, 'listIntermediates', {})).intermediates.find(
      (generation) => generation.status === 'retired',
    )!;
    await hostCall(harness, 'revokeAuthority', { serial: retired.serial, rootPassphrase: ROOT_PASSPHRASE });
    await goTo(page, 'Overview');
    await goTo(page, 'CRLs');
    await expect(schedule.getByTestId('crl-schedule-obsolete')).toContainText('discard the rest of that schedule');

    const again = await chooseFolderNext(harness, 'schedule-2');
    await page.getByTestId('schedule-sign').click();
    await expect(page.getByTestId('root-dialog-facts')).toContainText('CRL numbers5 to 8');
    await signWithRoot(page);
    await expect(page.getByTestId('schedule-supersedes')).toContainText('discard the remaining files of that one');
    await expect(schedule.getByTestId('crl-schedule-obsolete')).toHaveCount(0);
    expect(await readdir(again)).toEqual(['root-crl-schedule-5']);
    expect(harness.pageErrors).toEqual([]);
  });

  test('the overview lists what needs attention first, each with its action, and each CA’s URLs', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    const soon = await withHostSession(harness, async () => {
      await rotateThroughHost(harness, 'Example Issuing CA 2', {
        issuedCrlUrl: 'http://pki.example.com/issuing-2.crl',
        issuedAiaUrl: 'http://pki.example.com/issuing-2.cer',
      });
      return hostCall(harness, 'issueCertificate', {
        profile: 'server',
        commonName: 'soon.example.com',
        sans: [],
        days: 10,
        keyPassphrase: null,
        destination: harness.host.folders.register(path.join(harness.userDataDir, 'setup', 'soon')),
      });
    });
    await openUnlocked(harness, 'Overview');
    const items = page.getByTestId('attention-item');
    // The active generation issued and never published its CRL (nor did the root, which signed two CAs); a
    // certificate expires in 10 days.
    const never = page
      .locator('[data-testid=attention-item][data-kind=crl-never-published]')
      .filter({ hasText: 'Example Issuing CA 2' });
    await expect(never).toHaveCount(1);
    await expect(never.getByTestId('attention-kind')).toHaveText('CRL never published');
    await expect(never.getByTestId('attention-subject')).toHaveText('CN=Example Issuing CA 2, O=Example Ltd');
    const expiring = page.locator('[data-testid=attention-item][data-kind=certificate-expiring]');
    await expect(expiring.getByTestId('attention-subject')).toHaveText('CN=soon.example.com');
    await expect(expiring.getByTestId('attention-sentence')).toContainText(
      `It expires on ${soon.certificate.notAfter.replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC')}`,
    );
    await expect(
      page
        .locator('[data-testid=attention-item][data-kind=crl-never-published]')
        .filter({ hasText: 'Example Root CA' }),
    ).toHaveCount(1);
    await expect(items).toHaveCount(3);
    // The attention list is the first thing the overview shows.
    const order = await page.evaluate(() => {
      const attention = document.querySelector('[data-testid=attention]')!;
      const root = document.querySelector('[data-testid=overview-root]')!;
      return attention.compareDocumentPosition(root) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).toBeTruthy();

    // Each CA's URLs.
    const urls = page.getByTestId('overview-urls-intermediate');
    await expect(urls).toHaveCount(2);
    await expect(urls.first()).toContainText('http://pki.example.com/issuing-2.crl');
    await expect(urls.first()).toContainText('http://pki.example.com/issuing-2.cer');
    await expect(urls.nth(1)).toContainText('none');
    await screenshot(page, 'overview-attention');

    // Renew → Certificates, on that certificate.
    await expiring.getByTestId('attention-go').click();
    await expect(page.locator('main h1')).toHaveText('Certificates');
    await expect(page.getByTestId('certificate-detail')).toContainText('soon.example.com');
    await expect(page.getByTestId('renew')).toBeVisible();

    // Publish CRL → CRLs; once published, the item is gone.
    await goTo(page, 'Overview');
    await never.getByTestId('attention-go').click();
    await expect(page.locator('main h1')).toHaveText('CRLs');
    await chooseFolderNext(harness, 'crl');
    await page.locator('[data-testid=crl-issuer][data-status=active]').getByTestId('crl-issuer-generate').click();
    await expect(page.getByTestId('crl-issuer-done')).toBeVisible();
    await goTo(page, 'Overview');
    await expect(never).toHaveCount(0);
    await expect(
      page.locator('[data-testid=attention-item][data-kind=crl-due]').filter({ hasText: 'Example Issuing CA 2' }),
    ).toHaveCount(1);

    // Rotate ← no active intermediate.
    const active = (await hostCall(harness, 'listIntermediates', {})).intermediates.find(
      (generation) => generation.status === 'active',
    )!;
    await hostCall(harness, 'revokeAuthority', { serial: active.serial, rootPassphrase: ROOT_PASSPHRASE });
    await goTo(page, 'Certificates');
    await goTo(page, 'Overview');
    const missing = page.locator('[data-testid=attention-item][data-kind=no-active-intermediate]');
    await expect(missing.getByTestId('attention-go')).toHaveText('Rotate');
    await missing.getByTestId('attention-go').click();
    await expect(page.locator('main h1')).toHaveText('Intermediate');
    await expect(page.getByTestId('no-active-intermediate')).toBeVisible();
    expect(harness.pageErrors).toEqual([]);
  });
});

test('a request for a root kept elsewhere is a rotation too: asked for in the form and again when the certificate is dropped', async ({
  harness,
}) => {
  const { page } = harness;
  await storeWithIntermediate(harness);
  await openUnlocked(harness, 'Intermediate');
  await page.getByTestId('request-intermediate').click();
  await expect(page.getByTestId('rotation-consequence')).toContainText(`${FIRST} (serial`);
  await page.getByTestId('intermediate-CN').fill('Offline Issuing CA 2');
  await page.getByTestId('intermediate-issued-aia').fill('ftp://pki.example.com/offline-2.cer');
  await page.getByTestId('write-request').click();
  const problems = page.getByTestId('intermediate-problems');
  await expect(problems).toContainText('Rotation: An intermediate is active: tick Rotate');
  await expect(problems).toContainText('Its certificate URL: It uses ftp://, not http://.');
  // Refused before the folder dialog, the key generation or anything else.
  expect(harness.dialogs.opened).toEqual([]);
  await page.getByTestId('intermediate-issued-aia').fill('http://pki.example.com/offline-2.cer');
  await page.getByTestId('intermediate-rotate').check();
  await chooseFolderNext(harness, 'usb');
  await page.getByTestId('write-request').click();
  await expect(page.getByTestId('intermediate-request-done')).toBeVisible();
  await expect(page.getByTestId('pending-request')).toContainText('CN=Offline Issuing CA 2');
  // The active generation still issues until the signed certificate is imported, and the drop asks to rotate.
  await expect(generations(page).first().getByTestId('generation-status')).toHaveText('Active');
  await dropFiles(page, 'pending-request', [{ name: 'intermediate.pem', bytes: new Uint8Array([0x30, 0x00]) }]);
  await expect(page.getByTestId('import-error')).toHaveText(
    'An intermediate is active: tick Rotate to retire it first.',
  );
  // Ticked, the drop reaches the main side, which refuses these two bytes for what they are.
  await page.getByTestId('import-rotate').check();
  await dropFiles(page, 'pending-request', [{ name: 'intermediate.pem', bytes: new Uint8Array([0x30, 0x00]) }]);
  await expect(page.getByTestId('import-error')).not.toContainText('tick Rotate');
  await expect(page.getByTestId('import-error')).toBeVisible();
  await expect(generations(page)).toHaveCount(1);
  expect(harness.pageErrors).toEqual([]);
});
