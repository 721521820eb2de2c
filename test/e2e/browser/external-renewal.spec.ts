/**
 * Issue 10 items 6 and 7 in the app: an online CA's request dropped on the
 * Intermediate section and signed by the root (then revoked), and batch
 * renewal from the Certificates list. The page drives the real operations;
 * OpenSSL judges what was written.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { opensslCsr } from '../../support/openssl-csr';
import { run } from '../../support/run';
import { snapshotFolder } from '../../support/store';
import { expect, test, type Harness } from '../harness/fixtures';
import {
  ROOT_PASSPHRASE,
  chooseFolderNext,
  dropFiles,
  hostCall,
  openUnlocked,
  screenshot,
  storeWithIntermediate,
  withHostSession,
} from './flows';

const ONLINE = 'CN=Online Issuing CA, O=Example Ltd';

async function pemFile(harness: Harness, name: string, pem: string): Promise<string> {
  const file = path.join(harness.userDataDir, `${name}.pem`);
  await writeFile(file, pem);
  return file;
}

function generations(page: Page) {
  return page.getByTestId('generations').getByTestId('generation');
}

async function signWithRoot(page: Page): Promise<void> {
  await page.getByTestId('root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('root-dialog-sign').click();
}

function openssl(args: string[], input?: string) {
  return run('openssl', args, input === undefined ? {} : { input });
}

test.describe('intermediates for online CAs and batch renewal', () => {
  test('signs a dropped openssl CA request: https CRL URL refused beside its field first, then name constraints read back by openssl, listed External, revoked on the root CRL', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    const work = path.join(harness.userDataDir, 'online-ca');
    await mkdir(work, { recursive: true });
    const csr = await opensslCsr(
      work,
      'online-ca',
      '/CN=Online Issuing CA/O=Example Ltd',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    await openUnlocked(harness, 'Intermediate');
    const rootPem = await pemFile(harness, 'root', (await hostCall(harness, 'overview', {})).root.pem);

    // The picker: a file that is no request is refused beside the drop zone, nothing asked.
    await page.getByTestId('sign-external').click();
    await page
      .getByTestId('external-form')
      .locator('input[type=file]')
      .setInputFiles({ name: 'notes.csr', mimeType: 'text/plain', buffer: Buffer.from('not a request\n') });
    await expect(page.getByTestId('external-request-error')).toBeVisible();
    await expect(page.getByTestId('external-subject')).toHaveCount(0);
    await page.getByTestId('external-form').getByRole('button', { name: 'Cancel' }).click();

    // Dropped anywhere on the section (here on the generations list): the request opens the sign-external form.
    await dropFiles(page, 'generations', [{ name: 'online-ca.csr', bytes: csr }]);
    await expect(page.getByTestId('external-form')).toBeVisible();
    await expect(page.getByTestId('external-subject')).toHaveText(ONLINE);
    await expect(page.getByTestId('external-key')).toContainText('P-256');

    await page.getByTestId('external-days').fill('365');
    await page.getByTestId('external-purpose').selectOption('server');
    await page.getByTestId('nc-permittedDns').fill('example.com');
    await page.getByTestId('nc-excludedDns').fill('public.example.com');
    await page.getByTestId('nc-permittedIp').fill('10.0.0.0/8');

    // An https CRL URL: faulted beside the field as it is typed; submitting asks for neither folder nor passphrase.
    const before = await snapshotFolder(harness.storeDir);
    const journal = await hostCall(harness, 'verifyJournal', {});
    await page.getByTestId('external-crl').pressSequentially('https://pki.example.com/root.crl');
    await expect(page.getByTestId('external-crl')).toBeFocused();
    await expect(page.getByTestId('external-crl-error')).toHaveText(
      'It uses https://, and clients fetch CRLs without TLS: write http://.',
    );
    await expect(page.getByTestId('external-crl')).toHaveAttribute('aria-invalid', 'true');
    await page.getByTestId('nc-permittedIp').fill('10.0.0.0/8\n10.300.0.0/8');
    await page.getByTestId('external-sign').click();
    await expect(page.getByTestId('external-problems')).toContainText("The root's CRL URL: It uses https://");
    await expect(page.getByTestId('external-problems')).toContainText('Name constraints');
    await expect(page.getByTestId('root-dialog')).toHaveCount(0);
    expect(harness.dialogs.opened).toEqual([]);
    expect(await snapshotFolder(harness.storeDir)).toEqual(before);
    expect(await hostCall(harness, 'verifyJournal', {})).toEqual(journal);

    await page.getByTestId('nc-permittedIp').fill('10.0.0.0/8');
    await page.getByTestId('external-crl').fill('http://pki.example.com/root.crl');
    await expect(page.getByTestId('external-crl-error')).toHaveCount(0);
    const out = await chooseFolderNext(harness, 'external-out');
    await page.getByTestId('external-sign').click();
    const facts = page.getByTestId('root-dialog-facts');
    await expect(facts).toContainText(`Online CA${ONLINE}`);
    await expect(facts).toContainText('Its keyECDSA P-256');
    await expect(facts).toContainText('Path length0: it issues end-entity certificates only');
    await expect(facts).toContainText(
      'Name constraintsPermitted DNS domains: example.com; Excluded DNS domains: public.example.com; Permitted IP ranges (CIDR): 10.0.0.0/8',
    );
    await expect(facts).toContainText("Root's CRL URLhttp://pki.example.com/root.crl");
    await screenshot(page, 'external-root-dialog');
    await signWithRoot(page);

    const done = page.getByTestId('external-done');
    await expect(done).toBeVisible();
    await expect(done).toBeFocused();
    const rows = done.getByTestId('written-files').locator('tbody tr');
    const folder = (await done.getByTestId('written-folder').textContent())!;
    expect(path.dirname(folder)).toBe(out);
    // Every file listed is on disk with the hash shown; the certificate, its DER, the chain and the root among them.
    const listed = (await rows.locator('td.file-name').allTextContents()).map((name) => name.trim());
    expect([...listed].sort()).toEqual((await readdir(folder)).sort());
    for (const name of ['ca-chain.cert.pem', 'root.cert.pem']) expect(listed).toContain(name);
    for (const [index, name] of listed.entries()) {
      const digest = createHash('sha256')
        .update(await readFile(path.join(folder, name)))
        .digest('hex');
      const shown = ((await rows.nth(index).locator('td.hash').textContent()) ?? '').replace(/[^0-9a-f]/gi, '');
      expect(shown.toLowerCase(), name).toBe(digest);
    }
    const names = listed;
    const certFile = path.join(
      folder,
      names.find((name) => name.endsWith('.cert.pem') && !/^(ca-chain|root)\./.test(name))!,
    );

    // OpenSSL: it chains to the root, is a CA with pathlen 0, and carries the constraints given.
    const verified = openssl(['verify', '-CAfile', rootPem, certFile]);
    expect(verified.stdout.trim(), verified.stderr).toBe(`${certFile}: OK`);
    const text = openssl(['x509', '-in', certFile, '-noout', '-text']).stdout;
    expect(text).toMatch(/Subject: CN\s?=\s?Online Issuing CA, O\s?=\s?Example Ltd/);
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:example\.com\s+IP:10\.0\.0\.0\/255\.0\.0\.0\s+Excluded:\s+DNS:public\.example\.com/,
    );
    expect(text).toMatch(/URI:http:\/\/pki\.example\.com\/root\.crl/);

    // The online CA's key (openssl's, never in the store) issues a leaf inside the constraints: it verifies; outside: refused.
    const leaf = async (name: string, dns: string) => {
      await opensslCsr(work, name, `/CN=${dns}`, `subjectAltName=DNS:${dns}`);
      const leafFile = path.join(work, `${name}.pem`);
      const signed = openssl([
        'x509',
        '-req',
        '-in',
        path.join(work, `${name}.csr`),
        '-CA',
        certFile,
        '-CAkey',
        path.join(work, 'online-ca.key'),
        '-CAcreateserial',
        '-days',
        '30',
        '-copy_extensions',
        'copy',
        '-out',
        leafFile,
      ]);
      expect(signed.status, signed.stderr).toBe(0);
      return openssl(['verify', '-CAfile', rootPem, '-untrusted', certFile, leafFile]);
    };
    expect((await leaf('inside', 'www.example.com')).status).toBe(0);
    const outside = await leaf('outside', 'www.example.org');
    expect(outside.status).not.toBe(0);
    expect(outside.stdout + outside.stderr).toMatch(/permitted subtree violation/);

    // Listed as External, and revocable on the root CRL.
    await expect(generations(page)).toHaveCount(2);
    const external = generations(page).filter({ hasText: ONLINE });
    await expect(external.getByTestId('generation-status')).toHaveText('External');
    const serial = (await external.getByTestId('generation-serial').locator('.token-text').textContent())!;
    const revokeOut = await chooseFolderNext(harness, 'revoke-external');
    await external.getByTestId('generation-revoke').click();
    await expect(page.getByTestId('root-dialog-facts')).toContainText(`Revokes${ONLINE}`);
    await signWithRoot(page);
    await expect(page.getByTestId('revoke-ca-done')).toContainText('The root signed its CRL number 1 (1 entry)');
    await expect(generations(page).filter({ hasText: ONLINE }).getByTestId('generation-status')).toHaveText('Revoked');
    const crl = openssl([
      'crl',
      '-inform',
      'DER',
      '-in',
      path.join(revokeOut, 'root-crl-1', 'root.crl'),
      '-CAfile',
      rootPem,
      '-noout',
      '-text',
      '-verify',
    ]);
    expect(crl.stderr.trim(), crl.stderr).toBe('verify OK');
    // openssl pads an odd-length serial with a leading 0; the store writes it without.
    const listedSerials = [...crl.stdout.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((match) =>
      match[1]!.replace(/^0+/, '').toLowerCase(),
    );
    expect(listedSerials).toEqual([serial.trim().toLowerCase()]);
    expect(harness.pageErrors).toEqual([]);
  });

  test('renews two soon-expiring certificates to the active intermediate and lists the CSR-issued one as needing a request; a refused attempt changes nothing', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    const work = path.join(harness.userDataDir, 'requests');
    await mkdir(work, { recursive: true });
    const csr = await opensslCsr(work, 'owned', '/CN=owned.example.com', 'subjectAltName=DNS:owned.example.com');
    const setup = (name: string) => harness.host.folders.register(path.join(harness.userDataDir, 'setup', name));
    const old = await withHostSession(harness, async () => {
      const issue = (commonName: string, days: number) =>
        hostCall(harness, 'issueCertificate', {
          profile: 'server',
          commonName,
          sans: [{ type: 'dns', value: commonName }],
          days,
          keyPassphrase: null,
          destination: setup(commonName),
        });
      const first = await issue('a.example.com', 10);
      const second = await issue('b.example.com', 12);
      await issue('later.example.com', 365);
      await hostCall(harness, 'signCsrs', { csrs: [csr], profile: 'server', days: 10, destination: setup('owned') });
      // A rotation: renewals are signed by the active (new) intermediate.
      await hostCall(harness, 'createIntermediate', {
        subject: 'CN=Example Issuing CA 2, O=Example Ltd',
        purpose: 'both',
        rootPassphrase: ROOT_PASSPHRASE,
        rotate: true,
      });
      return [first.certificate.serial, second.certificate.serial];
    });
    const active = (
      await withHostSession(harness, () => hostCall(harness, 'listIntermediates', {}))
    ).intermediates.find((generation) => generation.status === 'active')!;
    await openUnlocked(harness, 'Certificates');
    const rootPem = await pemFile(harness, 'root', (await hostCall(harness, 'overview', {})).root.pem);
    const activePem = await pemFile(
      harness,
      'active',
      (await hostCall(harness, 'showAuthority', { serial: active.serial })).detail.pem,
    );

    // A tick in the list counts one; the helper selects the four expiring within 30 days... of which two are renewable.
    await expect(page.getByTestId('renew-batch-start')).toHaveText('Renew 0…');
    await expect(page.getByTestId('renew-batch-start')).toBeDisabled();
    await page.locator(`[data-serial="${old[0]}"]`).getByTestId('certificate-choose').check();
    await expect(page.getByTestId('renew-batch-start')).toHaveText('Renew 1…');
    await page.getByTestId('renew-within').fill('30');
    await page.getByTestId('renew-select-expiring').click();
    await expect(page.getByTestId('renew-selected')).toHaveText('3 selected');
    await expect(page.getByTestId('renew-batch-start')).toHaveText('Renew 2…');
    await expect(page.getByTestId('renew-need-request')).toContainText('1 certificate issued from a request');
    await expect(page.getByTestId('renew-need-request')).toContainText('CN=owned.example.com');
    await expect(page.locator(`[data-serial="${old[1]}"]`).getByTestId('certificate-choose')).toBeChecked();

    // Refused: the chosen folder already holds a bundle folder of that name; nothing is signed or recorded.
    const taken = await chooseFolderNext(harness, 'taken');
    await mkdir(path.join(taken, 'a.example.com'));
    await writeFile(path.join(taken, 'a.example.com', 'keep.txt'), 'mine');
    const before = await snapshotFolder(harness.storeDir);
    const journal = await hostCall(harness, 'verifyJournal', {});
    await page.getByTestId('renew-batch-start').click();
    await expect(page.getByTestId('renew-batch').getByRole('alert')).toContainText('a.example.com');
    await expect(page.getByTestId('renew-batch-done')).toHaveCount(0);
    expect(await snapshotFolder(harness.storeDir)).toEqual(before);
    expect(await hostCall(harness, 'verifyJournal', {})).toEqual(journal);
    expect(await readFile(path.join(taken, 'a.example.com', 'keep.txt'), 'utf8')).toBe('mine');

    const out = await chooseFolderNext(harness, 'renewed');
    await page.getByTestId('renew-batch-start').click();
    const done = page.getByTestId('renew-batch-done');
    await expect(done).toBeFocused();
    await expect(done.getByRole('heading', { level: 2 })).toHaveText('2 certificates renewed');
    await expect(done.getByTestId('renewed-row')).toHaveCount(2);
    await expect(done.getByTestId('renewed-need-request')).toContainText('CN=owned.example.com');
    await screenshot(page, 'renew-batch-done');

    for (const [index, commonName] of ['a.example.com', 'b.example.com'].entries()) {
      const row = done.getByTestId('renewed-row').filter({ hasText: commonName });
      await expect(row).toContainText(old[index]!);
      await expect(row).toContainText(path.join(out, commonName));
      const certFile = path.join(out, commonName, `${commonName}.cert.pem`);
      const verified = openssl(['verify', '-CAfile', rootPem, '-untrusted', activePem, certFile]);
      expect(verified.stdout.trim(), verified.stderr).toBe(`${certFile}: OK`);
      const text = openssl(['x509', '-in', certFile, '-noout', '-issuer', '-serial', '-ext', 'subjectAltName']).stdout;
      expect(text).toMatch(/issuer=CN\s?=\s?Example Issuing CA 2, O\s?=\s?Example Ltd/);
      expect(text).toContain(`DNS:${commonName}`);
      const newSerial = /serial=([0-9A-F]+)/.exec(text)![1]!;
      expect(newSerial.replace(/^0+/, '').toLowerCase()).not.toBe(old[index]);
      await expect(row).toContainText(newSerial.replace(/^0+/, '').toLowerCase());
    }
    // Nothing was written for the one that needs a request.
    expect((await readdir(out)).sort()).toEqual(['a.example.com', 'b.example.com']);
    // The list shows the new ones; the selection is empty again.
    await done.getByTestId('renew-batch-close').click();
    await expect(done).toHaveCount(0);
    await expect(page.getByTestId('renew-selected')).toHaveText('0 selected');
    await expect(page.getByTestId('certificate-count')).toHaveText('6 certificates');
    expect(harness.pageErrors).toEqual([]);
  });

  test('renews with new keys made here: the passphrase is required before anything is signed, each bundle holds a new encrypted key that matches its certificate', async ({
    harness,
  }) => {
    const { page } = harness;
    await storeWithIntermediate(harness);
    const setup = (name: string) => harness.host.folders.register(path.join(harness.userDataDir, 'setup', name));
    const old = await withHostSession(harness, async () => {
      const issued = await hostCall(harness, 'issueCertificate', {
        profile: 'server',
        commonName: 'rekey.example.com',
        sans: [{ type: 'dns', value: 'rekey.example.com' }],
        days: 10,
        keyPassphrase: null,
        destination: setup('rekey'),
      });
      return issued.certificate.serial;
    });
    const oldKey = path.join(harness.userDataDir, 'setup', 'rekey', 'rekey.example.com', 'rekey.example.com.key.pem');
    const publicKeyOf = (args: string[]) => openssl([...args, '-pubout']).stdout;
    const oldPublic = publicKeyOf(['pkey', '-in', oldKey]);
    expect(oldPublic).toContain('BEGIN PUBLIC KEY');
    await openUnlocked(harness, 'Certificates');

    await page.locator(`[data-serial="${old}"]`).getByTestId('certificate-choose').check();
    await expect(page.getByTestId('renew-batch-start')).toHaveText('Renew 1…');
    await page.getByTestId('renew-batch-key').selectOption('ec-p384');
    // A new key needs a passphrase (or an explicit "unencrypted"): the button waits for it; nothing was signed.
    await expect(page.getByTestId('renew-batch-start')).toBeDisabled();
    await expect(page.getByTestId('renew-batch-pass-error')).toContainText('at least');
    const before = await snapshotFolder(harness.storeDir);
    await page.getByTestId('renew-batch-pass').fill('short');
    await expect(page.getByTestId('renew-batch-start')).toBeDisabled();
    expect(await snapshotFolder(harness.storeDir)).toEqual(before);

    const keyPassphrase = 'renewed keys travel on a USB stick';
    await page.getByTestId('renew-batch-pass').fill(keyPassphrase);
    await expect(page.getByTestId('renew-batch-start')).toBeEnabled();
    const out = await chooseFolderNext(harness, 'rekeyed');
    await page.getByTestId('renew-batch-start').click();
    const done = page.getByTestId('renew-batch-done');
    await expect(done.getByRole('heading', { level: 2 })).toHaveText('1 certificate renewed');
    // The passphrase field is cleared once used.
    await expect(page.getByTestId('renew-batch-pass')).toHaveCount(0);

    const bundle = path.join(out, 'rekey.example.com');
    const keyFile = path.join(bundle, 'rekey.example.com.key.pem');
    const keyPem = await readFile(keyFile, 'utf8');
    expect(keyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(openssl(['pkey', '-in', keyFile, '-passin', 'pass:wrong', '-noout']).status).not.toBe(0);
    const newPublic = publicKeyOf(['pkey', '-in', keyFile, '-passin', `pass:${keyPassphrase}`]);
    const certFile = path.join(bundle, 'rekey.example.com.cert.pem');
    const certPublic = openssl(['x509', '-in', certFile, '-noout', '-pubkey']).stdout;
    expect(newPublic).toBe(certPublic);
    expect(newPublic).not.toBe(oldPublic);
    expect(openssl(['x509', '-in', certFile, '-noout', '-text']).stdout).toContain('NIST CURVE: P-384');
    expect(harness.pageErrors).toEqual([]);
  });
});
