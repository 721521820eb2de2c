/** node-forge (the RFC 7292 key derivation and MAC digests): required on first use, not at every command's start. */
const forge = lazyRequire<typeof forgeModule>('node-forge');

/**
 * PKCS#12 (RFC 7292) files: a private key with its certificate chain, or
 * certificates alone, laid out the way OpenSSL writes them so that Windows,
 * macOS Keychain and Java import them.
 */
import {
  createCipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  timingSafeEqual,
} from 'node:crypto';
import type forgeModule from 'node-forge';
import { lazyRequire } from '../../lazy-require';
import { ContentInfo, EncryptedContent, EncryptedContentInfo, id_data, id_encryptedData } from '@peculiar/asn1-cms';
import {
  AuthenticatedSafe,
  CertBag,
  MacData,
  PFX,
  PKCS12Attribute,
  PKCS8ShroudedKeyBag,
  SafeBag,
  SafeContents,
  id_certBag,
  id_keyBag,
  id_pbeWithSHAAnd3_KeyTripleDES_CBC,
  id_pkcs8ShroudedKeyBag,
  id_x509Certificate,
} from '@peculiar/asn1-pfx';
import { EncryptedData, EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { FriendlyName, LocalKeyId, id_pkcs9_at_friendlyName, id_pkcs9_at_localKeyId } from '@peculiar/asn1-pkcs9';
import { DigestInfo, id_sha1, id_sha256, id_sha384, id_sha512 } from '@peculiar/asn1-rsa';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, SubjectPublicKeyInfo, anyExtendedKeyUsage } from '@peculiar/asn1-x509';
import { RootkeeperError, rejected } from '../../../shared/errors';
import {
  CmsEncryptedData,
  ObjectIdentifierValue,
  Pkcs12PbeParams,
  id_PBES2,
  id_oracle_trustedKeyUsage,
} from './pbe-schemas';
import { randomSalt, type PbeResult, type SaltSource } from './pkcs8';
import {
  bytes,
  checkedCount,
  decipher,
  decryptPbes2,
  encryptPbes2,
  isPrivateKeyInfo,
  parseOrReject,
  utf8,
} from './pkcs8';

export type Pkcs12Profile = 'modern' | 'compatible';

/**
 * The file travels with its own password, typed by a person at import time, so
 * the work factor matters less than importing everywhere: Windows and Java cap
 * or choke on very high counts, and 10,000 is what Java itself writes.
 */
export const MODERN_ITERATIONS = 10_000;

/** OpenSSL's long-standing default (PKCS12_DEFAULT_ITER), which every old importer accepts. */
export const COMPATIBLE_ITERATIONS = 2048;

/**
 * Ceiling for the RFC 7292 App. B derivation when reading: it runs in forge's
 * pure JavaScript (about a second per million SHA-1 rounds, on the main thread),
 * so a doctored count could otherwise freeze the app.
 */
export const MAX_PKCS12_KDF_ITERATIONS = 1_000_000;

export interface Pkcs12Certificate {
  readonly der: Uint8Array;
  readonly friendlyName?: string;
  /** Adds Oracle's trusted-key-usage attribute so Java's KeyStore lists it as a trustedCertEntry. */
  readonly javaTrustedCertificate?: boolean;
}

export interface BuildPkcs12Options {
  /** PKCS#8 PrivateKeyInfo DER; it belongs to the first certificate. */
  readonly privateKey?: Uint8Array;
  readonly certificates: readonly Pkcs12Certificate[];
  readonly password: string;
  readonly profile: Pkcs12Profile;
  /** Salts and IVs; random unless the content is public and must be reproducible (see contentSalts). */
  readonly salts?: SaltSource;
}

export interface Pkcs12Contents {
  privateKey?: Uint8Array;
  /** The key's own certificate first (when there is a key), then the others in file order. */
  certificates: Uint8Array[];
}

interface MacDigest {
  readonly oid: string;
  readonly name: string;
  readonly length: number;
  readonly md: () => forgeModule.md.MessageDigest;
}

