/**
 * The whole of the original OpenSSL guide, done in the app without a
 * terminal: root, intermediate, a server certificate for www.example.com,
 * the chain, and the root exported for Firefox. Then real tools prove the
 * result: openssl verifies the chain, and curl, trusting only the exported
 * root, completes a TLS handshake with a server using the issued bundle.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { run } from '../../support/run';
import { expect, test } from '../harness/fixtures';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, chooseFolderNext, goTo, screenshot, unlockInPage } from './flows';

function curl(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', [
      '--disable',
      '--silent',
      '--show-error',
      '--noproxy',
      '*',
      '--max-time',
      '20',
      ...args,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('carries out the original guide in the app, and the result serves TLS to curl trusting only the exported root', async ({
  harness,
}) => {
  test.setTimeout(90_000);
  const { page } = harness;
  await harness.open();

  // 1. The root.
  await page.getByTestId('root-CN').fill('Alice Ltd Root CA');
  await page.getByTestId('root-O').fill('Alice Ltd');
  await page.getByTestId('root-C').fill('GB');
  for (const id of ['root-pass', 'root-pass-repeat']) await page.getByTestId(id).fill(ROOT_PASSPHRASE);
  for (const id of ['operator-pass', 'operator-pass-repeat']) await page.getByTestId(id).fill(OPERATOR_PASSPHRASE);
  await page.getByTestId('create-root').click();
  await page.getByTestId('ceremony-finish').click();
  await unlockInPage(page);

  // 2. The intermediate, signed by the root.
  await goTo(page, 'Intermediate');
  await page.getByTestId('new-intermediate').click();
  await page.getByTestId('intermediate-CN').fill('Alice Ltd Intermediate CA');
  await page.getByTestId('intermediate-O').fill('Alice Ltd');
  await page.getByTestId('sign-intermediate').click();
  await page.getByTestId('root-passphrase').fill(ROOT_PASSPHRASE);
  await page.getByTestId('root-dialog-sign').click();
  await expect(page.getByTestId('intermediate-done')).toBeVisible();

  // 3. A server certificate for www.example.com.
  await goTo(page, 'Issue');
  await page.getByTestId('issue-cn').fill('www.example.com');
  await page.getByTestId('issue-key-pass').fill('www-key-passphrase');
  await page.getByTestId('issue-key-pass-repeat').fill('www-key-passphrase');
  const usb = await chooseFolderNext(harness, 'usb');
  await page.getByTestId('issue-submit').click();
  await expect(page.getByTestId('written-verified')).toBeVisible();

  // 4. The chain, and 5. the root for Firefox (and every other trust store).
  await goTo(page, 'Exports');
  await chooseFolderNext(harness, 'usb');
  await page.getByTestId('export-chain-write').click();
  await expect(page.getByTestId('export-chain').getByTestId('written-verified')).toBeVisible();
  const kit = await chooseFolderNext(harness, 'usb/trust-kit');
  await page.getByTestId('export-kit-write').click();
  await expect(page.getByTestId('export-kit').getByTestId('written-verified')).toBeVisible();
  await screenshot(page, 'guide-exports');

  // The guide's own checks, with its own tool.
  const bundle = path.join(usb, 'www.example.com');
  const chain = path.join(usb, 'ca-chain', 'ca-chain.cert.pem');
  const rootFile = path.join(
    kit,
    (await readdir(kit)).find((name) => name.endsWith('.crt'))!,
  );
  expect(run('openssl', ['verify', '-CAfile', chain, path.join(bundle, 'www.example.com.cert.pem')]).stdout).toMatch(
    /: OK\n$/,
  );
  // Firefox's enterprise policy installs exactly the exported root (the Firefox interop test loads it into Firefox).
  const policy = JSON.parse(await readFile(path.join(kit, 'firefox', 'policies.json'), 'utf8'));
  expect(policy).toEqual({ policies: { Certificates: { Install: [path.basename(rootFile)] } } });

  // A server with the bundle; curl trusts nothing but the exported root.
  const server = https.createServer(
    {
      cert: await readFile(path.join(bundle, 'www.example.com.fullchain.pem')),
      key: await readFile(path.join(bundle, 'www.example.com.key.pem')),
      passphrase: 'www-key-passphrase',
    },
    (_request, response) => response.end('served by a Rootkeeper certificate\n'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const fetched = await curl([
      '--cacert',
      rootFile,
      '--resolve',
      `www.example.com:${port}:127.0.0.1`,
      `https://www.example.com:${port}/`,
    ]);
    expect(fetched.stderr).toBe('');
    expect(fetched.stdout).toBe('served by a Rootkeeper certificate\n');
    const wrongName = await curl([
      '--cacert',
      rootFile,
      '--resolve',
      `other.example.com:${port}:127.0.0.1`,
      `https://other.example.com:${port}/`,
    ]);
    expect(wrongName.status).not.toBe(0);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  expect(harness.pageErrors).toEqual([]);
});
