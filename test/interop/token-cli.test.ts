/**
 * A root on a PKCS#11 token (SoftHSM2, fresh token folder) through the built
 * CLI: init generates the key on the token, the guide's workflow runs with
 * the token's PIN (intermediate, issue, revoke, CRLs, the root CRL) and
 * OpenSSL verifies the chain and both CRLs with -crl_check_all. The store's
 * root public key is the token's; an extractable key is refused; a wrong
 * PIN (exit 3), a token that is not there, a missing module and a deleted
 * key (exit 2) each leave the store's bytes unchanged; the PIN is never
 * printed nor journaled.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as graphene from 'graphene-pk11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTokens, openToken } from '../../src-main/custody/token/pkcs11-token';
import { findTokenKey, generateTokenKey } from '../../src-main/custody/token/token-key';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run, type RunResult } from '../support/run';
import { SOFTHSM_MODULE, TOKEN_PIN, TOKEN_SO_PIN, softHsmTokens } from '../support/softhsm';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const OPERATOR = 'velvet-harbor-quartz-meadow-3';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
const KEY_ID = '0a0b0c0d';
const SLOW = 480_000;

let dir: string;
let cleanup: () => Promise<void>;
let serial: string;
const outputs: string[] = [];
const at = (...parts: string[]) => path.join(dir, ...parts);
function cli(...args: string[]): RunResult {
  const result = rootkeeper(args, { cwd: dir });
  outputs.push(result.stdout, result.stderr);
  return result;
}
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
const unlocked = (...args: string[]) => cli(...args, '--store', 'ca', '--operator-passin', `pass:${OPERATOR}`);
const withPin = (...args: string[]) => unlocked(...args, '--root-pin-passin', `pass:${TOKEN_PIN}`);

/** The store's files and bytes, and the journal as the audit log reads it; throttle.json may count a wrong PIN. */
async function state() {
  return { files: await snapshotFolder(at('ca'), ['throttle.json']), log: unlocked('audit', 'log').stdout };
}

beforeAll(async () => {
  requireBuiltCli();
  expect(SOFTHSM_MODULE, 'SoftHSM2 is installed by .ci/run (Debian softhsm2)').toBeDefined();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-token-cli-'));
  await softHsmTokens(dir, ['Root token']);
  serial = listTokens(SOFTHSM_MODULE!)[0]!.serial;
}, SLOW);
afterAll(() => cleanup());

const initArgs = (...extra: string[]) => [
  'init',
  '--store',
  'ca',
  '--root-subject',
  'CN=Token Root CA, O=Acme',
  '--root-pin-passin',
  `pass:${TOKEN_PIN}`,
  '--operator-passout',
  `pass:${OPERATOR}`,
  ...FAST_KDF,
  ...extra,
];