const SHA1: MacDigest = { oid: id_sha1, name: 'sha1', length: 20, md: () => forge().md.sha1.create() };
const SHA256: MacDigest = { oid: id_sha256, name: 'sha256', length: 32, md: () => forge().md.sha256.create() };
const MAC_DIGESTS: readonly MacDigest[] = [
  SHA1,
  SHA256,
  { oid: id_sha384, name: 'sha384', length: 48, md: () => forge().md.sha384.create() },
  { oid: id_sha512, name: 'sha512', length: 64, md: () => forge().md.sha512.create() },
];

/** Weak RFC 7292 schemes Node's OpenSSL no longer offers, named so the officer knows what to re-export. */
const LEGACY_PBE_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.12.1.1': '128-bit RC4',
  '1.2.840.113549.1.12.1.2': '40-bit RC4',
  '1.2.840.113549.1.12.1.5': '128-bit RC2',
  '1.2.840.113549.1.12.1.6': "40-bit RC2 (the certificate default of OpenSSL's -legacy)",
};

interface ProfileSettings {
  readonly encrypt: (plaintext: Uint8Array, password: string, salts: SaltSource) => Promise<PbeResult>;
  readonly macDigest: MacDigest;
  readonly saltBytes: number;
  readonly iterations: number;
}

const PROFILES: Readonly<Record<Pkcs12Profile, ProfileSettings>> = {
  // OpenSSL 3's default; PBES2 takes the password as its UTF-8 bytes, as OpenSSL does.
  modern: {
    encrypt: (plaintext, password, salts) => encryptPbes2(plaintext, utf8(password), MODERN_ITERATIONS, salts),
    macDigest: SHA256,
    saltBytes: 16,
    iterations: MODERN_ITERATIONS,
  },
  compatible: {
    encrypt: async (plaintext, password, salts) => encryptTripleDes(plaintext, password, COMPATIBLE_ITERATIONS, salts),
    macDigest: SHA1,
    saltBytes: 8,
    iterations: COMPATIBLE_ITERATIONS,
  },
};

/** Builds a password-protected PKCS#12 (DER). */
export async function buildPkcs12(options: BuildPkcs12Options): Promise<Uint8Array> {
  const profile = PROFILES[options.profile];
  const [leaf] = options.certificates;
  if (leaf === undefined) throw rejected('invalid-option', 'A PKCS#12 file needs at least one certificate.');
  options.certificates.forEach((c, i) => parseCertificate(c.der, i));
  const key =
    options.privateKey === undefined
      ? undefined
      : { der: options.privateKey, localKeyId: pairKey(options.privateKey, leaf) };

  // A key's encryption must never reuse a salt and IV across files or parts.
  if (key !== undefined && options.salts !== undefined) throw new Error('derived salts are for public content only');
  const salts = options.salts ?? randomSalt;
  const certBags = options.certificates.map((c, i) => certBag(c, i === 0 ? key?.localKeyId : undefined));
  const safes = [await encryptedSafe(new SafeContents(certBags), options.password, profile, salts)];
  if (key !== undefined) {
    const keyBag = await shroudedKeyBag(key.der, leaf, key.localKeyId, options.password, profile, salts);
    safes.push(dataContentInfo(AsnConvert.serialize(new SafeContents([keyBag]))));
  }
  const authSafe = new Uint8Array(AsnConvert.serialize(new AuthenticatedSafe(safes)));
  const pfx = new PFX({
    version: 3,
    authSafe: dataContentInfo(authSafe),
    macData: macData(authSafe, options.password, profile, salts),
  });
  return new Uint8Array(AsnConvert.serialize(pfx));
}

