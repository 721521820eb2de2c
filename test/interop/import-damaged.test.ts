/**
 * Damaged sources are refused before anything is written, with the entry
 * named (file, line, serial): an edited index.txt, a certificate from
 * another CA dropped in, a key that does not match, a truncated CRL, an index
 * entry whose certificate is gone. A wrong source passphrase is exit 3. In
 * every case the store folder is not created (or, when it existed, its bytes
 * are unchanged) and the source is untouched.
 */
import { cp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeperInProcess } from '../support/cli-in-process';
import { GUIDE_INTERMEDIATE_PASS, GUIDE_ROOT_PASS, buildGuideCa, hashTree } from '../support/guide-ca';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];

let dir: string;
let cleanup: () => Promise<void>;
let pristine: string;
let copies = 0;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-import-damaged-'));
  pristine = await buildGuideCa(dir);
}, 120_000);

afterAll(async () => {
  await cleanup();
});

/** A copy of the guide's CA, damaged by `damage`. */
async function damagedCopy(damage: (ca: string) => Promise<void>): Promise<string> {
  const ca = path.join(dir, `copy-${++copies}`, 'ca');
  await cp(pristine, ca, { recursive: true });
  await damage(ca);
  return ca;
}

async function importFrom(ca: string, store: string, intermediatePass = GUIDE_INTERMEDIATE_PASS) {
  return rootkeeperInProcess(
    [
      'import',
      'openssl',
      '--store',
      store,
      '--root-dir',
      ca,
      '--root-key-passin',
      `pass:${GUIDE_ROOT_PASS}`,
      '--intermediate-key-passin',
      `pass:${intermediatePass}`,
      '--root-passout',
      ROOT,
      '--operator-passout',
      OPERATOR,
      ...FAST_KDF,
    ],
    dir,
  );
}

/** Runs the import on a damaged copy and checks the refusal: exit 2, the entry named, nothing written, source untouched. */
async function expectRefused(ca: string, pattern: RegExp) {
  const before = await hashTree(ca);
  const store = path.join(dir, `store-${copies}`);
  const result = await importFrom(ca, store);
  expect(result.status, result.stderr).toBe(2);
  expect(result.stdout + result.stderr).toMatch(pattern);
  expect(result.stdout).toContain('Not ready: nothing was written.');
  expect(existsSync(store)).toBe(false);
  expect(await hashTree(ca)).toEqual(before);
  const dry = await rootkeeperInProcess(
    [
      'import',
      'openssl',
      '--store',
      store,
      '--root-dir',
      ca,
      '--dry-run',
      '--json',
      // With the key passphrases, so the dry run also proves each key matches.
      '--root-key-passin',
      `pass:${GUIDE_ROOT_PASS}`,
      '--intermediate-key-passin',
      `pass:${GUIDE_INTERMEDIATE_PASS}`,
    ],
    dir,
  );
  expect(dry.status).toBe(2);
  const report = JSON.parse(dry.stdout) as {
    ready: boolean;
    problems: { file: string; line?: number; serial?: string; message: string }[];
  };
  expect(report.ready).toBe(false);
  const named = report.problems.map(
    (problem) =>
      [problem.file, problem.line ? `line ${problem.line}` : null, problem.serial ? `serial ${problem.serial}` : null]
        .filter(Boolean)
        .join(', ') + `: ${problem.message}`,
  );
  expect(
    named.some((text) => pattern.test(text)),
    named.join('\n'),
  ).toBe(true);
  expect(existsSync(store)).toBe(false);
}

