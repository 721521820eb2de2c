/**
 * The root on a token, the gaps (SoftHSM2, a fresh token folder): a root
 * held by custodians in shares is copied onto a token with their shares
 * (`custody to-token --root-share`), and is then used with the token's PIN;
 * a second token with the same label and a key under the same id is never
 * taken for the root's (tokens are found by serial), and a store file edited
 * to name it is refused as tampering; nothing changes.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeChecked } from '../../src-main/store/checked-file';
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

  it('never printed the PIN', () => {
    for (const text of outputs) expect(text).not.toContain(TOKEN_PIN);
  });
});