/** Reads a password-protected PKCS#12 made by Rootkeeper, OpenSSL or alike; the MAC is checked before anything is decrypted. */
export async function readPkcs12(der: Uint8Array, password: string): Promise<Pkcs12Contents> {
  const pfx = parseOrReject(der, PFX, 'The file is not a PKCS#12 (PFX) structure.');
  if (pfx.version !== 3) throw rejected('malformed', 'The PKCS#12 file is not version 3.');
  if (pfx.authSafe.contentType !== id_data) {
    throw rejected(
      'unsupported-key',
      'The PKCS#12 file uses public-key integrity mode, which Rootkeeper does not read.',
    );
  }
  const authSafe = octets(pfx.authSafe.content, 'The PKCS#12 content is malformed.');
  verifyMac(pfx.macData, authSafe, password);
  const safes = parseOrReject(authSafe, AuthenticatedSafe, 'The PKCS#12 content is not an AuthenticatedSafe.');
  const bags: SafeBag[] = [];
  for (const info of safes) bags.push(...(await openSafe(info, password)));
  return collect(bags, password);
}

/**
 * Salts and IVs derived from the content and a fixed label, for a PKCS#12
 * holding public certificates only (a trust store): the same content then
 * gives the same file, so kits can be compared byte for byte. Never for a
 * file holding a private key, where a salt must be fresh.
 */
export function contentSalts(content: Uint8Array, label: string): SaltSource {
  return (length, purpose) => {
    const digest = createHash('sha256').update(`rootkeeper:${label}:${purpose}:`).update(content).digest();
    return new Uint8Array(digest.subarray(0, length));
  };
}

// ---- building ----------------------------------------------------------------

function certBag(cert: Pkcs12Certificate, localKeyId: Uint8Array | undefined): SafeBag {
  const bag = new CertBag({ certId: id_x509Certificate, certValue: AsnConvert.serialize(new OctetString(cert.der)) });
  return new SafeBag({
    bagId: id_certBag,
    bagValue: AsnConvert.serialize(bag),
    bagAttributes: bagAttributes(cert.friendlyName, localKeyId, cert.javaTrustedCertificate === true),
  });
}

async function shroudedKeyBag(
  privateKey: Uint8Array,
  leaf: Pkcs12Certificate,
  localKeyId: Uint8Array,
  password: string,
  profile: ProfileSettings,
  salts: SaltSource,
): Promise<SafeBag> {
  const { algorithm, ciphertext } = await profile.encrypt(privateKey, password, salts);
  const shrouded = new PKCS8ShroudedKeyBag({
    encryptionAlgorithm: algorithm,
    encryptedData: new EncryptedData(ciphertext),
  });
  return new SafeBag({
    bagId: id_pkcs8ShroudedKeyBag,
    bagValue: AsnConvert.serialize(shrouded),
    bagAttributes: bagAttributes(leaf.friendlyName, localKeyId, false),
  });
}

function bagAttributes(
  friendlyName: string | undefined,
  localKeyId: Uint8Array | undefined,
  javaTrusted: boolean,
): PKCS12Attribute[] | undefined {
  const attributes: PKCS12Attribute[] = [];
  if (friendlyName) attributes.push(attribute(id_pkcs9_at_friendlyName, new FriendlyName(friendlyName)));
  if (localKeyId) attributes.push(attribute(id_pkcs9_at_localKeyId, new LocalKeyId(localKeyId)));
  if (javaTrusted) {
    // Java writes the trusted extended key usages; anyExtendedKeyUsage trusts the certificate for everything.
    attributes.push(attribute(id_oracle_trustedKeyUsage, new ObjectIdentifierValue(anyExtendedKeyUsage)));
  }
  if (attributes.length === 0) return undefined;
  // DER orders a SET OF by the encodings of its members.
  return attributes
    .map((a) => ({ a, der: Buffer.from(AsnConvert.serialize(a)) }))
    .sort((x, y) => Buffer.compare(x.der, y.der))
    .map(({ a }) => a);
}

function attribute(id: string, value: unknown): PKCS12Attribute {
  // Set fields after construction: PKCS12Attribute's constructor ignores its parameters (asn1-pfx 2.11).
  const attr = new PKCS12Attribute();
  attr.attrId = id;
  attr.attrValues = [AsnConvert.serialize(value)];
  return attr;
}

