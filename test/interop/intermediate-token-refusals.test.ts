/**
 * An intermediate on a PKCS#11 token (SoftHSM2, a fresh token folder with two
 * tokens), the refusals and the existing key the main suite
 * (intermediate-token-cli.test.ts) leaves out:
 * - through the operations contract, as the app calls it, an existing key
 *   asked for without its id is refused in the very words of the root's
 *   (one key-id check serves both), not searched under a made-up id;
 * - through the built CLI, a key id already on the token without
 *   --use-existing-key, the root's own token key offered as the
 *   intermediate's, and --intermediate-pin-passin for a store whose
 *   intermediate is not on a token;
 * - --use-existing-key HEX takes a key made beforehand with OpenSC's
 *   pkcs11-tool: the certificate carries that key's public key as pkcs11-tool
 *   reads it, and a leaf issued with it verifies under OpenSSL.
 * After every refusal the store's bytes and journal are unchanged, and so is
 * what the tokens hold.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationName, RequestOf, ResponseOf } from '../../shared/contract';
import { openToken } from '../../src-main/custody/token/pkcs11-token';
import { createHost, type Host } from '../../src-main/host';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { TEST_KDF_COST } from '../support/kdf';
import { run, type RunResult } from '../support/run';
import { SOFTHSM_MODULE, TOKEN_PIN, storeWithRootOnToken } from '../support/softhsm';
import { OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, snapshotFolder, testEnvironment } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
const ROOT_KEY_ID = '0a01';
/** The key made beforehand with the vendor's tool (here OpenSC's pkcs11-tool). */
const VENDOR_KEY_ID = 'e5e5';
const SLOW = 480_000;
const EXISTING_WITHOUT_ID = 'An existing token key is named by its id (hex).';

let dir: string;
let cleanup: () => Promise<void>;
let rootSerial: string;
let issuingSerial: string;
const outputs: string[] = [];
const at = (...parts: string[]) => path.join(dir, ...parts);
/** A fresh home for every CLI run (the per-user configuration folder is the test file's own: isolated-config.ts), and SoftHSM's configuration as set. */
const env = () => ({ ...process.env, HOME: at('home') });

function cli(args: string[]): RunResult {
  const result = rootkeeper(args, { cwd: dir, env: env() });
  outputs.push(result.stdout, result.stderr);
  return result;
}
const unlocked = (store: string, ...args: string[]) =>
  cli([...args, '--store', store, '--operator-passin', `pass:${OPERATOR_PASSPHRASE}`]);
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
const rootPin = ['--root-pin-passin', `pass:${TOKEN_PIN}`];
const issuingPin = ['--intermediate-pin-passin', `pass:${TOKEN_PIN}`];

/** A store's files and bytes (the throttle's count aside) and its journal as the audit log reads it. */
async function cliState(store: string) {
  return { files: await snapshotFolder(at(store), ['throttle.json']), log: unlocked(store, 'audit', 'log').stdout };
}

/** Every object on a token: its class, CKA_ID and label; a refusal must neither add nor remove one. */
function tokenObjects(serial: string): string[] {
  const token = openToken({ modulePath: SOFTHSM_MODULE!, serial });
  try {
    token.login(TOKEN_PIN);
    const found = token.session.find({});
    return Array.from({ length: found.length }, (_, index) => {
      const object = found.items(index).getAttribute({ class: null, id: null, label: null });
      return `${object.class}:${object.id?.toString('hex')}:${object.label}`;
    }).sort();
  } finally {
    token.close();
  }
}

function pkcs11Tool(...args: string[]): RunResult {
  return run('pkcs11-tool', ['--module', SOFTHSM_MODULE!, ...args], { cwd: dir, env: env() });
}

beforeAll(async () => {
  requireBuiltCli();
  expect(SOFTHSM_MODULE, 'SoftHSM2 is installed by .ci/run (Debian softhsm2)').toBeDefined();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-intermediate-token-refusals-'));
  await mkdir(at('home'));
  ({ rootSerial, issuingSerial } = await storeWithRootOnToken(dir, cli, {
    operatorPassphrase: OPERATOR_PASSPHRASE,
    rootKeyId: ROOT_KEY_ID,
  }));
}, SLOW);
afterAll(() => cleanup());

