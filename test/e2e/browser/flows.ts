/**
 * Steps the workflow tests share. What a test is about it does through the
 * page; what it merely needs (a store, an intermediate) it sets up through
 * the same host the page talks to, with the same operations.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { OperationName, RequestOf, ResponseOf } from '../../../shared/contract';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE } from '../../support/store';
import { expect, type Harness } from '../harness/fixtures';

export { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE };

export async function hostCall<N extends OperationName>(
  harness: Harness,
  operation: N,
  request: RequestOf<N>,
): Promise<ResponseOf<N>> {
  const result = await harness.host.dispatch(operation, request);
  if (!result.ok) throw new Error(`${operation}: ${result.error.message}`);
  return result.value as ResponseOf<N>;
}

/** A store with a root (and, unless asked otherwise, an intermediate for servers and clients), locked again. */
export async function storeWithIntermediate(
  harness: Harness,
  options: { intermediate?: boolean; nameConstraints?: RequestOf<'createIntermediate'>['nameConstraints'] } = {},
): Promise<void> {
  await hostCall(harness, 'createStore', {
    rootSubject: 'CN=Example Root CA, O=Example Ltd, C=GB',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
  });
  if (options.intermediate === false) return;
  await hostCall(harness, 'unlock', { passphrase: OPERATOR_PASSPHRASE });
  await hostCall(harness, 'createIntermediate', {
    subject: 'CN=Example Issuing CA, O=Example Ltd, C=GB',
    purpose: 'both',
    rootPassphrase: ROOT_PASSPHRASE,
    ...(options.nameConstraints ? { nameConstraints: options.nameConstraints } : {}),
  });
  await harness.host.lock();
}

/** Runs setup work in a session of the host's own (the page is not involved), locked again afterwards. */
export async function withHostSession<T>(harness: Harness, work: () => Promise<T>): Promise<T> {
  await hostCall(harness, 'unlock', { passphrase: OPERATOR_PASSPHRASE });
  try {
    return await work();
  } finally {
    await harness.host.lock();
  }
}

/** A server certificate issued for setup, its bundle written under the scratch folder. */
export function issueThroughHost(
  harness: Harness,
  commonName: string,
  sans: RequestOf<'issueCertificate'>['sans'] = [],
): Promise<ResponseOf<'issueCertificate'>> {
  return hostCall(harness, 'issueCertificate', {
    profile: 'server',
    commonName,
    sans,
    keyPassphrase: null,
    destination: harness.host.folders.register(path.join(harness.userDataDir, 'setup', commonName)),
  });
}

export async function unlockInPage(page: Page): Promise<void> {
  await page.getByTestId('operator-passphrase').fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('lock-badge')).toHaveText('Unlocked');
}

/** Follows a link of the sections' navigation. */
export async function goTo(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: title, exact: true }).click();
  await expect(page.locator('main h1')).toHaveText(title);
}

/** Opens the app unlocked, on a section. */
export async function openUnlocked(harness: Harness, title: string): Promise<void> {
  await harness.open();
  await unlockInPage(harness.page);
  await goTo(harness.page, title);
}

/** A folder the dialog double will "choose" next. */
export async function chooseFolderNext(harness: Harness, name: string): Promise<string> {
  const folder = path.join(harness.userDataDir, name);
  await mkdir(folder, { recursive: true });
  harness.dialogs.answer(folder);
  return folder;
}

/** Drops files on an element the way a file manager does: a real DataTransfer holding the bytes. */
export async function dropFiles(
  page: Page,
  testId: string,
  files: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
): Promise<void> {
  const transfer = await page.evaluateHandle(
    (items) => {
      const data = new DataTransfer();
      for (const item of items) data.items.add(new File([new Uint8Array(item.bytes)], item.name));
      return data;
    },
    files.map((file) => ({ name: file.name, bytes: [...file.bytes] })),
  );
  await page.getByTestId(testId).dispatchEvent('dragover', { dataTransfer: transfer });
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer: transfer });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test/artifacts/screenshots/${name}.png`, fullPage: false });
}