async function encryptedSafe(
  contents: SafeContents,
  password: string,
  profile: ProfileSettings,
  salts: SaltSource,
): Promise<ContentInfo> {
  const plaintext = new Uint8Array(AsnConvert.serialize(contents));
  const { algorithm, ciphertext } = await profile.encrypt(plaintext, password, salts);
  const data = new CmsEncryptedData({
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: id_data,
      contentEncryptionAlgorithm: algorithm,
      encryptedContent: new EncryptedContent({ value: new OctetString(ciphertext) }),
    }),
  });
  return new ContentInfo({ contentType: id_encryptedData, content: AsnConvert.serialize(data) });
}

function dataContentInfo(payload: ArrayBuffer | Uint8Array): ContentInfo {
  return new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(payload)) });
}

function macData(authSafe: Uint8Array, password: string, profile: ProfileSettings, salts: SaltSource): MacData {
  const digest = profile.macDigest;
  const salt = salts(profile.saltBytes, 'mac-salt');
  return new MacData({
    mac: new DigestInfo({
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: digest.oid, parameters: null }),
      digest: new OctetString(mac(authSafe, password, salt, profile.iterations, digest)),
    }),
    macSalt: new OctetString(salt),
    iterations: profile.iterations,
  });
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC: key and IV from the App. B derivation with SHA-1. */
function encryptTripleDes(plaintext: Uint8Array, password: string, iterations: number, salts: SaltSource): PbeResult {
  const salt = salts(8, 'pbe-salt');
  const { key, iv } = tripleDesKeys(password, salt, iterations);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const params = new Pkcs12PbeParams({ salt: new OctetString(salt), iterations: BigInt(iterations) });
  return {
    algorithm: new AlgorithmIdentifier({
      algorithm: id_pbeWithSHAAnd3_KeyTripleDES_CBC,
      parameters: AsnConvert.serialize(params),
    }),
    ciphertext: new Uint8Array(ciphertext),
  };
}

function parseCertificate(der: Uint8Array, index: number): Certificate {
  try {
    return AsnConvert.parse(der, Certificate);
  } catch {
    throw rejected('malformed', `Certificate ${index + 1} is not a DER X.509 certificate.`);
  }
}

/**
 * The localKeyId that pairs the key with its certificate (the certificate's
 * SHA-1, as OpenSSL computes it), after checking they belong together:
 * importers would otherwise pair them and fail later.
 */
function pairKey(privateKey: Uint8Array, leaf: Pkcs12Certificate): Uint8Array {
  let spki: Buffer;
  try {
    const key = createPrivateKey({ key: Buffer.from(privateKey), format: 'der', type: 'pkcs8' });
    spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  } catch {
    throw rejected('unsupported-key', 'The private key is not a PKCS#8 key this system can read.');
  }
  const keyBits = AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey;
  const certBits = parseCertificate(leaf.der, 0).tbsCertificate.subjectPublicKeyInfo.subjectPublicKey;
  if (!Buffer.from(keyBits).equals(Buffer.from(certBits))) {
    throw rejected('invalid-option', 'The first certificate does not belong to the private key.');
  }
  return sha1(leaf.der);
}

// ---- reading -----------------------------------------------------------------

function verifyMac(macData: MacData, authSafe: Uint8Array, password: string): void {
  const oid = macData.mac.digestAlgorithm.algorithm;
  if (oid === '') {
    throw rejected(
      'unsupported-key',
      'The PKCS#12 file has no password MAC; Rootkeeper reads only password-protected files.',
    );
  }
  const digest = MAC_DIGESTS.find((d) => d.oid === oid);
  if (digest === undefined) throw rejected('unsupported-key', `The PKCS#12 MAC digest ${oid} is not supported.`);
  const iterations = checkedCount(macData.iterations, MAX_PKCS12_KDF_ITERATIONS, 'PKCS#12 MAC');
  const expected = bytes(macData.mac.digest);
  if (expected.length !== digest.length) throw rejected('malformed', 'The PKCS#12 MAC has the wrong length.');
  const actual = mac(authSafe, password, bytes(macData.macSalt), iterations, digest);
  if (!timingSafeEqual(expected, actual)) {
    throw new RootkeeperError('WRONG_PASSPHRASE', 'The password does not open this PKCS#12 file.');
  }
}

