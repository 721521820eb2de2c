/**
 * A SoftHSM2 token in a temporary folder: the PKCS#11 token the tests hold
 * roots on. SoftHSM reads SOFTHSM2_CONF when the module is initialised, so
 * the variable is set for this process before any test opens the module.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './run';

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
