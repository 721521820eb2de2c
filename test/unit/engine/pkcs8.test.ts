import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { RootkeeperError } from '../../../shared/errors';
import {
  PBES2Params,
  PBKDF2Params,
  id_PBES2,
  id_PBKDF2,
  id_aes256_CBC,
  id_hmacWithSHA256,
} from '../../../src-main/engine/formats/pbe-schemas';
import {
  KEY_PBKDF2_ITERATIONS,
  decryptPrivateKey,
  encryptPrivateKeyPem,
  privateKeyPem,
} from '../../../src-main/engine/formats/pkcs8';
import { crypto, x509 } from '../../../src-main/engine/x509';
import { failure } from '../../support/errors';

const PASSPHRASE = 'correct horse battery staple';
const FAST = { iterations: 1000 };

async function pkcs8Of(algorithm: RsaHashedKeyGenParams | EcKeyGenParams): Promise<Uint8Array> {
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
}

/** Re-encodes an EncryptedPrivateKeyInfo with its PBKDF2 iteration count replaced. */
function withIterations(pem: string, iterations: bigint): Uint8Array {
  const info = AsnConvert.parse(x509.PemConverter.decodeFirst(pem), EncryptedPrivateKeyInfo);
  const pbes2 = AsnConvert.parse(info.encryptionAlgorithm.parameters!, PBES2Params);
  const kdf = AsnConvert.parse(pbes2.keyDerivationFunc.parameters!, PBKDF2Params);
  kdf.iterationCount = iterations;
  pbes2.keyDerivationFunc.parameters = AsnConvert.serialize(kdf);
  info.encryptionAlgorithm.parameters = AsnConvert.serialize(pbes2);
  return new Uint8Array(AsnConvert.serialize(info));
}