async function openSafe(info: ContentInfo, password: string): Promise<SafeContents> {
  if (info.contentType === id_data) {
    return parseOrReject(
      octets(info.content, 'A PKCS#12 part is malformed.'),
      SafeContents,
      'A PKCS#12 part is malformed.',
    );
  }
  if (info.contentType !== id_encryptedData) {
    throw rejected(
      'unsupported-key',
      `A PKCS#12 part has content type ${info.contentType}, which Rootkeeper does not read.`,
    );
  }
  const eci = parseOrReject(
    info.content,
    CmsEncryptedData,
    'An encrypted PKCS#12 part is malformed.',
  ).encryptedContentInfo;
  const plaintext = await decryptPart(eci.contentEncryptionAlgorithm, encryptedContent(eci), password);
  if (plaintext === null) throw undecryptable();
  try {
    return AsnConvert.parse(plaintext, SafeContents);
  } catch {
    throw undecryptable();
  }
}

async function collect(bags: readonly SafeBag[], password: string): Promise<Pkcs12Contents> {
  const keys: Array<{ der: Uint8Array; localKeyId: string | undefined }> = [];
  const certs: Array<{ der: Uint8Array; localKeyId: string | undefined }> = [];
  for (const bag of bags) {
    const localKeyId = localKeyIdOf(bag);
    if (bag.bagId === id_pkcs8ShroudedKeyBag)
      keys.push({ der: await openShroudedKey(bag.bagValue, password), localKeyId });
    else if (bag.bagId === id_keyBag) keys.push({ der: plainKey(bag.bagValue), localKeyId });
    else if (bag.bagId === id_certBag) {
      const der = certificateOf(bag.bagValue);
      if (der !== undefined) certs.push({ der, localKeyId });
    }
    // CRL, secret and nested bags carry nothing Rootkeeper needs.
  }
  const [key, ...others] = keys;
  if (others.length > 0) {
    throw rejected(
      'unsupported-key',
      'The PKCS#12 file holds more than one private key; Rootkeeper reads files with one.',
    );
  }
  if (key === undefined) return { certificates: certs.map((c) => c.der) };
  const isLeaf = (c: { localKeyId: string | undefined }): boolean =>
    key.localKeyId !== undefined && c.localKeyId === key.localKeyId;
  const ordered = [...certs.filter(isLeaf), ...certs.filter((c) => !isLeaf(c))];
  return { privateKey: key.der, certificates: ordered.map((c) => c.der) };
}

async function openShroudedKey(bagValue: ArrayBuffer, password: string): Promise<Uint8Array> {
  const info = parseOrReject(bagValue, EncryptedPrivateKeyInfo, 'A PKCS#12 key bag is malformed.');
  const plaintext = await decryptPart(info.encryptionAlgorithm, bytes(info.encryptedData), password);
  if (plaintext === null || !isPrivateKeyInfo(plaintext)) throw undecryptable();
  return plaintext;
}

function plainKey(bagValue: ArrayBuffer): Uint8Array {
  const der = new Uint8Array(bagValue);
  if (!isPrivateKeyInfo(der)) throw rejected('malformed', 'A PKCS#12 key bag is malformed.');
  return der;
}

function certificateOf(bagValue: ArrayBuffer): Uint8Array | undefined {
  const bag = parseOrReject(bagValue, CertBag, 'A PKCS#12 certificate bag is malformed.');
  if (bag.certId !== id_x509Certificate) return undefined; // SDSI certificates: not X.509.
  const der = octets(bag.certValue, 'A PKCS#12 certificate bag is malformed.');
  parseCertificate(der, 0);
  return der;
}

