/**
 * A SoftHSM2 token in a temporary folder: the PKCS#11 token the tests hold
 * roots on. SoftHSM reads SOFTHSM2_CONF when the module is initialised, so
 * the variable is set for this process before any test opens the module.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { listTokens } from '../../src-main/custody/token/pkcs11-token';
import { run, type RunResult } from './run';

/** Debian's module path (the multiarch one is the same file). */
export const SOFTHSM_MODULE = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
].find((candidate) => existsSync(candidate));

export const TOKEN_PIN = '246810';
export const TOKEN_SO_PIN = '13579111';

/** Points SoftHSM at a fresh token folder under `dir` and initialises one token per label. */
export async function softHsmTokens(dir: string, labels: readonly string[]): Promise<void> {
  const tokens = path.join(dir, 'tokens');
  await mkdir(tokens, { recursive: true });
  const conf = path.join(dir, 'softhsm2.conf');
  await writeFile(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  for (const label of labels) {
    const result = run('softhsm2-util', [
      '--init-token',
      '--free',
      '--label',
      label,
      '--pin',
      TOKEN_PIN,
      '--so-pin',
      TOKEN_SO_PIN,
    ]);
    if (result.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${result.stderr}`);
  }
}

/**
 * Two tokens, "Root token" and "Issuing token", and a store in DIR/ca made
 * by the built CLI (`cli`, run in DIR) with its root key generated on the
 * first under `rootKeyId`; the root certificate is left as DIR/root.pem for
 * openssl. Returns the two tokens' serials.
 */
export async function storeWithRootOnToken(
  dir: string,
  cli: (args: string[]) => RunResult,
  options: { readonly operatorPassphrase: string; readonly rootKeyId: string },
): Promise<{ rootSerial: string; issuingSerial: string }> {
  await softHsmTokens(dir, ['Root token', 'Issuing token']);
  const tokens = listTokens(SOFTHSM_MODULE!);
  const rootSerial = tokens.find((token) => token.label === 'Root token')!.serial;
  const issuingSerial = tokens.find((token) => token.label === 'Issuing token')!.serial;
  const init = cli([
    'init',
    '--store',
    'ca',
    '--root-subject',
    'CN=Token Root CA, O=Acme',
    '--root-token',
    rootSerial,
    '--root-pkcs11-module',
    SOFTHSM_MODULE!,
    '--root-key-id',
    options.rootKeyId,
    '--root-pin-passin',
    `pass:${TOKEN_PIN}`,
    '--operator-passout',
    `pass:${options.operatorPassphrase}`,
    '--kdf-memory',
    '64',
    '--kdf-passes',
    '2',
  ]);
  expect(init.status, init.stderr).toBe(0);
  const storeFile = JSON.parse(await readFile(path.join(dir, 'ca', 'rootkeeper-store.json'), 'utf8'));
  await writeFile(path.join(dir, 'root.der'), Buffer.from(storeFile.body.certificates.root, 'base64'));
  const pem = run('openssl', ['x509', '-inform', 'DER', '-in', 'root.der', '-out', 'root.pem'], { cwd: dir });
  expect(pem.status, pem.stderr).toBe(0);
  return { rootSerial, issuingSerial };
}