describe('init with the root on a token', () => {
  it('refuses a missing module and an absent token before anything is made', async () => {
    const missing = cli(...initArgs('--root-token', serial, '--root-pkcs11-module', at('no-such-module.so')));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/There is no PKCS#11 module at .*no-such-module\.so/);
    await writeFile(at('not-a-module.so'), 'plain text');
    const notModule = cli(...initArgs('--root-token', serial, '--root-pkcs11-module', at('not-a-module.so')));
    expect(notModule.status).toBe(2);
    expect(notModule.stderr).toMatch(/could not be loaded as a PKCS#11 module/);
    const absent = cli(...initArgs('--root-token', '0000deadbeef', '--root-pkcs11-module', SOFTHSM_MODULE!));
    expect(absent.status).toBe(2);
    expect(absent.stderr).toMatch(/No token with serial 0000deadbeef is present\. Tokens present: .*Root token/);
    await expect(stat(at('ca'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses an extractable key for the root', async () => {
    const token = openToken({ modulePath: SOFTHSM_MODULE!, serial });
    try {
      token.login(TOKEN_PIN);
      const id = Buffer.from('ee01', 'hex');
      token.session.generateKeyPair(
        graphene.KeyGenMechanism.EC,
        {
          token: true,
          id,
          verify: true,
          keyType: graphene.KeyType.EC,
          paramsEC: graphene.NamedCurve.getByName('secp256r1').value,
        },
        {
          token: true,
          id,
          private: true,
          sign: true,
          sensitive: false,
          extractable: true,
          keyType: graphene.KeyType.EC,
        },
      );
    } finally {
      token.close();
    }
    const result = cli(
      ...initArgs('--root-token', serial, '--root-pkcs11-module', SOFTHSM_MODULE!, '--use-existing-key', 'ee01'),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/can be read out of the token .*a root key must never leave its token/);
    await expect(stat(at('ca'))).rejects.toThrow(/ENOENT/);
  });

  it('says plainly when the token does not let its security officer generate the key, and leaves no folder', async () => {
    // SoftHSM keeps private objects from the SO (as OpenSC cards do); only ykcs11 generates as SO.
    const result = cli(
      ...initArgs('--root-token', serial, '--root-pkcs11-module', SOFTHSM_MODULE!, '--root-key-id', 'ee02'),
      '--token-so-pin-passin',
      `pass:${TOKEN_SO_PIN}`,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `Token ${serial} does not let its security officer generate a private key .*leave out --token-so-pin-passin`,
      ),
    );
    expect(result.stdout + result.stderr).not.toContain(TOKEN_SO_PIN);
    await expect(stat(at('ca'))).rejects.toThrow(/ENOENT/);
    const token = openToken({ modulePath: SOFTHSM_MODULE!, serial });
    try {
      token.login(TOKEN_PIN);
      expect(token.session.find({ id: Buffer.from('ee02', 'hex') }).length).toBe(0);
    } finally {
      token.close();
    }
  });

  it(
    'generates the key on the token; the store keeps the certificate and where the key is, and the public keys match',
    async () => {
      const init = cli(
        ...initArgs('--root-token', serial, '--root-pkcs11-module', SOFTHSM_MODULE!, '--root-key-id', KEY_ID),
        '--ceremony-record',
        'usb',
      );
      expect(init.status, init.stderr).toBe(0);
      expect(init.stdout).toMatch(new RegExp(`lives on token ${serial} only`));
      const storeFile = JSON.parse(await readFile(at('ca', 'rootkeeper-store.json'), 'utf8'));
      const slot = storeFile.body.slots.root;
      expect(slot).toMatchObject({ kind: 'token', serial, keyId: KEY_ID, moduleHint: SOFTHSM_MODULE });
      expect(slot).not.toHaveProperty('ciphertext');

      const rootDer = Buffer.from(storeFile.body.certificates.root, 'base64');
      await writeFile(at('root.der'), rootDer);
      expect(openssl('x509', '-inform', 'DER', '-in', 'root.der', '-out', 'root.pem').status).toBe(0);
      const certificatePubkey = openssl('x509', '-in', 'root.pem', '-noout', '-pubkey').stdout;
      expect(certificatePubkey).toMatch(/BEGIN PUBLIC KEY/);
      const token = openToken({ modulePath: SOFTHSM_MODULE!, serial });
      try {
        token.login(TOKEN_PIN);
        const pair = await findTokenKey(token, KEY_ID);
        const tokenPubkey = `-----BEGIN PUBLIC KEY-----\n${pair.spki
          .toString('base64')
          .match(/.{1,64}/g)!
          .join('\n')}\n-----END PUBLIC KEY-----\n`;
        expect(certificatePubkey).toBe(tokenPubkey);
        // The key on the token can never be read out.
        const attributes = token.session
          .find({ class: graphene.ObjectClass.PRIVATE_KEY, id: Buffer.from(KEY_ID, 'hex') })
          .items(0)
          .getAttribute({ extractable: null, sensitive: null });
        expect(attributes).toEqual({ extractable: false, sensitive: true });
      } finally {
        token.close();
      }
      // The ceremony record is signed by the token's key: OpenSSL checks it with the root's public key.
      const records = run('sh', ['-c', 'ls usb/*-init.json'], { cwd: dir }).stdout.trim();
      expect(records).not.toBe('');
      await writeFile(at('root-pubkey.pem'), certificatePubkey);
      const verified = openssl(
        'dgst',
        '-sha384',
        '-verify',
        'root-pubkey.pem',
        '-signature',
        `${records}.sig`,
        records,
      );
      expect(verified.stdout.trim()).toBe('Verified OK');
    },
    SLOW,
  );
});

describe("the guide's workflow with the root on the token", () => {
  it(
    'creates the intermediate, issues, revokes, publishes both CRLs; OpenSSL verifies with -crl_check_all',
    async () => {
      const intermediate = withPin(
        'intermediate',
        'create',
        '--subject',
        'CN=Token Issuing CA, O=Acme',
        '--permit-dns',
        'example.com',
      );
      expect(intermediate.status, intermediate.stderr).toBe(0);
      const issued = unlocked(
        'issue',
        '--profile',
        'server',
        '--cn',
        'www.example.com',
        '--out',
        'bundles',
        '--no-key-encryption',
        '--json',
      );
      expect(issued.status, issued.stderr).toBe(0);
      const leafSerial = (JSON.parse(issued.stdout) as { certificate: { serial: string } }).certificate.serial;
      const other = unlocked(
        'issue',
        '--profile',
        'server',
        '--cn',
        'api.example.com',
        '--out',
        'bundles',
        '--no-key-encryption',
      );
      expect(other.status, other.stderr).toBe(0);
      expect(unlocked('revoke', leafSerial, '--reason', 'keyCompromise').status).toBe(0);
      const crl = unlocked('crl', '--ca', 'intermediate', '--out', 'issuing.crl');
      expect(crl.status, crl.stderr).toBe(0);
      const rootCrl = withPin('crl', '--ca', 'root', '--out', 'root.crl');
      expect(rootCrl.status, rootCrl.stderr).toBe(0);
      expect(cli('export', 'chain', '--store', 'ca', '--out', 'chain.pem').status).toBe(0);

      for (const name of ['issuing', 'root']) {
        expect(openssl('crl', '-inform', 'DER', '-in', `${name}.crl`, '-out', `${name}.crl.pem`).status).toBe(0);
      }
      const intermediatePem = openssl('x509', '-in', 'chain.pem').stdout;
      await writeFile(at('intermediate.pem'), intermediatePem);
      const checkAll = (leaf: string) =>
        openssl(
          'verify',
          '-crl_check_all',
          '-CAfile',
          'root.pem',
          '-untrusted',
          'intermediate.pem',
          '-CRLfile',
          'root.crl.pem',
          '-CRLfile',
          'issuing.crl.pem',
          leaf,
        );
      const good = checkAll('bundles/api.example.com/api.example.com.cert.pem');
      expect(good.stdout + good.stderr).toMatch(/: OK/);
      const revoked = checkAll('bundles/www.example.com/www.example.com.cert.pem');
      expect(revoked.status).not.toBe(0);
      expect(revoked.stdout + revoked.stderr).toMatch(/certificate revoked/);
      // The root CRL verifies against the root certificate (signed on the token).
      const rootSigned = openssl('crl', '-in', 'root.crl.pem', '-noout', '-CAfile', 'root.pem');
      expect(rootSigned.stdout + rootSigned.stderr).toMatch(/verify OK/);

      // A backup holds no root key, and says where it is.
      const backup = unlocked('backup', '--out', 'store.backup');
      expect(backup.status, backup.stderr).toBe(0);
      const notice = new RegExp(
        `root key is not in this backup: it lives on PKCS#11 token ${serial} \\(key id ${KEY_ID}\\)`,
      );
      expect(backup.stdout).toMatch(notice);
      const verified = cli('verify-backup', 'store.backup', '--operator-passin', `pass:${OPERATOR}`);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stdout).toMatch(notice);

      const log = unlocked('audit', 'log').stdout;
      expect(log).toMatch(new RegExp(`Root key generated on PKCS#11 token ${serial} \\(key id ${KEY_ID}\\)`));
      expect(
        log.match(new RegExp(`Root key used on PKCS#11 token ${serial} \\(key id ${KEY_ID}\\)`, 'g')),
      ).toHaveLength(2);
    },
    SLOW,
  );
});

describe('custody to-token', () => {
  it(
    'copies a passphrase root onto the token, keeps both without --wipe-root-slot, then only the token with it',
    async () => {
      const ROOT = 'granite-lantern-orbit-canyon-7';
      const init = cli(
        'init',
        '--store',
        'moved',
        '--root-subject',
        'CN=Moved Root CA',
        '--root-key',
        'ec-p256',
        '--root-passout',
        `pass:${ROOT}`,
        '--operator-passout',
        `pass:${OPERATOR}`,
        ...FAST_KDF,
      );
      expect(init.status, init.stderr).toBe(0);
      const moved = (...args: string[]) => cli(...args, '--store', 'moved', '--operator-passin', `pass:${OPERATOR}`);
      const toToken = (keyId: string, ...extra: string[]) =>
        moved(
          'custody',
          'to-token',
          '--root-token',
          serial,
          '--root-pkcs11-module',
          SOFTHSM_MODULE!,
          '--root-pin-passin',
          `pass:${TOKEN_PIN}`,
          '--root-passin',
          `pass:${ROOT}`,
          '--root-key-id',
          keyId,
          ...extra,
        );

      const spare = toToken('5a01');
      expect(spare.status, spare.stderr).toBe(0);
      expect(spare.stdout).toMatch(/sealed root stays in the store/);
      expect(cli('custody', 'status', '--store', 'moved').stdout).toMatch(/sealed under the root passphrase/);

      const only = toToken('5a02', '--wipe-root-slot');
      expect(only.status, only.stderr).toBe(0);
      expect(only.stdout).toMatch(/root passphrase no longer opens the root/);
      expect(cli('custody', 'status', '--store', 'moved').stdout).toMatch(
        new RegExp(`lives on PKCS#11 token ${serial} \\(key id 5a02\\)`),
      );
      const storeFile = JSON.parse(await readFile(at('moved', 'rootkeeper-store.json'), 'utf8'));
      expect(storeFile.body.slots.root).toMatchObject({ kind: 'token', keyId: '5a02' });
      expect(JSON.stringify(storeFile.body.slots.root)).not.toMatch(/ciphertext|nonce/);

      // The copied key is sensitive and not extractable on the token.
      const token = openToken({ modulePath: SOFTHSM_MODULE!, serial });
      try {
        token.login(TOKEN_PIN);
        const attributes = token.session
          .find({ class: graphene.ObjectClass.PRIVATE_KEY, id: Buffer.from('5a02', 'hex') })
          .items(0)
          .getAttribute({ extractable: null, sensitive: null });
        expect(attributes).toEqual({ extractable: false, sensitive: true });
      } finally {
        token.close();
      }

      // The root now signs on the token only: a root CRL OpenSSL verifies; the passphrase is refused.
      const before = await snapshotFolder(at('moved'));
      const refused = moved('crl', '--ca', 'root', '--out', 'moved-refused.crl', '--root-passin', `pass:${ROOT}`);
      expect(refused.status).toBe(2);
      expect(await snapshotFolder(at('moved'))).toEqual(before);
      const rootCrl = moved(
        'crl',
        '--ca',
        'root',
        '--out',
        'moved-root.crl.pem',
        '--root-pin-passin',
        `pass:${TOKEN_PIN}`,
      );
      expect(rootCrl.status, rootCrl.stderr).toBe(0);
      await writeFile(at('moved-root.der'), Buffer.from(storeFile.body.certificates.root, 'base64'));
      expect(openssl('x509', '-inform', 'DER', '-in', 'moved-root.der', '-out', 'moved-root.pem').status).toBe(0);
      const crlOk = openssl('crl', '-in', 'moved-root.crl.pem', '-noout', '-CAfile', 'moved-root.pem');
      expect(crlOk.stdout + crlOk.stderr).toMatch(/verify OK/);
      const again = toToken('5a03');
      expect(again.status).toBe(2);
      expect(again.stderr).toMatch(/already lives on a token/);
      const log = moved('audit', 'log').stdout;
      expect(log).toMatch(new RegExp(`Root key copied onto PKCS#11 token ${serial} \\(key id 5a01\\)`));
      expect(log).toMatch(new RegExp(`Root key copied onto PKCS#11 token ${serial} \\(key id 5a02\\)`));
      expect(log).toMatch(new RegExp(`Root key used on PKCS#11 token ${serial} \\(key id 5a02\\)`));
    },
    SLOW,
  );
});

describe('refusals change nothing', () => {
  it(
    'a wrong PIN is exit 3 and says when tries run low; a passphrase is refused for a token root',
    async () => {
      const before = await state();
      const wrong = unlocked('crl', '--ca', 'root', '--out', 'root-2.crl', '--root-pin-passin', 'pass:999999');
      expect(wrong.status).toBe(3);
      expect(wrong.stderr).toMatch(/The token's PIN is wrong\. The token reports that few tries are left/);
      expect(wrong.stderr).not.toContain('999999');
      const passphrase = unlocked(
        'crl',
        '--ca',
        'root',
        '--out',
        'root-2.crl',
        '--root-passin',
        'pass:granite-lantern-orbit-canyon-7',
      );
      expect(passphrase.status).toBe(2);
      expect(passphrase.stderr).toMatch(new RegExp(`The root key lives on PKCS#11 token ${serial}`));
      expect(await state()).toEqual(before);
      await expect(stat(at('root-2.crl'))).rejects.toThrow(/ENOENT/);
    },
    SLOW,
  );

  it(
    'a missing module, a module that is not one, and an absent token are exit 2',
    async () => {
      const before = await state();
      const missing = withPin('crl', '--ca', 'root', '--out', 'root-2.crl', '--root-pkcs11-module', at('gone.so'));
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/There is no PKCS#11 module at/);
      const notModule = withPin(
        'crl',
        '--ca',
        'root',
        '--out',
        'root-2.crl',
        '--root-pkcs11-module',
        at('not-a-module.so'),
      );
      expect(notModule.status).toBe(2);
      expect(notModule.stderr).toMatch(/could not be loaded as a PKCS#11 module/);
      // Another token folder: the recorded token is not plugged in.
      const elsewhere = at('elsewhere');
      const saved = process.env.SOFTHSM2_CONF;
      await softHsmTokens(elsewhere, ['Stranger']);
      const otherConf = process.env.SOFTHSM2_CONF;
      process.env.SOFTHSM2_CONF = saved;
      const absent = rootkeeper(
        [
          'crl',
          '--ca',
          'root',
          '--out',
          'root-2.crl',
          '--store',
          'ca',
          '--operator-passin',
          `pass:${OPERATOR}`,
          '--root-pin-passin',
          `pass:${TOKEN_PIN}`,
        ],
        { cwd: dir, env: { ...process.env, SOFTHSM2_CONF: otherConf } },
      );
      outputs.push(absent.stdout, absent.stderr);
      expect(absent.status).toBe(2);
      expect(absent.stderr).toMatch(
        new RegExp(`No token with serial ${serial} is present\\. Tokens present: .*Stranger`),
      );
      expect(await state()).toEqual(before);
    },
    SLOW,
  );

  it(
    'a token whose root key was deleted, or replaced by another key, is exit 2, and the intermediate is not created',
    async () => {
      const before = await state();
      const token = openToken({ modulePath: SOFTHSM_MODULE!, serial });
      try {
        token.login(TOKEN_PIN);
        const objects = token.session.find({ id: Buffer.from(KEY_ID, 'hex') });
        expect(objects.length).toBeGreaterThanOrEqual(2);
        for (let index = 0; index < objects.length; index++) objects.items(index).destroy();
      } finally {
        token.close();
      }
      const result = withPin('intermediate', 'create', '--subject', 'CN=Second Issuing CA', '--rotate');
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`Token ${serial} holds no private key with id ${KEY_ID}`));
      expect(await state()).toEqual(before);

      // Another key put under the same id (a re-initialised token): refused, its public key is not the root's.
      const again = openToken({ modulePath: SOFTHSM_MODULE!, serial });
      try {
        again.login(TOKEN_PIN);
        await generateTokenKey(again, 'ec-p384', KEY_ID);
      } finally {
        again.close();
      }
      const foreign = withPin('intermediate', 'create', '--subject', 'CN=Second Issuing CA', '--rotate');
      expect(foreign.status).toBe(2);
      expect(foreign.stderr).toMatch(/is not the root's key: its public key differs from the root certificate's/);
      expect(await state()).toEqual(before);
    },
    SLOW,
  );

  it('never printed nor journaled the PIN', async () => {
    const log = unlocked('audit', 'log', '--json');
    expect(log.status).toBe(0);
    expect(outputs.length).toBeGreaterThan(20);
    for (const text of outputs) expect(text).not.toContain(TOKEN_PIN);
    for (const file of ['ca/rootkeeper-store.json']) expect(await readFile(at(file), 'utf8')).not.toContain(TOKEN_PIN);
  });
});