describe('through the operations contract (what the app calls)', () => {
  let host: Host;
  async function call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>> {
    const result = await host.dispatch(operation, request);
    outputs.push(JSON.stringify(result));
    if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
    return result.value as ResponseOf<N>;
  }
  async function refusal(promise: Promise<unknown>): Promise<Error & { code?: string }> {
    const outcome = await promise.then(
      () => null,
      (error: unknown) => error as Error & { code?: string },
    );
    expect(outcome, 'the operation was refused').not.toBeNull();
    return outcome!;
  }
  afterAll(() => host?.lock());

  it(
    'an existing intermediate key without its id is refused as for the root; nothing changed, no key searched or made',
    async () => {
      host = createHost({
        version: '9.9.9',
        storeDir: at('gui'),
        log: { error: () => {} },
        environment: testEnvironment(),
      });
      await call('createStore', {
        rootSubject: 'CN=App Root CA, O=Acme',
        rootPassphrase: ROOT_PASSPHRASE,
        operatorPassphrase: OPERATOR_PASSPHRASE,
        kdfMemoryMiB: TEST_KDF_COST.memoryKiB / 1024,
        kdfPasses: TEST_KDF_COST.passes,
      });
      await call('unlock', { passphrase: OPERATOR_PASSPHRASE });
      const state = async () => ({
        files: await snapshotFolder(at('gui'), ['throttle.json']),
        journal: await call('journalEntries', {}),
        tokens: tokenObjects(issuingSerial),
      });
      const before = await state();
      const refused = await refusal(
        call('createIntermediate', {
          subject: 'CN=App Issuing CA, O=Acme',
          rootPassphrase: ROOT_PASSPHRASE,
          intermediateToken: { module: SOFTHSM_MODULE!, serial: issuingSerial, pin: TOKEN_PIN, useExistingKey: true },
        }),
      );
      expect(refused.code).toBe('REJECTED_INPUT');
      expect(refused.message).toBe(EXISTING_WITHOUT_ID);
      expect(await state()).toEqual(before);

      // The root's path answers in the same words (the same check), and makes no store folder.
      const rootRefused = await refusal(
        createHost({
          version: '9.9.9',
          storeDir: at('gui-token-root'),
          log: { error: () => {} },
          environment: testEnvironment(),
        })
          .dispatch('createStore', {
            rootSubject: 'CN=App Token Root CA, O=Acme',
            rootToken: { module: SOFTHSM_MODULE!, serial: rootSerial, pin: TOKEN_PIN, useExistingKey: true },
            operatorPassphrase: OPERATOR_PASSPHRASE,
            kdfMemoryMiB: TEST_KDF_COST.memoryKiB / 1024,
            kdfPasses: TEST_KDF_COST.passes,
          })
          .then((result) => {
            if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
          }),
      );
      expect(rootRefused.message).toBe(EXISTING_WITHOUT_ID);
      await expect(readFile(at('gui-token-root', 'rootkeeper-store.json'))).rejects.toThrow(/ENOENT/);
    },
    SLOW,
  );
});

