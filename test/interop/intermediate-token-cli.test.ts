/**
 * An intermediate whose issuing key lives on a PKCS#11 token (SoftHSM2, a
 * fresh token folder with two tokens: the root on one, the intermediate on
 * the other), through the built CLI. `intermediate create
 * --intermediate-token` generates the key on the second token; the store
 * keeps no key file for it; issue, sign-csr (a batch), renew and the
 * intermediate's CRL sign through the token with --intermediate-pin-passin,
 * and OpenSSL verifies the chain and the CRLs with -crl_check_all.
 * pkcs11-tool and C_GetAttributeValue show the key is sensitive and never
 * extractable. No PIN, a wrong PIN (exit 3), the token unplugged and a
 * foreign key under the same id (exit 2) each leave the store's bytes and
 * journal unchanged; the PIN is never printed nor journaled.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openToken } from '../../src-main/custody/token/pkcs11-token';
import { findTokenKey, generateTokenKey } from '../../src-main/custody/token/token-key';
import * as graphene from 'graphene-pk11';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run, type RunResult } from '../support/run';
import { SOFTHSM_MODULE, TOKEN_PIN, softHsmTokens, storeWithRootOnToken } from '../support/softhsm';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const OPERATOR = 'velvet-harbor-quartz-meadow-3';
const ROOT_KEY_ID = '0a01';
const ISSUING_KEY_ID = '1c01';
const SLOW = 480_000;

let dir: string;
let cleanup: () => Promise<void>;
let issuingSerial: string;
let conf: string;
const outputs: string[] = [];
const at = (...parts: string[]) => path.join(dir, ...parts);
function cli(args: string[], env: NodeJS.ProcessEnv = process.env): RunResult {
  const result = rootkeeper(args, { cwd: dir, env });
  outputs.push(result.stdout, result.stderr);
  return result;
}
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
const unlocked = (...args: string[]) => cli([...args, '--store', 'ca', '--operator-passin', `pass:${OPERATOR}`]);
const rootPin = ['--root-pin-passin', `pass:${TOKEN_PIN}`];
const issuingPin = ['--intermediate-pin-passin', `pass:${TOKEN_PIN}`];

/** The store's files and bytes, and the journal as the audit log reads it; throttle.json may count a wrong PIN. */
async function state() {
  return { files: await snapshotFolder(at('ca'), ['throttle.json']), log: unlocked('audit', 'log').stdout };
}

function issueArgs(cn: string) {
  return ['issue', '--profile', 'server', '--cn', cn, '--out', 'bundles', '--no-key-encryption'];
}

beforeAll(async () => {
  requireBuiltCli();
  expect(SOFTHSM_MODULE, 'SoftHSM2 is installed by .ci/run (Debian softhsm2)').toBeDefined();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-intermediate-token-'));
  ({ issuingSerial } = await storeWithRootOnToken(dir, (args) => cli(args), {
    operatorPassphrase: OPERATOR,
    rootKeyId: ROOT_KEY_ID,
  }));
  conf = process.env.SOFTHSM2_CONF!;
}, SLOW);
afterAll(() => cleanup());

const createArgs = (...extra: string[]) => [
  'intermediate',
  'create',
  '--subject',
  'CN=Token Issuing CA, O=Acme',
  ...rootPin,
  '--intermediate-token',
  issuingSerial,
  '--intermediate-pkcs11-module',
  SOFTHSM_MODULE!,
  ...extra,
];