describe('a damaged OpenSSL CA is refused, the entry named', () => {
  it('an index.txt whose subject was edited', async () => {
    const ca = await damagedCopy(async (folder) => {
      const file = path.join(folder, 'intermediate/index.txt');
      await writeFile(file, (await readFile(file, 'utf8')).replace('CN=www.example.com', 'CN=www.evil.example'));
    });
    await expectRefused(
      ca,
      /intermediate\/index\.txt, line 1, serial 1000: the subject is "\/C=GB\/O=Alice Ltd\/CN=www\.evil\.example" here/,
    );
  });

  it('an index.txt whose revocation was removed (the CRL still lists it)', async () => {
    const ca = await damagedCopy(async (folder) => {
      const file = path.join(folder, 'intermediate/index.txt');
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines[1] = lines[1]!.replace(/^R\t(\S+)\t\S+\t/, 'V\t$1\t\t');
      await writeFile(file, lines.join('\n'));
    });
    await expectRefused(
      ca,
      /intermediate\/crl\/intermediate\.crl\.pem, serial 1001: the CRL lists it revoked but intermediate\/index\.txt line 2 says V/,
    );
  });

  it('an index.txt whose expiry was edited', async () => {
    const ca = await damagedCopy(async (folder) => {
      const file = path.join(folder, 'intermediate/index.txt');
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines[2] = lines[2]!.replace(/^V\t\d\d/, 'V\t39');
      await writeFile(file, lines.join('\n'));
    });
    await expectRefused(ca, /intermediate\/index\.txt, line 3, serial 1002: the expiry is 2039/);
  });

  it('a certificate from another CA dropped in', async () => {
    const ca = await damagedCopy(async (folder) => {
      const other = path.join(dir, `foreign-${copies}`);
      await buildGuideCa(other, { rootOnly: true });
      await cp(path.join(other, 'ca/certs/ca.cert.pem'), path.join(folder, 'intermediate/certs/foreign.cert.pem'));
    });
    await expectRefused(ca, /intermediate\/certs\/foreign\.cert\.pem, serial [0-9a-f]+: a certificate from another CA/);
  });

  it('a key that does not match its certificate', async () => {
    const ca = await damagedCopy(async (folder) => {
      const key = path.join(folder, 'intermediate/private/intermediate.key.pem');
      await rm(key, { force: true });
      const made = run('openssl', [
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-aes256',
        '-pass',
        `pass:${GUIDE_INTERMEDIATE_PASS}`,
        '-out',
        key,
      ]);
      expect(made.status, made.stderr).toBe(0);
    });
    await expectRefused(
      ca,
      /intermediate\/private\/intermediate\.key\.pem: this key is not the key of intermediate\/certs\/intermediate\.cert\.pem \(serial 1000\)/,
    );
  });

  it('a truncated CRL', async () => {
    const ca = await damagedCopy(async (folder) => {
      const crl = path.join(folder, 'intermediate/crl/intermediate.crl.pem');
      const size = (await readFile(crl)).length;
      await truncate(crl, Math.floor(size / 2));
    });
    await expectRefused(ca, /intermediate\/crl\/intermediate\.crl\.pem: it is not a readable CRL/);
  });

  it('an index entry whose certificate file is gone', async () => {
    const ca = await damagedCopy(async (folder) => {
      await rm(path.join(folder, 'intermediate/newcerts/1002.pem'));
      await rm(path.join(folder, 'intermediate/certs/vpn.example.com.cert.pem'));
    });
    await expectRefused(
      ca,
      /intermediate\/index\.txt, line 3, serial 1002: no certificate file of this CA has serial 1002 \(looked for intermediate\/newcerts\/1002\.pem\)/,
    );
  });
});

describe('a wrong source passphrase', () => {
  it('is exit 3, and nothing is written', async () => {
    const before = await hashTree(pristine);
    const store = path.join(dir, 'wrong-pass-store');
    const result = await importFrom(pristine, store, 'not-the-passphrase');
    expect(result.status, result.stderr).toBe(3);
    expect(result.stderr).toContain('does not open intermediate/private/intermediate.key.pem');
    expect(existsSync(store)).toBe(false);
    expect(await hashTree(pristine)).toEqual(before);
  });
});

describe('importing into a folder that already holds a store', () => {
  it('is refused, and the store is unchanged to the byte', async () => {
    const store = path.join(dir, 'existing');
    const first = await importFrom(pristine, store);
    expect(first.status, first.stderr).toBe(0);
    const before = await snapshotFolder(store);
    const again = await importFrom(pristine, store);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already holds a Rootkeeper store');
    expect(await snapshotFolder(store)).toEqual(before);
  });
});