describe('through the built CLI', () => {
  const createArgs = (serial: string, ...extra: string[]) => [
    'intermediate',
    'create',
    '--subject',
    'CN=Vendor Key Issuing CA, O=Acme',
    ...rootPin,
    '--intermediate-token',
    serial,
    '--intermediate-pkcs11-module',
    SOFTHSM_MODULE!,
    ...issuingPin,
    ...extra,
  ];

  it(
    'a key id already on the token, without --use-existing-key, is refused (exit 2); the key stays, nothing changed',
    async () => {
      // The officer made the key with the vendor's tool.
      const made = pkcs11Tool(
        '--token-label',
        'Issuing token',
        '--login',
        '--pin',
        TOKEN_PIN,
        '--keypairgen',
        '--key-type',
        'EC:prime256v1',
        '--id',
        VENDOR_KEY_ID,
        '--label',
        'Vendor issuing key',
      );
      expect(made.status, made.stderr).toBe(0);
      const before = { store: await cliState('ca'), tokens: tokenObjects(issuingSerial) };
      expect(before.tokens.filter((object) => object.includes(`:${VENDOR_KEY_ID}:`))).toHaveLength(2);
      const refused = unlocked('ca', ...createArgs(issuingSerial, '--intermediate-key-id', VENDOR_KEY_ID));
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(`Token ${issuingSerial} already holds an object with id ${VENDOR_KEY_ID}.`);
      expect({ store: await cliState('ca'), tokens: tokenObjects(issuingSerial) }).toEqual(before);
    },
    SLOW,
  );

  it(
    "the root's own token key offered as the intermediate's (one token for both) is refused (exit 2); nothing changed",
    async () => {
      const before = { store: await cliState('ca'), tokens: tokenObjects(rootSerial) };
      const refused = unlocked('ca', ...createArgs(rootSerial, '--use-existing-key', ROOT_KEY_ID));
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(
        `The key with id ${ROOT_KEY_ID} on token ${rootSerial} is the root's key: an intermediate needs a key of its own.`,
      );
      // The root's key is still on its token (an existing key is never discarded), and still signs for the root.
      expect({ store: await cliState('ca'), tokens: tokenObjects(rootSerial) }).toEqual(before);
      expect(unlocked('ca', 'crl', '--ca', 'root', '--out', 'root-after.crl', ...rootPin).status).toBe(0);
    },
    SLOW,
  );

  it(
    '--use-existing-key takes the vendor-made key: the certificate carries its public key, and a leaf verifies',
    async () => {
      const created = unlocked('ca', ...createArgs(issuingSerial, '--use-existing-key', VENDOR_KEY_ID));
      expect(created.status, created.stderr).toBe(0);
      // The public key as OpenSC reads it off the token, against the intermediate certificate's.
      const read = pkcs11Tool(
        '--token-label',
        'Issuing token',
        '--read-object',
        '--type',
        'pubkey',
        '--id',
        VENDOR_KEY_ID,
        '-o',
        'vendor.pub.der',
      );
      expect(read.status, read.stderr).toBe(0);
      const tokenKey = openssl('pkey', '-pubin', '-inform', 'DER', '-in', 'vendor.pub.der').stdout;
      expect(tokenKey).toMatch(/BEGIN PUBLIC KEY/);
      expect(cli(['export', 'chain', '--store', 'ca', '--out', 'chain.pem']).status).toBe(0);
      await writeFile(at('intermediate.pem'), openssl('x509', '-in', 'chain.pem').stdout);
      expect(openssl('x509', '-in', 'intermediate.pem', '-noout', '-pubkey').stdout).toBe(tokenKey);
      expect(openssl('verify', '-x509_strict', '-CAfile', 'root.pem', 'intermediate.pem').stdout.trim()).toBe(
        'intermediate.pem: OK',
      );
      const log = unlocked('ca', 'audit', 'log').stdout;
      expect(log).toMatch(new RegExp(`PKCS#11 token ${issuingSerial} \\(key id ${VENDOR_KEY_ID}\\)`));

      const issued = unlocked(
        'ca',
        'issue',
        '--profile',
        'server',
        '--cn',
        'vendor.example.com',
        '--out',
        'bundles',
        '--no-key-encryption',
        ...issuingPin,
      );
      expect(issued.status, issued.stderr).toBe(0);
      const leaf = 'bundles/vendor.example.com/vendor.example.com.cert.pem';
      const verified = openssl('verify', '-x509_strict', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', leaf);
      expect(verified.stdout.trim()).toBe(`${leaf}: OK`);
    },
    SLOW,
  );

  it(
    '--intermediate-pin-passin for a store whose intermediate is not on a token is refused by name; nothing changed',
    async () => {
      const made = cli([
        'init',
        '--store',
        'plain',
        '--root-subject',
        'CN=Passphrase Root CA, O=Acme',
        '--root-passout',
        `pass:${ROOT_PASSPHRASE}`,
        '--operator-passout',
        `pass:${OPERATOR_PASSPHRASE}`,
        ...FAST_KDF,
      ]);
      expect(made.status, made.stderr).toBe(0);
      const intermediate = unlocked(
        'plain',
        'intermediate',
        'create',
        '--subject',
        'CN=Passphrase Issuing CA, O=Acme',
        '--root-passin',
        `pass:${ROOT_PASSPHRASE}`,
      );
      expect(intermediate.status, intermediate.stderr).toBe(0);
      const before = await cliState('plain');
      const leafArgs = ['--profile', 'server', '--cn', 'pin.example.com', '--out', 'plain-bundles'];
      const issued = unlocked('plain', 'issue', ...leafArgs, '--no-key-encryption', ...issuingPin);
      expect(issued.status).toBe(2);
      expect(issued.stderr).toContain('No intermediate of this store that still signs has its key on a token.');
      const crl = unlocked('plain', 'crl', '--ca', 'intermediate', '--out', 'plain.crl', ...issuingPin);
      expect(crl.status).toBe(2);
      expect(crl.stderr).toContain('No intermediate of this store that still signs has its key on a token.');
      // On `intermediate create` without a token it is a usage error, before anything is asked.
      const create = unlocked(
        'plain',
        'intermediate',
        'create',
        '--rotate',
        '--subject',
        'CN=Second Issuing CA, O=Acme',
        '--root-passin',
        `pass:${ROOT_PASSPHRASE}`,
        ...issuingPin,
      );
      expect(create.status).toBe(1);
      expect(create.stderr).toContain('--intermediate-pin-passin goes with --intermediate-token SERIAL');
      expect(await cliState('plain')).toEqual(before);
      await expect(readFile(at('plain-bundles', 'pin.example.com', 'pin.example.com.cert.pem'))).rejects.toThrow(
        /ENOENT/,
      );
      await expect(readFile(at('plain.crl'))).rejects.toThrow(/ENOENT/);
    },
    SLOW,
  );

  it('never printed nor journaled the PIN', async () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const text of outputs) expect(text).not.toContain(TOKEN_PIN);
    expect(await readFile(at('ca', 'rootkeeper-store.json'), 'utf8')).not.toContain(TOKEN_PIN);
  });
});