describe('intermediate create on a token', () => {
  it(
    'a wrong intermediate PIN is exit 3; a wrong root PIN is exit 3 and leaves no key on the token; nothing changed',
    async () => {
      const before = await state();
      const wrongIssuing = unlocked(...createArgs('--intermediate-pin-passin', 'pass:999999'));
      expect(wrongIssuing.status).toBe(3);
      expect(wrongIssuing.stderr).toMatch(/The token's PIN is wrong/);
      const wrongRoot = unlocked(
        'intermediate',
        'create',
        '--subject',
        'CN=Token Issuing CA, O=Acme',
        '--root-pin-passin',
        'pass:999999',
        '--intermediate-token',
        issuingSerial,
        '--intermediate-pkcs11-module',
        SOFTHSM_MODULE!,
        '--intermediate-key-id',
        'dd01',
        ...issuingPin,
      );
      expect(wrongRoot.status).toBe(3);
      expect(await state()).toEqual(before);
      // The key made on the token for a generation that never was is gone again.
      const token = openToken({ modulePath: SOFTHSM_MODULE!, serial: issuingSerial });
      try {
        token.login(TOKEN_PIN);
        expect(token.session.find({ id: Buffer.from('dd01', 'hex') }).length).toBe(0);
      } finally {
        token.close();
      }
    },
    SLOW,
  );

  it(
    'generates the key on the second token, not extractable; the store keeps no key file for it',
    async () => {
      const filesBefore = await readdir(at('ca'));
      const created = unlocked(...createArgs(...issuingPin, '--intermediate-key-id', ISSUING_KEY_ID));
      expect(created.status, created.stderr).toBe(0);
      const added = (await readdir(at('ca'))).filter((name) => !filesBefore.includes(name));
      expect(added.filter((name) => /key/i.test(name))).toEqual([]);

      // An independent reader of the token's attributes (OpenSC's pkcs11-tool).
      const listed = run(
        'pkcs11-tool',
        [
          '--module',
          SOFTHSM_MODULE!,
          '--token-label',
          'Issuing token',
          '--login',
          '--pin',
          TOKEN_PIN,
          '--list-objects',
          '--type',
          'privkey',
        ],
        { env: { ...process.env, SOFTHSM2_CONF: conf } },
      );
      expect(listed.status, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/ID:\s+1c01/);
      expect(listed.stdout).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
      // Reading the private value is refused by the token itself.
      const token = openToken({ modulePath: SOFTHSM_MODULE!, serial: issuingSerial });
      try {
        token.login(TOKEN_PIN);
        const keys = token.session.find({
          class: graphene.ObjectClass.PRIVATE_KEY,
          id: Buffer.from(ISSUING_KEY_ID, 'hex'),
        });
        expect(keys.length).toBe(1);
        expect(() => keys.items(0).getAttribute({ value: null })).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
        const attributes = keys.items(0).getAttribute({ extractable: null, sensitive: null });
        expect(attributes).toMatchObject({ extractable: false, sensitive: true });
      } finally {
        token.close();
      }
      // The intermediate's certificate carries the token's public key.
      expect(cli(['export', 'chain', '--store', 'ca', '--out', 'chain.pem']).status).toBe(0);
      await writeFile(at('intermediate.pem'), openssl('x509', '-in', 'chain.pem').stdout);
      const certificateKey = openssl('x509', '-in', 'intermediate.pem', '-noout', '-pubkey').stdout;
      const again = openToken({ modulePath: SOFTHSM_MODULE!, serial: issuingSerial });
      let tokenSpki: Buffer;
      try {
        again.login(TOKEN_PIN);
        tokenSpki = (await findTokenKey(again, ISSUING_KEY_ID)).spki;
      } finally {
        again.close();
      }
      await writeFile(at('issuing.pub.der'), tokenSpki);
      const tokenPem = openssl('pkey', '-pubin', '-inform', 'DER', '-in', 'issuing.pub.der').stdout;
      expect(tokenPem).toMatch(/BEGIN PUBLIC KEY/);
      expect(tokenPem).toBe(certificateKey);

      const log = unlocked('audit', 'log').stdout;
      expect(log).toMatch(new RegExp(`key generated on PKCS#11 token ${issuingSerial} \\(key id ${ISSUING_KEY_ID}\\)`));
    },
    SLOW,
  );
});

describe('issuing through the token', () => {
  it(
    'issues, signs a batch of CSRs, renews, revokes and signs its CRL; OpenSSL verifies with -crl_check_all',
    async () => {
      const issued = unlocked(...issueArgs('www.example.com'), ...issuingPin, '--json');
      expect(issued.status, issued.stderr).toBe(0);
      const revokedSerial = (JSON.parse(issued.stdout) as { certificate: { serial: string } }).certificate.serial;
      for (const name of ['a', 'b']) {
        const request = openssl(
          'req',
          '-new',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          `${name}.key`,
          '-subj',
          `/CN=${name}.example.com`,
          '-addext',
          `subjectAltName=DNS:${name}.example.com`,
          '-out',
          `${name}.csr`,
        );
        expect(request.status, request.stderr).toBe(0);
      }
      const batch = unlocked('sign-csr', '--profile', 'server', 'a.csr', 'b.csr', '--out', 'bundles', ...issuingPin);
      expect(batch.status, batch.stderr).toBe(0);
      const renewed = unlocked('renew', revokedSerial, '--out', 'renewed', ...issuingPin);
      expect(renewed.status, renewed.stderr).toBe(0);
      expect(unlocked('revoke', revokedSerial, '--reason', 'keyCompromise').status).toBe(0);
      const crl = unlocked('crl', '--ca', 'intermediate', '--out', 'issuing.crl', ...issuingPin);
      expect(crl.status, crl.stderr).toBe(0);
      const rootCrl = unlocked('crl', '--ca', 'root', '--out', 'root.crl', ...rootPin);
      expect(rootCrl.status, rootCrl.stderr).toBe(0);
      for (const name of ['issuing', 'root'])
        expect(openssl('crl', '-inform', 'DER', '-in', `${name}.crl`, '-out', `${name}.crl.pem`).status).toBe(0);

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
      for (const leaf of [
        'bundles/a.example.com/a.example.com.cert.pem',
        'bundles/b.example.com/b.example.com.cert.pem',
      ]) {
        const good = checkAll(leaf);
        expect(good.stdout + good.stderr).toMatch(/: OK/);
      }
      const renewedLeaf = (await readdir(at('renewed'), { recursive: true })).find((name) =>
        name.endsWith('www.example.com.cert.pem'),
      );
      expect(renewedLeaf).toBeDefined();
      expect(checkAll(path.join('renewed', renewedLeaf!)).stdout).toMatch(/: OK/);
      const revoked = checkAll('bundles/www.example.com/www.example.com.cert.pem');
      expect(revoked.status).not.toBe(0);
      expect(revoked.stdout + revoked.stderr).toMatch(/certificate revoked/);
      const crlSigned = openssl('crl', '-in', 'issuing.crl.pem', '-noout', '-CAfile', 'intermediate.pem');
      expect(crlSigned.stdout + crlSigned.stderr).toMatch(/verify OK/);

      // Each signing operation journals the token and key it used: issue, the batch, renew, the CRL.
      const log = unlocked('audit', 'log').stdout;
      expect(
        log.match(new RegExp(`key used on PKCS#11 token ${issuingSerial} \\(key id ${ISSUING_KEY_ID}\\)`, 'g')),
      ).toHaveLength(4);
    },
    SLOW,
  );
});

describe('refusals change nothing', () => {
  it(
    'no PIN is exit 2 naming the token; a wrong PIN is exit 3',
    async () => {
      const before = await state();
      const none = unlocked(...issueArgs('none.example.com'));
      expect(none.status).toBe(2);
      expect(none.stderr).toMatch(
        new RegExp(
          `key lives on PKCS#11 token ${issuingSerial} \\(key id ${ISSUING_KEY_ID}\\): plug the token in and give its PIN`,
        ),
      );
      const wrong = unlocked(...issueArgs('wrong.example.com'), '--intermediate-pin-passin', 'pass:999999');
      expect(wrong.status).toBe(3);
      expect(wrong.stderr).toMatch(/The token's PIN is wrong/);
      expect(wrong.stderr).not.toContain('999999');
      // Every generation's CRL (no --ca): the token generation is refused by name, not skipped.
      const all = unlocked('crl', '--out', 'crls');
      expect(all.status).toBe(2);
      expect(all.stderr).toMatch(new RegExp(`key lives on PKCS#11 token ${issuingSerial}`));
      const crl = unlocked(
        'crl',
        '--ca',
        'intermediate',
        '--out',
        'never.crl',
        '--intermediate-pin-passin',
        'pass:999999',
      );
      expect(crl.status).toBe(3);
      expect(await state()).toEqual(before);
      expect(await readdir(at('bundles'))).not.toContain('wrong.example.com');
    },
    SLOW,
  );

  it(
    'the token unplugged (an empty token folder) is exit 2',
    async () => {
      const before = await state();
      const empty = at('empty');
      await softHsmTokens(empty, []);
      const emptyConf = process.env.SOFTHSM2_CONF!;
      process.env.SOFTHSM2_CONF = conf;
      const absent = cli(
        [...issueArgs('absent.example.com'), ...issuingPin, '--store', 'ca', '--operator-passin', `pass:${OPERATOR}`],
        { ...process.env, SOFTHSM2_CONF: emptyConf },
      );
      expect(absent.status).toBe(2);
      expect(absent.stderr).toMatch(
        new RegExp(`No token with serial ${issuingSerial} is present\\. No token is present\\.`),
      );
      expect(await state()).toEqual(before);
    },
    SLOW,
  );

  it(
    'another key under the same id on the token is exit 2: its public key is not the certificate’s',
    async () => {
      const before = await state();
      const token = openToken({ modulePath: SOFTHSM_MODULE!, serial: issuingSerial });
      try {
        token.login(TOKEN_PIN);
        const objects = token.session.find({ id: Buffer.from(ISSUING_KEY_ID, 'hex') });
        for (let index = 0; index < objects.length; index++) objects.items(index).destroy();
        await generateTokenKey(token, 'ec-p384', ISSUING_KEY_ID, 'Rootkeeper intermediate');
      } finally {
        token.close();
      }
      const foreign = unlocked(...issueArgs('foreign.example.com'), ...issuingPin);
      expect(foreign.status).toBe(2);
      expect(foreign.stderr).toMatch(
        /is not the intermediate [0-9a-f]+'s key: its public key differs from the certificate's/,
      );
      expect(await state()).toEqual(before);
    },
    SLOW,
  );

  it('never printed nor journaled the PIN', async () => {
    const log = unlocked('audit', 'log', '--json');
    expect(log.status).toBe(0);
    expect(outputs.length).toBeGreaterThan(20);
    for (const text of outputs) expect(text).not.toContain(TOKEN_PIN);
    expect(await readFile(at('ca', 'rootkeeper-store.json'), 'utf8')).not.toContain(TOKEN_PIN);
  });
});