describe('PKCS#8 private keys', () => {
  let ecKey: Uint8Array;
  let rsaKey: Uint8Array;
  beforeAll(async () => {
    ecKey = await pkcs8Of({ name: 'ECDSA', namedCurve: 'P-256' });
    rsaKey = await pkcs8Of({
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    });
  });

  it('uses the OWASP work factor by default', () => {
    expect(KEY_PBKDF2_ITERATIONS).toBe(600_000);
  });

  it.each([
    ['ECDSA P-256', () => ecKey],
    ['RSA-2048', () => rsaKey],
  ])('round-trips a %s key through PEM and DER', async (_name, key) => {
    const pem = await encryptPrivateKeyPem(key(), PASSPHRASE, FAST);
    expect(await decryptPrivateKey(pem, PASSPHRASE)).toEqual(key());
    const der = new Uint8Array(x509.PemConverter.decodeFirst(pem));
    expect(await decryptPrivateKey(der, PASSPHRASE)).toEqual(key());
    expect(await decryptPrivateKey(new TextEncoder().encode(pem), PASSPHRASE)).toEqual(key());
  });

  it('round-trips a passphrase outside ASCII', async () => {
    const pem = await encryptPrivateKeyPem(ecKey, 'Pässwörd €🔑', FAST);
    expect(await decryptPrivateKey(pem, 'Pässwörd €🔑')).toEqual(ecKey);
  });

  it('writes an ENCRYPTED PRIVATE KEY PEM block', async () => {
    const pem = await encryptPrivateKeyPem(ecKey, PASSPHRASE, FAST);
    expect(pem.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----\n')).toBe(true);
    expect(pem.endsWith('-----END ENCRYPTED PRIVATE KEY-----\n')).toBe(true);
  });

  it('writes PBES2 with PBKDF2-HMAC-SHA256, a 16-byte salt and AES-256-CBC with a 16-byte IV', async () => {
    const pem = await encryptPrivateKeyPem(ecKey, PASSPHRASE, { iterations: 1234 });
    const info = AsnConvert.parse(x509.PemConverter.decodeFirst(pem), EncryptedPrivateKeyInfo);
    expect(info.encryptionAlgorithm.algorithm).toBe(id_PBES2);
    const pbes2 = AsnConvert.parse(info.encryptionAlgorithm.parameters!, PBES2Params);
    expect(pbes2.keyDerivationFunc.algorithm).toBe(id_PBKDF2);
    const kdf = AsnConvert.parse(pbes2.keyDerivationFunc.parameters!, PBKDF2Params);
    expect(kdf.iterationCount).toBe(1234n);
    expect(kdf.salt.byteLength).toBe(16);
    expect(kdf.keyLength).toBeUndefined();
    expect(kdf.prf?.algorithm).toBe(id_hmacWithSHA256);
    expect(pbes2.encryptionScheme.algorithm).toBe(id_aes256_CBC);
    expect(AsnConvert.parse(pbes2.encryptionScheme.parameters!, OctetString).byteLength).toBe(16);
    // PKCS#7 padding of the whole key to AES blocks.
    expect(info.encryptedData.byteLength % 16).toBe(0);
    expect(info.encryptedData.byteLength).toBeGreaterThan(ecKey.length);
  });

  it('uses a fresh salt and IV each time', async () => {
    const a = await encryptPrivateKeyPem(ecKey, PASSPHRASE, FAST);
    const b = await encryptPrivateKeyPem(ecKey, PASSPHRASE, FAST);
    expect(a).not.toBe(b);
    const params = (pem: string): string[] => {
      const info = AsnConvert.parse(x509.PemConverter.decodeFirst(pem), EncryptedPrivateKeyInfo);
      const pbes2 = AsnConvert.parse(info.encryptionAlgorithm.parameters!, PBES2Params);
      const kdf = AsnConvert.parse(pbes2.keyDerivationFunc.parameters!, PBKDF2Params);
      return [
        Buffer.from(kdf.salt.buffer).toString('hex'),
        Buffer.from(pbes2.encryptionScheme.parameters!).toString('hex'),
      ];
    };
    const [saltA, ivA] = params(a);
    const [saltB, ivB] = params(b);
    expect(saltA).not.toBe(saltB);
    expect(ivA).not.toBe(ivB);
  });

  it('writes an unencrypted PRIVATE KEY block holding the DER as is', () => {
    const pem = privateKeyPem(ecKey);
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
    expect(new Uint8Array(x509.PemConverter.decodeFirst(pem))).toEqual(ecKey);
  });

  it('refuses to wrap bytes that are not a PrivateKeyInfo', async () => {
    expect(() => privateKeyPem(new Uint8Array([0x30, 0x00]))).toThrow(RootkeeperError);
    const error = await failure(encryptPrivateKeyPem(new Uint8Array([1, 2, 3]), PASSPHRASE, FAST));
    expect(error.code).toBe('REJECTED_INPUT');
  });

  it('answers WRONG_PASSPHRASE to a wrong passphrase, without echoing it', async () => {
    const pem = await encryptPrivateKeyPem(rsaKey, PASSPHRASE, FAST);
    for (const wrong of ['correct horse battery stapler', '', 'hunter2-secret']) {
      const error = await failure(decryptPrivateKey(pem, wrong));
      expect(error.code).toBe('WRONG_PASSPHRASE');
      expect(error.message).toBe('The passphrase does not open this private key.');
      if (wrong !== '') expect(error.message).not.toContain(wrong);
      expect(error.message).not.toContain(PASSPHRASE);
    }
  });

  it('refuses garbage as neither PEM nor DER', async () => {
    const error = await failure(decryptPrivateKey(new Uint8Array([0xde, 0xad, 0xbe, 0xef]), PASSPHRASE));
    expect(error.code).toBe('REJECTED_INPUT');
    expect(error.reason).toBe('not-pem-or-der');
    expect((await failure(decryptPrivateKey('hello world', PASSPHRASE))).reason).toBe('not-pem-or-der');
    expect((await failure(decryptPrivateKey(new Uint8Array(), PASSPHRASE))).reason).toBe('not-pem-or-der');
  });

  it('refuses truncated DER and damaged PEM as malformed', async () => {
    const pem = await encryptPrivateKeyPem(ecKey, PASSPHRASE, FAST);
    const der = new Uint8Array(x509.PemConverter.decodeFirst(pem));
    for (const cut of [der.subarray(0, der.length - 1), der.subarray(0, 20), der.subarray(0, 2)]) {
      const error = await failure(decryptPrivateKey(cut, PASSPHRASE));
      expect(error.code).toBe('REJECTED_INPUT');
      expect(error.reason).toBe('malformed');
    }
    const damaged = x509.PemConverter.encode(der.subarray(0, 40), 'ENCRYPTED PRIVATE KEY');
    expect((await failure(decryptPrivateKey(damaged, PASSPHRASE))).reason).toBe('malformed');
  });

  it('refuses other PEM blocks, naming the fix for unencrypted keys', async () => {
    const plain = await failure(decryptPrivateKey(privateKeyPem(ecKey), PASSPHRASE));
    expect(plain.reason).toBe('unsupported-key');
    expect(plain.message).toContain('openssl pkcs8 -topk8');
    const cert = await failure(
      decryptPrivateKey(x509.PemConverter.encode(new Uint8Array(ecKey), 'CERTIFICATE'), PASSPHRASE),
    );
    expect(cert.reason).toBe('not-pem-or-der');
  });

  it('refuses an absurd iteration count before deriving anything', async () => {
    const pem = await encryptPrivateKeyPem(ecKey, PASSPHRASE, FAST);
    const started = Date.now();
    const error = await failure(decryptPrivateKey(withIterations(pem, 10_000_001n), PASSPHRASE));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('REJECTED_INPUT');
    expect(error.reason).toBe('unsupported-key');
    expect(error.message).toContain('10,000,000');
    for (const bad of [0n, -5n, 2n ** 64n]) {
      expect((await failure(decryptPrivateKey(withIterations(pem, bad), PASSPHRASE))).code).toBe('REJECTED_INPUT');
    }
  });
});
