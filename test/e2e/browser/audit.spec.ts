import { readFile } from 'node:fs/promises';
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

test('shows the journal as a timeline, filters it, verifies the chain against the head, and exports it as text', async ({
  harness,
}) => {
  const { page } = harness;
  await storeWithIntermediate(harness);
  const issued = await withHostSession(harness, async () => {
    const made = await issueThroughHost(harness, 'audited.example.com');
    await hostCall(harness, 'revoke', { serial: made.certificate.serial, reason: 'keyCompromise' });
    return made;
  });
  await openUnlocked(harness, 'Audit');
  const timeline = page.getByTestId('audit-timeline');
  await expect(timeline.locator('li').first()).toHaveAttribute('data-type', 'certificate-revoked');
  await expect(timeline).toContainText('Root CA created');
  await expect(timeline).toContainText(`serial ${issued.certificate.serial}`);

  await page.getByTestId('audit-category').selectOption('revocation');
  await expect(timeline.locator('li')).toHaveCount(1);
  await page.getByTestId('audit-category').selectOption('');
  await page.getByTestId('audit-search').fill('audited.example.com');
  await expect(timeline.locator('li[data-type="certificate-issued"]')).toHaveCount(1);
  await page.getByTestId('audit-search').fill('');

  await page.getByTestId('verify-journal').click();
  const head = (await hostCall(harness, 'verifyJournal', {})).head;
  await expect(page.getByTestId('journal-verified')).toContainText(head.chainHash);
  await screenshot(page, 'audit');

  const out = await chooseFolderNext(harness, 'audit');
  await page.getByTestId('export-audit').click();
  await expect(page.getByTestId('written-verified')).toBeVisible();
  const folder = (await page.getByTestId('written-folder').textContent())!;
  expect(path.dirname(folder)).toBe(out);
  const text = await readFile(path.join(folder, 'audit-log.txt'), 'utf8');
  expect(text).toMatch(/certificate-revoked\s+Certificate revoked \(keyCompromise\)\./);
  expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: folder }).status).toBe(0);
});
