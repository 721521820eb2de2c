/**
 * The import commands read their sources as the rest of the CLI reads its
 * inputs: a FIFO, /dev/zero, a folder where a file is expected, a file where
 * a folder is expected, or an oversized file is refused at once with exit 2
 * and a sentence naming it — before any passphrase is read (each source
 * names a passphrase file that does not exist: read first, that would be the
 * error) and with nothing written.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeperInProcess } from '../support/cli-in-process';
import { buildGuideCa, hashTree } from '../support/guide-ca';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';

const NO_FILE = 'file:/nonexistent/passphrase';
const PASSPHRASE_SOURCES: Record<string, string[]> = {
  openssl: ['--root-key-passin', NO_FILE, '--intermediate-key-passin', NO_FILE],
  'easy-rsa': ['--ca-key-passin', NO_FILE],
  files: ['--key-passin', NO_FILE],
};

let dir: string;
let cleanup: () => Promise<void>;
let guide: string;
const cli = (...args: string[]) => rootkeeperInProcess(args, dir);

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-import-reads-'));
  guide = await buildGuideCa(path.join(dir, 'guide'), { rootOnly: true });
}, 120_000);

afterAll(async () => {
  await cleanup();
});

/** A copy of the guide's root folder, to damage. */
async function copyOf(name: string): Promise<string> {
  const copy = path.join(dir, name);
  await cp(guide, copy, { recursive: true });
  return copy;
}

async function refused(args: string[], expected: string): Promise<void> {
  const store = path.join(dir, 'store');
  // Every passphrase source names a file that is not there: read before the source, it would be the error.
  const result = await cli(...args, '--store', store, ...PASSPHRASE_SOURCES[args[1]!]!);
  expect([result.status, result.stderr]).toEqual([2, expect.stringContaining(expected)]);
  expect(result.stderr).not.toMatch(/passphrase/i);
  expect(existsSync(store)).toBe(false);
}

describe('import sources are read bounded and by type', () => {
  it('index.txt as a FIFO is refused by its type, at once', async () => {
    const copy = await copyOf('fifo-index');
    await rm(path.join(copy, 'index.txt'));
    expect(run('mkfifo', [path.join(copy, 'index.txt')]).status).toBe(0);
    const before = await hashTree(path.join(copy, 'certs'));
    await refused(['import', 'openssl', '--root-dir', copy], 'index.txt: this is a pipe (FIFO), not a file.');
    expect(await hashTree(path.join(copy, 'certs'))).toEqual(before);
  });

  it('a FIFO among the certificates of newcerts/ is refused too', async () => {
    const copy = await copyOf('fifo-newcerts');
    expect(run('mkfifo', [path.join(copy, 'newcerts', '1234.pem')]).status).toBe(0);
    await refused(['import', 'openssl', '--root-dir', copy], 'newcerts/1234.pem: this is a pipe (FIFO), not a file.');
  });

  it('the CA certificate as a folder is refused: a folder where a file is expected', async () => {
    const copy = await copyOf('folder-cert');
    await rm(path.join(copy, 'certs/ca.cert.pem'), { force: true });
    await mkdir(path.join(copy, 'certs/ca.cert.pem'));
    await refused(['import', 'openssl', '--root-dir', copy], 'certs/ca.cert.pem: this is a folder, not a file.');
  });

  it('an oversized CRL is refused by its size, before a byte is read', async () => {
    const copy = await copyOf('big-crl');
    const crl = path.join(copy, 'crl/ca.crl.pem');
    await writeFile(crl, '');
    await truncate(crl, 65 * 1024 * 1024);
    await refused(
      ['import', 'openssl', '--root-dir', copy],
      `crl/ca.crl.pem: this file is ${65 * 1024 * 1024} bytes; at most ${64 * 1024 * 1024} are accepted here.`,
    );
  });

  it('--root-dir or --pki naming a file, /dev/zero or nothing is refused as not a folder', async () => {
    const file = path.join(guide, 'index.txt');
    await refused(['import', 'openssl', '--root-dir', file], `${file}: this is a file, not a folder.`);
    await refused(['import', 'easy-rsa', '--pki', '/dev/zero'], '/dev/zero: this is a device, not a folder.');
    await refused(
      ['import', 'openssl', '--root-dir', guide, '--intermediate-dir', path.join(dir, 'missing')],
      `${path.join(dir, 'missing')}: there is no such folder.`,
    );
  });

  it('import files: /dev/zero, a FIFO and an oversized file are refused before the key passphrase is asked', async () => {
    const fifo = path.join(dir, 'files-fifo');
    expect(run('mkfifo', [fifo]).status).toBe(0);
    const big = path.join(dir, 'big.p12');
    await writeFile(big, '');
    await truncate(big, 65 * 1024 * 1024);
    for (const [target, expected] of [
      ['/dev/zero', '/dev/zero: this is a device, not a file.'],
      [fifo, 'files-fifo: this is a pipe (FIFO), not a file.'],
      [big, `big.p12: this file is ${65 * 1024 * 1024} bytes`],
      [path.join(dir, 'nothing-here.pem'), 'nothing-here.pem: there is no such file or folder.'],
    ] as const) {
      await refused(['import', 'files', target], expected);
    }
  });
});
