/**
 * The root on a token, the gaps (SoftHSM2, a fresh token folder): a root
 * held by custodians in shares is copied onto a token with their shares
 * (`custody to-token --root-share`), and is then used with the token's PIN;
 * a second token with the same label and a key under the same id is never
 * taken for the root's (tokens are found by serial), and a store file edited
 * to name it is refused as tampering — or, for a version-1 store file, which
 * has no binding MAC, because the journal recorded another token; nothing
 * changes.
 */
import { createHmac } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeChecked } from '../../src-main/store/checked-file';
import { openSlot, readKeyring } from '../../src-main/store/keyring';
import { JOURNAL_HEAD_FILE } from '../../src-main/store/layout';
import { subkey } from '../../src-main/vault/secrets';
import { TEST_KDF_POLICY } from '../support/kdf';
import { listTokens, openToken } from '../../src-main/custody/token/pkcs11-token';
import { generateTokenKey } from '../../src-main/custody/token/token-key';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run, type RunResult } from '../support/run';
import { SOFTHSM_MODULE, TOKEN_PIN, softHsmTokens } from '../support/softhsm';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const OPERATOR = 'velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
const KEY_ID = '5b01';
const SLOW = 480_000;

let dir: string;
let cleanup: () => Promise<void>;
let first: string;
let lookalike: string;
const outputs: string[] = [];
const at = (...parts: string[]) => path.join(dir, ...parts);
function cli(...args: string[]): RunResult {
  const result = rootkeeper(args, { cwd: dir });
  outputs.push(result.stdout, result.stderr);
  return result;
}
const unlocked = (...args: string[]) => cli(...args, '--store', 'ca', '--operator-passin', `pass:${OPERATOR}`);
const withPin = (...args: string[]) => unlocked(...args, '--root-pin-passin', `pass:${TOKEN_PIN}`);

/**
 * Rewrites the store as a version-1 store (no binding, and a head naming no
 * store-file generation) as rollback.test.ts does: the head's MAC is made
 * with the store's head key, from the operator passphrase.
 */
async function asVersion1(store: string): Promise<void> {
  const file = path.join(store, 'rootkeeper-store.json');
  const { body } = JSON.parse(await readFile(file, 'utf8')) as { body: Record<string, unknown> };
  delete body.binding;
  body.version = 1;
  await writeFile(file, encodeChecked(body));
  const keyring = (await readKeyring(store))!;
  const dataKey = await openSlot(keyring, 'operator-data-key', OPERATOR, TEST_KDF_POLICY, 'operator');
  const headFile = path.join(store, JOURNAL_HEAD_FILE);
  const head = (JSON.parse(await readFile(headFile, 'utf8')) as { body: { sequence: number; chainHash: string } }).body;
  const mac = createHmac('sha256', subkey(dataKey, 'journal-head', keyring.storeId))
    .update(`rootkeeper-journal-head|${keyring.storeId}|${head.sequence}|${head.chainHash}`)
    .digest('hex');
  const v1 = {
    format: 'rootkeeper-journal-head',
    version: 1,
    storeId: keyring.storeId,
    sequence: head.sequence,
    chainHash: head.chainHash,
    mac,
  };
  await writeFile(headFile, encodeChecked(v1));
}

async function state() {
  return { files: await snapshotFolder(at('ca'), ['throttle.json']), log: unlocked('audit', 'log').stdout };
}

beforeAll(async () => {
  requireBuiltCli();
  expect(SOFTHSM_MODULE, 'SoftHSM2 is installed by .ci/run (Debian softhsm2)').toBeDefined();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-token-gaps-'));
  // Two tokens with one label: only the serial tells them apart.
  await softHsmTokens(dir, ['Root token', 'Root token']);
  [first, lookalike] = listTokens(SOFTHSM_MODULE!).map((token) => token.serial) as [string, string];
  const init = cli(
    'init',
    '--store',
    'ca',
    '--root-subject',
    'CN=Custody Root CA, O=Acme',
    '--root-custody',
    '2-of-3',
    '--custodian',
    'Ada Lovelace',
    '--custodian',
    'Alan Turing',
    '--custodian',
    'Katherine Johnson',
    '--share-out',
    'shares',
    '--operator-passout',
    `pass:${OPERATOR}`,
    ...FAST_KDF,
  );
  expect(init.status, init.stderr).toBe(0);
}, SLOW);
afterAll(() => cleanup());