function localKeyIdOf(bag: SafeBag): string | undefined {
  const value = bag.bagAttributes?.find((a) => a.attrId === id_pkcs9_at_localKeyId)?.attrValues[0];
  if (value === undefined) return undefined;
  return Buffer.from(octets(value, 'A PKCS#12 localKeyId attribute is malformed.')).toString('hex');
}

/** Decrypts one PKCS#12 part: PBES2 (OpenSSL 3, Java) or 3DES (everything older). */
async function decryptPart(
  algorithm: AlgorithmIdentifier,
  ciphertext: Uint8Array,
  password: string,
): Promise<Uint8Array | null> {
  if (algorithm.algorithm === id_PBES2) return decryptPbes2(algorithm, ciphertext, utf8(password));
  if (algorithm.algorithm !== id_pbeWithSHAAnd3_KeyTripleDES_CBC) {
    const name = LEGACY_PBE_NAMES[algorithm.algorithm] ?? algorithm.algorithm;
    throw rejected(
      'unsupported-key',
      `A PKCS#12 part is encrypted with ${name}; Rootkeeper reads AES (PBES2) and 3DES parts only.`,
    );
  }
  const params = parseOrReject(algorithm.parameters, Pkcs12PbeParams, 'The PKCS#12 3DES parameters are malformed.');
  const iterations = checkedCount(params.iterations, MAX_PKCS12_KDF_ITERATIONS, 'PKCS#12 3DES');
  if (ciphertext.length === 0 || ciphertext.length % 8 !== 0) {
    throw rejected('malformed', 'A PKCS#12 part is not a whole number of 3DES blocks.');
  }
  const { key, iv } = tripleDesKeys(password, bytes(params.salt), iterations);
  return decipher('des-ede3-cbc', key, iv, ciphertext);
}

function encryptedContent(eci: EncryptedContentInfo): Uint8Array {
  const content = eci.encryptedContent;
  if (content?.value !== undefined) return bytes(content.value);
  if (content?.constructedValue !== undefined)
    return Buffer.concat(content.constructedValue.map((part) => bytes(part)));
  throw rejected('malformed', 'An encrypted PKCS#12 part has no content.');
}

/** The MAC passed, so the password is right: a part that still fails to decrypt means a broken file. */
function undecryptable(): RootkeeperError {
  return rejected('malformed', 'The PKCS#12 file passed its integrity check, yet a part of it does not decrypt.');
}

// ---- shared ------------------------------------------------------------------

/** HMAC keyed by the App. B derivation (ID 3), as RFC 7292 §5 and OpenSSL compute the MacData. */
function mac(data: Uint8Array, password: string, salt: Uint8Array, iterations: number, digest: MacDigest): Uint8Array {
  const key = pkcs12Kdf(password, salt, 3, iterations, digest.length, digest.md);
  return new Uint8Array(createHmac(digest.name, key).update(data).digest());
}

function tripleDesKeys(password: string, salt: Uint8Array, iterations: number): { key: Uint8Array; iv: Uint8Array } {
  const sha1md = (): forgeModule.md.MessageDigest => forge().md.sha1.create();
  return {
    key: pkcs12Kdf(password, salt, 1, iterations, 24, sha1md),
    iv: pkcs12Kdf(password, salt, 2, iterations, 8, sha1md),
  };
}

/** RFC 7292 App. B; forge turns the JS string into the BMPString password with its trailing 0x0000. */
function pkcs12Kdf(
  password: string,
  salt: Uint8Array,
  id: 1 | 2 | 3,
  iterations: number,
  length: number,
  md: () => forgeModule.md.MessageDigest,
): Uint8Array {
  const saltBuffer = forge().util.createBuffer(Buffer.from(salt).toString('binary'));
  const key = forge().pkcs12.generateKey(password, saltBuffer, id, iterations, length, md());
  return new Uint8Array(Buffer.from(key.getBytes(), 'binary'));
}

/** The content of an OCTET STRING given as its DER. */
function octets(der: ArrayBuffer, message: string): Uint8Array {
  return bytes(parseOrReject(der, OctetString, message));
}

function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}
