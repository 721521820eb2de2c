import { createDecipheriv, createHash } from 'node:crypto';
import forge from 'node-forge';
import { id_data, id_encryptedData } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  CertBag,
  PFX,
  SafeContents,
  id_certBag,
  id_pbeWithSHAAnd3_KeyTripleDES_CBC,
  id_pkcs8ShroudedKeyBag,
} from '@peculiar/asn1-pfx';
import type { SafeBag } from '@peculiar/asn1-pfx';
import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { FriendlyName, id_pkcs9_at_friendlyName, id_pkcs9_at_localKeyId } from '@peculiar/asn1-pkcs9';
import { id_sha1, id_sha256 } from '@peculiar/asn1-rsa';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import type { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CmsEncryptedData,
  ObjectIdentifierValue,
  PBES2Params,
  PBKDF2Params,
  Pkcs12PbeParams,
  id_PBES2,
  id_PBKDF2,
  id_aes256_CBC,
  id_hmacWithSHA256,
  id_oracle_trustedKeyUsage,
} from '../../../src-main/engine/formats/pbe-schemas';
import {
  COMPATIBLE_ITERATIONS,
  MODERN_ITERATIONS,
  buildPkcs12,
  readPkcs12,
} from '../../../src-main/engine/formats/pkcs12';
import type { Pkcs12Profile } from '../../../src-main/engine/formats/pkcs12';
import { decryptPbes2 } from '../../../src-main/engine/formats/pkcs8';
import { failure } from '../../support/errors';
import { makeSimpleChain, type SimpleChain } from '../../support/pki';

const PASSWORD = 'export-Pässword';
const ANY_EKU = '2.5.29.37.0';