describe('custody to-token with the custodians’ shares', () => {
  it(
    'copies a root held in shares onto the token; the token then signs the root CRL',
    async () => {
      const moved = unlocked(
        'custody',
        'to-token',
        '--root-token',
        first,
        '--root-pkcs11-module',
        SOFTHSM_MODULE!,
        '--root-pin-passin',
        `pass:${TOKEN_PIN}`,
        '--root-share',
        'file:shares/share-1-Ada-Lovelace.txt',
        '--root-share',
        'file:shares/share-3-Katherine-Johnson.txt',
        '--root-key-id',
        KEY_ID,
        '--wipe-root-slot',
      );
      expect(moved.status, moved.stderr).toBe(0);
      expect(moved.stdout).toMatch(new RegExp(`The root key is on token ${first} \\(key id ${KEY_ID}\\)`));
      const storeFile = JSON.parse(await readFile(at('ca', 'rootkeeper-store.json'), 'utf8'));
      expect(storeFile.body.slots.root).toMatchObject({ kind: 'token', serial: first, keyId: KEY_ID });

      const crl = withPin('crl', '--ca', 'root', '--out', 'root.crl');
      expect(crl.status, crl.stderr).toBe(0);
      expect(
        run('openssl', ['crl', '-inform', 'DER', '-in', 'root.crl', '-out', 'root.crl.pem'], { cwd: dir }).status,
      ).toBe(0);
      await writeFile(at('root.der'), Buffer.from(storeFile.body.certificates.root, 'base64'));
      run('openssl', ['x509', '-inform', 'DER', '-in', 'root.der', '-out', 'root.pem'], { cwd: dir });
      const verified = run('openssl', ['crl', '-in', 'root.crl.pem', '-noout', '-CAfile', 'root.pem'], { cwd: dir });
      expect(verified.stdout + verified.stderr).toMatch(/verify OK/);
      const log = unlocked('audit', 'log').stdout;
      expect(log).toMatch(new RegExp(`Root key copied onto PKCS#11 token ${first} \\(key id ${KEY_ID}\\)`));
      // The shares no longer open anything: the store keeps only the token slot.
      const shares = unlocked(
        'crl',
        '--ca',
        'root',
        '--out',
        'x.crl',
        '--root-share',
        'file:shares/share-1-Ada-Lovelace.txt',
        '--root-share',
        'file:shares/share-2-Alan-Turing.txt',
      );
      expect(shares.status).toBe(2);
      expect(shares.stderr).toMatch(new RegExp(`The root key lives on PKCS#11 token ${first}`));
    },
    SLOW,
  );
});

describe('another token with the same label', () => {
  it(
    'only a look-alike plugged in (same label, a key under the same id) is exit 2 naming the serial; nothing changed',
    async () => {
      const token = openToken({ modulePath: SOFTHSM_MODULE!, serial: lookalike });
      try {
        token.login(TOKEN_PIN);
        await generateTokenKey(token, 'ec-p384', KEY_ID);
      } finally {
        token.close();
      }
      // A token folder holding only the look-alike: the recorded token is unplugged.
      await cp(at('tokens'), at('lookalike-only'), { recursive: true });
      const onlyConf = at('lookalike-only.conf');
      await writeFile(
        onlyConf,
        `directories.tokendir = ${at('lookalike-only')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
      );
      const env = { ...process.env, SOFTHSM2_CONF: onlyConf };
      const deleted = run('softhsm2-util', ['--delete-token', '--serial', first], { env });
      expect(deleted.status, deleted.stderr).toBe(0);
      const before = await state();
      const refused = rootkeeper(
        [
          'crl',
          '--ca',
          'root',
          '--out',
          'lookalike.crl',
          '--store',
          'ca',
          '--operator-passin',
          `pass:${OPERATOR}`,
          '--root-pin-passin',
          `pass:${TOKEN_PIN}`,
        ],
        { cwd: dir, env },
      );
      outputs.push(refused.stdout, refused.stderr);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(
        new RegExp(`No token with serial ${first} is present\\. Tokens present: ${lookalike} \\("Root token"\\)\\.`),
      );
      expect(await state()).toEqual(before);
    },
    SLOW,
  );

  it(
    'a store file edited to name the look-alike is refused as tampering (exit 4) before any PIN reaches a token',
    async () => {
      const file = at('ca', 'rootkeeper-store.json');
      const original = await readFile(file, 'utf8');
      const parsed = JSON.parse(original) as { body: { slots: { root: { serial: string } } } };
      parsed.body.slots.root.serial = lookalike;
      // The checksum is recomputed; the binding MAC under the data key is not (it cannot be without it).
      await writeFile(file, encodeChecked(parsed.body));
      const before = await state();
      const refused = withPin('crl', '--ca', 'root', '--out', 'edited.crl');
      expect(refused.status).toBe(4);
      expect(refused.stderr).toMatch(/rootkeeper-store\.json: its binding to the journal does not authenticate/);
      expect(await state()).toEqual(before);
      await writeFile(file, original);
      const restored = withPin('crl', '--ca', 'root', '--out', 'after.crl');
      expect(restored.status, restored.stderr).toBe(0);
    },
    SLOW,
  );

  it(
    'a version-1 store file (no binding MAC to refuse it) edited to name the look-alike is refused by the journal’s record (exit 2)',
    async () => {
      const file = at('ca', 'rootkeeper-store.json');
      const head = at('ca', JOURNAL_HEAD_FILE);
      const original = { file: await readFile(file), head: await readFile(head) };
      // A store made before the binding existed: version 1 and a version-1 head, still opened as they are.
      await asVersion1(at('ca'));
      const parsed = JSON.parse(await readFile(file, 'utf8')) as { body: { slots: { root: { serial: string } } } };
      parsed.body.slots.root.serial = lookalike;
      await writeFile(file, encodeChecked(parsed.body));
      const before = await state();
      const refused = withPin('crl', '--ca', 'root', '--out', 'v1-edited.crl');
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(
        `The store file names token ${lookalike} (key id ${KEY_ID}) for the root, but the journal recorded token ${first} (key id ${KEY_ID}): refused.`,
      );
      expect(await state()).toEqual(before);
      await writeFile(file, original.file);
      await writeFile(head, original.head);
      const restored = withPin('crl', '--ca', 'root', '--out', 'after-v1.crl');
      expect(restored.status, restored.stderr).toBe(0);
    },
    SLOW,
  );

  it('never printed the PIN', () => {
    for (const text of outputs) expect(text).not.toContain(TOKEN_PIN);
  });
});
