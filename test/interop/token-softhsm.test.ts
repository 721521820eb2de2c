/**
 * A root held on a PKCS#11 token (SoftHSM2): the key made on the token and
 * never readable, the root certificate, an intermediate and a CRL signed
 * through it, each verified by OpenSSL; and every way it can go wrong — a
 * wrong PIN, a token that is not there, a module that is not one, a key that
 * could be read out — refused with its own sentence.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as graphene from 'graphene-pk11';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTokenKey, generateTokenKey } from '../../src-main/custody/token/token-key';
import { listTokens, openToken, type OpenToken } from '../../src-main/custody/token/pkcs11-token';
import { createCrl } from '../../src-main/engine/crl';
import { generateKeyPair } from '../../src-main/engine/keys';
import { certificatePem } from '../../src-main/engine/formats/certificates';
import { createIntermediateCertificate } from '../../src-main/engine/profiles/intermediate';
import { createRootCertificate } from '../../src-main/engine/profiles/root';
import { failure } from '../support/errors';
import { run } from '../support/run';
import { SOFTHSM_MODULE, TOKEN_PIN, softHsmTokens } from '../support/softhsm';
import { makeTempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
let serial: string;
let token: OpenToken;

beforeAll(async () => {
  expect(SOFTHSM_MODULE, 'SoftHSM2 is installed by .ci/run (Debian softhsm2)').toBeDefined();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-token-'));
  await softHsmTokens(dir, ['Root token']);
  const [found] = listTokens(SOFTHSM_MODULE!);
  expect(found?.label).toBe('Root token');
  serial = found!.serial;
  token = openToken({ modulePath: SOFTHSM_MODULE!, serial });
});
afterAll(async () => {
  token?.close();
  await cleanup();
});

const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

describe('a root on a SoftHSM2 token', () => {
  it('refuses a wrong PIN with WRONG_PASSPHRASE and says tries are running low', async () => {
    const error = await failure(Promise.resolve().then(() => token.login('000000')));
    expect(error.code).toBe('WRONG_PASSPHRASE');
    expect(error.message).toMatch(/PIN is wrong/);
    expect(error.message).not.toContain('000000');
    expect(token.pinState).toBe('count-low');
    token.login(TOKEN_PIN);
    // A successful login resets the counter.
    expect(token.pinState).toBe('ok');
  });

  it('signs the root, an intermediate and a CRL through the token, and OpenSSL verifies each', async () => {
    const keys = await generateTokenKey(token, 'ec-p384', 'a1b2c3');
    const root = await createRootCertificate({
      subject: [
        { type: 'CN', value: 'Token Root CA' },
        { type: 'O', value: 'Rootkeeper Tests' },
      ],
      keys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
      provider: keys.provider,
    });
    // The certificate certifies the token's key, byte for byte.
    expect(Buffer.from(root.certificate.publicKey.rawData).equals(keys.spki)).toBe(true);

    const intermediateKeys = await generateKeyPair('ec-p256', false);
    const intermediate = await createIntermediateCertificate({
      subject: [{ type: 'CN', value: 'Token-signed Issuing CA' }],
      publicKey: intermediateKeys.publicKey,
      issuer: { certificate: root.certificate, signingKey: keys.privateKey, provider: keys.provider },
    });
    const crl = await createCrl({
      issuer: { certificate: root.certificate, signingKey: keys.privateKey, provider: keys.provider },
      crlNumber: 1,
      entries: [{ serialNumber: intermediate.serialNumber, revokedAt: new Date(), reason: 'keyCompromise' }],
    });
    await writeFile(path.join(dir, 'root.pem'), certificatePem(root.der));
    await writeFile(path.join(dir, 'intermediate.pem'), certificatePem(intermediate.der));
    await writeFile(path.join(dir, 'root.crl'), crl.der);

    const rootCheck = openssl('verify', '-x509_strict', '-check_ss_sig', '-CAfile', 'root.pem', 'root.pem');
    expect(rootCheck.stdout.trim()).toBe('root.pem: OK');
    const chainCheck = openssl('verify', '-x509_strict', '-CAfile', 'root.pem', 'intermediate.pem');
    expect(chainCheck.stdout.trim()).toBe('intermediate.pem: OK');
    const crlCheck = openssl('crl', '-inform', 'DER', '-in', 'root.crl', '-CAfile', 'root.pem', '-noout', '-text');
    expect(crlCheck.stderr).toMatch(/verify OK/);
    expect(crlCheck.stdout).toMatch(new RegExp(`Serial Number: 0*${intermediate.serialNumber.toUpperCase()}\\b`));
    // With the CRL in force, OpenSSL now refuses the intermediate.
    openssl('crl', '-inform', 'DER', '-in', 'root.crl', '-out', 'root.crl.pem');
    const revoked = openssl(
      'verify',
      '-crl_check',
      '-CAfile',
      'root.pem',
      '-CRLfile',
      'root.crl.pem',
      'intermediate.pem',
    );
    expect(revoked.stdout + revoked.stderr).toMatch(/certificate revoked/);
  });

  it('signs with an RSA-3072 root on the token (PKCS#1 v1.5, SHA-256), verified by OpenSSL', async () => {
    const keys = await generateTokenKey(token, 'rsa-3072', 'b0b0');
    const root = await createRootCertificate({
      subject: [{ type: 'CN', value: 'Token RSA Root' }],
      keys: { privateKey: keys.privateKey, publicKey: keys.publicKey },
      provider: keys.provider,
    });
    const crl = await createCrl({
      issuer: { certificate: root.certificate, signingKey: keys.privateKey, provider: keys.provider },
      crlNumber: 7,
      entries: [],
    });
    await writeFile(path.join(dir, 'rsa-root.pem'), certificatePem(root.der));
    await writeFile(path.join(dir, 'rsa-root.crl'), crl.der);
    const text = openssl('x509', '-in', 'rsa-root.pem', '-noout', '-text').stdout;
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(/Public-Key: \(3072 bit\)/);
    expect(openssl('verify', '-check_ss_sig', '-CAfile', 'rsa-root.pem', 'rsa-root.pem').stdout.trim()).toBe(
      'rsa-root.pem: OK',
    );
    const crlCheck = openssl(
      'crl',
      '-inform',
      'DER',
      '-in',
      'rsa-root.crl',
      '-CAfile',
      'rsa-root.pem',
      '-noout',
      '-crlnumber',
    );
    expect(crlCheck.stderr).toMatch(/verify OK/);
    expect(crlCheck.stdout.trim()).toBe('crlNumber=0x07');
  });

  it('finds the key again by CKA_ID, and the token never lets its private half out', async () => {
    const again = await findTokenKey(token, 'a1b2c3');
    expect(again.keyId).toBe('a1b2c3');
    const object = token.session
      .find({ class: graphene.ObjectClass.PRIVATE_KEY, id: Buffer.from('a1b2c3', 'hex') })
      .items(0);
    expect(object.getAttribute({ extractable: null, sensitive: null })).toEqual({
      extractable: false,
      sensitive: true,
    });
    // Asking the token for the private value (CKA_VALUE) is refused by the token itself.
    expect(() => object.getAttribute({ value: null })).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    await expect(generateTokenKey(token, 'ec-p384', 'a1b2c3')).rejects.toMatchObject({ reason: 'exists' });
  });

  it('refuses, for a root, a key that was made extractable', async () => {
    const id = Buffer.from('e0e0', 'hex');
    token.session.generateKeyPair(
      graphene.KeyGenMechanism.EC,
      {
        keyType: graphene.KeyType.EC,
        token: true,
        verify: true,
        id,
        paramsEC: graphene.NamedCurve.getByName('secp256r1').value,
      },
      { keyType: graphene.KeyType.EC, token: true, private: true, sign: true, id, sensitive: false, extractable: true },
    );
    const error = await failure(findTokenKey(token, 'e0e0'));
    expect(error.code).toBe('REJECTED_INPUT');
    expect(error.message).toMatch(/CKA_EXTRACTABLE true.*must never leave its token/);
  });

  it('names a missing key, a token that is not there, and a module that is not one', async () => {
    expect((await failure(findTokenKey(token, 'ffff'))).message).toMatch(/holds no private key with id ffff/);
    const absent = await failure(
      Promise.resolve().then(() => openToken({ modulePath: SOFTHSM_MODULE!, serial: '0000000000000000' })),
    );
    expect(absent).toMatchObject({ code: 'REJECTED_INPUT', reason: 'not-found' });
    expect(absent.message).toContain(`Tokens present: ${serial} ("Root token")`);
    const noModule = await failure(
      Promise.resolve().then(() => openToken({ modulePath: '/nonexistent/libpkcs11.so', serial })),
    );
    expect(noModule.message).toBe('There is no PKCS#11 module at /nonexistent/libpkcs11.so.');
    const notAModule = path.join(dir, 'softhsm2.conf');
    const wrongKind = await failure(Promise.resolve().then(() => openToken({ modulePath: notAModule, serial })));
    expect(wrongKind).toMatchObject({ reason: 'wrong-kind' });
  });
});