/** Decrypts one part the way the spec says, independently of pkcs12.ts's reader. */
async function decryptPart(algorithm: AlgorithmIdentifier, ciphertext: Uint8Array): Promise<Uint8Array> {
  if (algorithm.algorithm === id_PBES2) {
    return (await decryptPbes2(algorithm, ciphertext, new TextEncoder().encode(PASSWORD)))!;
  }
  expect(algorithm.algorithm).toBe(id_pbeWithSHAAnd3_KeyTripleDES_CBC);
  const params = AsnConvert.parse(algorithm.parameters!, Pkcs12PbeParams);
  const salt = forge.util.createBuffer(Buffer.from(params.salt.buffer).toString('binary'));
  const derive = (id: number, n: number): Buffer =>
    Buffer.from(
      forge.pkcs12
        .generateKey(PASSWORD, salt.copy(), id, Number(params.iterations), n, forge.md.sha1.create())
        .getBytes(),
      'binary',
    );
  const decipher = createDecipheriv('des-ede3-cbc', derive(1, 24), derive(2, 8));
  return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

interface Parts {
  pfx: PFX;
  certAlgorithm: AlgorithmIdentifier;
  certBags: SafeBag[];
  keyAlgorithm?: AlgorithmIdentifier;
  keyBag?: SafeBag;
}

/** Takes a PKCS#12 apart with the schema classes: the layout OpenSSL writes. */
async function openParts(der: Uint8Array): Promise<Parts> {
  const pfx = AsnConvert.parse(der, PFX);
  expect(pfx.authSafe.contentType).toBe(id_data);
  const safes = AsnConvert.parse(AsnConvert.parse(pfx.authSafe.content, OctetString), AuthenticatedSafe);
  const [encrypted, plain, ...rest] = safes;
  expect(rest).toEqual([]);
  expect(encrypted!.contentType).toBe(id_encryptedData);
  const eci = AsnConvert.parse(encrypted!.content, CmsEncryptedData).encryptedContentInfo;
  expect(eci.contentType).toBe(id_data);
  const certAlgorithm = eci.contentEncryptionAlgorithm;
  const certContents = await decryptPart(certAlgorithm, new Uint8Array(eci.encryptedContent!.value!.buffer));
  const certBags = [...AsnConvert.parse(certContents, SafeContents)];
  for (const bag of certBags) expect(bag.bagId).toBe(id_certBag);
  if (plain === undefined) return { pfx, certAlgorithm, certBags };
  expect(plain.contentType).toBe(id_data);
  const keyBags = AsnConvert.parse(AsnConvert.parse(plain.content, OctetString), SafeContents);
  expect(keyBags).toHaveLength(1);
  const keyBag = keyBags[0]!;
  expect(keyBag.bagId).toBe(id_pkcs8ShroudedKeyBag);
  const keyAlgorithm = AsnConvert.parse(keyBag.bagValue, EncryptedPrivateKeyInfo).encryptionAlgorithm;
  return { pfx, certAlgorithm, certBags, keyAlgorithm, keyBag };
}

function certOf(bag: SafeBag): Uint8Array {
  const certBag = AsnConvert.parse(bag.bagValue, CertBag);
  return new Uint8Array(AsnConvert.parse(certBag.certValue, OctetString).buffer);
}

function attributeValues(bag: SafeBag, oid: string): ArrayBuffer[] | undefined {
  return bag.bagAttributes?.find((a) => a.attrId === oid)?.attrValues;
}

function localKeyIdHex(bag: SafeBag): string | undefined {
  const [value] = attributeValues(bag, id_pkcs9_at_localKeyId) ?? [];
  return value && Buffer.from(AsnConvert.parse(value, OctetString).buffer).toString('hex');
}

function friendlyNameOf(bag: SafeBag): string | undefined {
  const [value] = attributeValues(bag, id_pkcs9_at_friendlyName) ?? [];
  return value && AsnConvert.parse(value, FriendlyName).value;
}

describe('PKCS#12', () => {
  let chain: SimpleChain;
  const files = new Map<Pkcs12Profile, Uint8Array>();
  beforeAll(async () => {
    chain = await makeSimpleChain();
    for (const profile of ['modern', 'compatible'] as const) {
      files.set(
        profile,
        await buildPkcs12({
          privateKey: chain.key,
          certificates: [{ der: chain.leaf, friendlyName: 'server.example' }, { der: chain.ca }],
          password: PASSWORD,
          profile,
        }),
      );
    }
  });

  describe.each(['modern', 'compatible'] as const)('the %s profile', (profile) => {
    it('reads back the key and both certificates, leaf first', async () => {
      const contents = await readPkcs12(files.get(profile)!, PASSWORD);
      expect(contents.privateKey).toEqual(chain.key);
      expect(contents.certificates).toEqual([chain.leaf, chain.ca]);
    });

    it('pairs key and leaf by a localKeyId equal to the SHA-1 of the leaf', async () => {
      const parts = await openParts(files.get(profile)!);
      const sha1 = createHash('sha1').update(chain.leaf).digest('hex');
      const [leafBag, caBag] = parts.certBags;
      expect(certOf(leafBag!)).toEqual(chain.leaf);
      expect(certOf(caBag!)).toEqual(chain.ca);
      expect(localKeyIdHex(leafBag!)).toBe(sha1);
      expect(localKeyIdHex(parts.keyBag!)).toBe(sha1);
      expect(localKeyIdHex(caBag!)).toBeUndefined();
    });

    it('names the leaf and the key with a BMPString friendlyName', async () => {
      const parts = await openParts(files.get(profile)!);
      expect(friendlyNameOf(parts.certBags[0]!)).toBe('server.example');
      expect(friendlyNameOf(parts.keyBag!)).toBe('server.example');
      expect(friendlyNameOf(parts.certBags[1]!)).toBeUndefined();
      const [raw] = attributeValues(parts.keyBag!, id_pkcs9_at_friendlyName)!;
      expect(new Uint8Array(raw!)[0]).toBe(0x1e); // universal tag 30: BMPString
    });

    it('carries no Java trust attribute unless asked', async () => {
      const parts = await openParts(files.get(profile)!);
      for (const bag of [...parts.certBags, parts.keyBag!]) {
        expect(attributeValues(bag, id_oracle_trustedKeyUsage)).toBeUndefined();
      }
    });

    it('refuses a wrong password with WRONG_PASSPHRASE', async () => {
      const error = await failure(readPkcs12(files.get(profile)!, 'export-Password'));
      expect(error.code).toBe('WRONG_PASSPHRASE');
      expect(error.message).toBe('The password does not open this PKCS#12 file.');
    });

    it('refuses a file with a flipped byte', async () => {
      const original = files.get(profile)!;
      // In the encrypted certificates: the MAC catches it before anything is decrypted.
      const inContent = Uint8Array.from(original);
      inContent[Math.floor(original.length / 2)]! ^= 0x01;
      expect((await failure(readPkcs12(inContent, PASSWORD))).code).toBe('WRONG_PASSPHRASE');
      // In the structure itself: not a PFX any more.
      const inHeader = Uint8Array.from(original);
      inHeader[0]! ^= 0x01;
      const malformed = await failure(readPkcs12(inHeader, PASSWORD));
      expect(malformed.code).toBe('REJECTED_INPUT');
      expect(malformed.reason).toBe('malformed');
      // Truncated.
      expect((await failure(readPkcs12(original.subarray(0, original.length - 10), PASSWORD))).code).toBe(
        'REJECTED_INPUT',
      );
    });
  });

  it('modern: PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC for both parts, HMAC-SHA256 MAC, 16-byte salts', async () => {
    const parts = await openParts(files.get('modern')!);
    for (const algorithm of [parts.certAlgorithm, parts.keyAlgorithm!]) {
      expect(algorithm.algorithm).toBe(id_PBES2);
      const pbes2 = AsnConvert.parse(algorithm.parameters!, PBES2Params);
      expect(pbes2.keyDerivationFunc.algorithm).toBe(id_PBKDF2);
      expect(pbes2.encryptionScheme.algorithm).toBe(id_aes256_CBC);
      const kdf = AsnConvert.parse(pbes2.keyDerivationFunc.parameters!, PBKDF2Params);
      expect(kdf.prf?.algorithm).toBe(id_hmacWithSHA256);
      expect(kdf.iterationCount).toBe(BigInt(MODERN_ITERATIONS));
      expect(kdf.salt.byteLength).toBe(16);
    }
    const { macData } = parts.pfx;
    expect(macData.mac.digestAlgorithm.algorithm).toBe(id_sha256);
    expect(macData.mac.digest.byteLength).toBe(32);
    expect(macData.macSalt.byteLength).toBe(16);
    expect(macData.iterations).toBe(MODERN_ITERATIONS);
    expect(MODERN_ITERATIONS).toBe(10_000);
  });

  it('compatible: pbeWithSHAAnd3-KeyTripleDES-CBC for both parts, HMAC-SHA1 MAC, 8-byte salts', async () => {
    const parts = await openParts(files.get('compatible')!);
    for (const algorithm of [parts.certAlgorithm, parts.keyAlgorithm!]) {
      expect(algorithm.algorithm).toBe(id_pbeWithSHAAnd3_KeyTripleDES_CBC);
      expect(algorithm.algorithm).toBe('1.2.840.113549.1.12.1.3');
      const params = AsnConvert.parse(algorithm.parameters!, Pkcs12PbeParams);
      expect(params.iterations).toBe(BigInt(COMPATIBLE_ITERATIONS));
      expect(params.salt.byteLength).toBe(8);
    }
    const { macData } = parts.pfx;
    expect(macData.mac.digestAlgorithm.algorithm).toBe(id_sha1);
    expect(macData.mac.digest.byteLength).toBe(20);
    expect(macData.macSalt.byteLength).toBe(8);
    expect(macData.iterations).toBe(COMPATIBLE_ITERATIONS);
    expect(COMPATIBLE_ITERATIONS).toBe(2048);
  });

  it('writes a certificate-only file with no key part and no localKeyId', async () => {
    const der = await buildPkcs12({
      certificates: [{ der: chain.ca, friendlyName: 'Test Root' }, { der: chain.leaf }],
      password: PASSWORD,
      profile: 'modern',
    });
    const parts = await openParts(der);
    expect(parts.keyBag).toBeUndefined();
    expect(parts.certBags.map(localKeyIdHex)).toEqual([undefined, undefined]);
    expect(friendlyNameOf(parts.certBags[0]!)).toBe('Test Root');
    const contents = await readPkcs12(der, PASSWORD);
    expect(contents.privateKey).toBeUndefined();
    expect(contents.certificates).toEqual([chain.ca, chain.leaf]);
  });

  it('adds the Java trusted-key-usage attribute (anyExtendedKeyUsage) only to the certificates that ask', async () => {
    const der = await buildPkcs12({
      certificates: [{ der: chain.ca, friendlyName: 'root', javaTrustedCertificate: true }, { der: chain.leaf }],
      password: PASSWORD,
      profile: 'compatible',
    });
    const [caBag, leafBag] = (await openParts(der)).certBags;
    const values = attributeValues(caBag!, id_oracle_trustedKeyUsage)!;
    expect(values.map((v) => AsnConvert.parse(v, ObjectIdentifierValue).value)).toEqual([ANY_EKU]);
    expect(id_oracle_trustedKeyUsage).toBe('2.16.840.1.113894.746875.1.1');
    expect(attributeValues(leafBag!, id_oracle_trustedKeyUsage)).toBeUndefined();
  });

  it('orders bag attributes as DER orders a SET OF', async () => {
    const der = await buildPkcs12({
      certificates: [{ der: chain.leaf, friendlyName: 'leaf', javaTrustedCertificate: true }],
      privateKey: chain.key,
      password: PASSWORD,
      profile: 'modern',
    });
    const [leafBag] = (await openParts(der)).certBags;
    const encodings = leafBag!.bagAttributes!.map((a) => Buffer.from(AsnConvert.serialize(a)));
    expect(encodings).toHaveLength(3);
    expect([...encodings].sort(Buffer.compare)).toEqual(encodings);
  });

  it('refuses a key that does not belong to the first certificate', async () => {
    const error = await failure(
      buildPkcs12({ privateKey: chain.key, certificates: [{ der: chain.ca }], password: PASSWORD, profile: 'modern' }),
    );
    expect(error.code).toBe('REJECTED_INPUT');
    expect(error.message).toBe('The first certificate does not belong to the private key.');
  });

  it('refuses an empty certificate list and bytes that are not a certificate', async () => {
    expect((await failure(buildPkcs12({ certificates: [], password: PASSWORD, profile: 'modern' }))).code).toBe(
      'REJECTED_INPUT',
    );
    const notCert = await failure(
      buildPkcs12({ certificates: [{ der: chain.leaf }, { der: chain.key }], password: PASSWORD, profile: 'modern' }),
    );
    expect(notCert.message).toBe('Certificate 2 is not a DER X.509 certificate.');
  });

  it('refuses garbage as malformed', async () => {
    for (const garbage of [new Uint8Array(), new Uint8Array([1, 2, 3]), chain.leaf]) {
      const error = await failure(readPkcs12(garbage, PASSWORD));
      expect(error.code).toBe('REJECTED_INPUT');
      expect(error.reason).toBe('malformed');
    }
  });

  it('handles an empty password like OpenSSL: a BMPString of just the terminator', async () => {
    const der = await buildPkcs12({ certificates: [{ der: chain.ca }], password: '', profile: 'compatible' });
    expect((await readPkcs12(der, '')).certificates).toEqual([chain.ca]);
    expect((await failure(readPkcs12(der, 'x'))).code).toBe('WRONG_PASSPHRASE');
  });
});
