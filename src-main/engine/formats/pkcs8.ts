/**
 * PKCS#8 private keys: passphrase-protected (PBES2) and plain PEM, plus the
 * PBES2 encryption that PKCS#12 reuses for its 'modern' profile.
 */
import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { EncryptedData, EncryptedPrivateKeyInfo, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { RootkeeperError, rejected } from '../../../shared/errors';
import { x509 } from '../x509';
import {
  PBES2Params,
  PBKDF2Params,
  id_PBES2,
  id_PBKDF2,
  id_aes128_CBC,
  id_aes192_CBC,
  id_aes256_CBC,
  id_hmacWithSHA1,
  id_hmacWithSHA256,
  id_hmacWithSHA384,
  id_hmacWithSHA512,
} from './pbe-schemas';

/**
 * OWASP's Password Storage Cheat Sheet figure for PBKDF2-HMAC-SHA256. A key
 * file may leave the laptop on a backup stick, where only this work factor
 * stands between an offline attacker and the CA key; about half a second per
 * unlock is a fair price for that.
 */
export const KEY_PBKDF2_ITERATIONS = 600_000;

/** Above this a file is doctored or absurd; deriving its key would hang the app for minutes. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

const ENCRYPTED_LABEL = 'ENCRYPTED PRIVATE KEY';
const PLAIN_LABEL = 'PRIVATE KEY';
const SALT_BYTES = 16;
const AES_BLOCK = 16;

const pbkdf2Async = promisify(pbkdf2);

const PRF_DIGESTS: Readonly<Record<string, string>> = {
  [id_hmacWithSHA1]: 'sha1',
  [id_hmacWithSHA256]: 'sha256',
  [id_hmacWithSHA384]: 'sha384',
  [id_hmacWithSHA512]: 'sha512',
};

const AES_CIPHERS: Readonly<Record<string, { name: string; keyLength: number }>> = {
  [id_aes128_CBC]: { name: 'aes-128-cbc', keyLength: 16 },
  [id_aes192_CBC]: { name: 'aes-192-cbc', keyLength: 24 },
  [id_aes256_CBC]: { name: 'aes-256-cbc', keyLength: 32 },
};

/** What a PBE scheme produced: the AlgorithmIdentifier to store beside the ciphertext. */
export interface PbeResult {
  readonly algorithm: AlgorithmIdentifier;
  readonly ciphertext: Uint8Array;
}

/** Encrypts a PKCS#8 PrivateKeyInfo under a passphrase, as `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256`. */
export async function encryptPrivateKeyPem(
  pkcs8Der: Uint8Array,
  passphrase: string,
  options: { iterations?: number } = {},
): Promise<string> {
  assertPrivateKeyInfo(pkcs8Der);
  const { algorithm, ciphertext } = await encryptPbes2(
    pkcs8Der,
    utf8(passphrase),
    options.iterations ?? KEY_PBKDF2_ITERATIONS,
  );
  const info = new EncryptedPrivateKeyInfo({
    encryptionAlgorithm: algorithm,
    encryptedData: new EncryptedData(ciphertext),
  });
  return pem(AsnConvert.serialize(info), ENCRYPTED_LABEL);
}

/** The key in the clear; callers use it only when the officer explicitly asks for an unencrypted key. */
export function privateKeyPem(pkcs8Der: Uint8Array): string {
  assertPrivateKeyInfo(pkcs8Der);
  return pem(pkcs8Der, PLAIN_LABEL);
}

/** Opens an ENCRYPTED PRIVATE KEY (PEM text or DER) and returns the PKCS#8 PrivateKeyInfo DER. */
export async function decryptPrivateKey(input: Uint8Array | string, passphrase: string): Promise<Uint8Array> {
  const info = parseOrReject(
    encryptedKeyDer(input),
    EncryptedPrivateKeyInfo,
    'The file is not a PKCS#8 EncryptedPrivateKeyInfo.',
  );
  if (info.encryptionAlgorithm.algorithm !== id_PBES2) {
    throw rejected(
      'unsupported-key',
      `The key is protected with algorithm ${info.encryptionAlgorithm.algorithm}; Rootkeeper opens only PBES2 (PKCS#5 v2.0) keys.`,
    );
  }
  const plaintext = await decryptPbes2(info.encryptionAlgorithm, bytes(info.encryptedData), utf8(passphrase));
  if (plaintext === null || !isPrivateKeyInfo(plaintext)) {
    throw new RootkeeperError('WRONG_PASSPHRASE', 'The passphrase does not open this private key.');
  }
  return plaintext;
}

/**
 * Where salts and IVs come from: fresh random bytes, except for public
 * content (a trust store) that must come out the same each time.
 */
export type SaltSource = (length: number, purpose: string) => Uint8Array;

export const randomSalt: SaltSource = (length) => randomBytes(length);

/**
 * RFC 8018 PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, fresh salt and IV.
 * `password` is raw bytes: PKCS#8 and OpenSSL's PKCS#12 both use the UTF-8 form.
 */
export async function encryptPbes2(
  plaintext: Uint8Array,
  password: Uint8Array,
  iterations: number,
  salts: SaltSource = randomSalt,
): Promise<PbeResult> {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new RangeError(`PBKDF2 iterations must be an integer from 1 to ${MAX_PBKDF2_ITERATIONS}.`);
  }
  const salt = salts(SALT_BYTES, 'pbes2-salt');
  const iv = salts(AES_BLOCK, 'pbes2-iv');
  const key = await pbkdf2Async(password, salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const kdfParams = new PBKDF2Params({
    salt: new OctetString(salt),
    iterationCount: BigInt(iterations),
    prf: new AlgorithmIdentifier({ algorithm: id_hmacWithSHA256, parameters: null }),
  });
  const params = new PBES2Params({
    keyDerivationFunc: new AlgorithmIdentifier({ algorithm: id_PBKDF2, parameters: AsnConvert.serialize(kdfParams) }),
    encryptionScheme: new AlgorithmIdentifier({
      algorithm: id_aes256_CBC,
      parameters: AsnConvert.serialize(new OctetString(iv)),
    }),
  });
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: id_PBES2, parameters: AsnConvert.serialize(params) }),
    ciphertext: new Uint8Array(ciphertext),
  };
}

/**
 * Decrypts PBES2 (PBKDF2 with an HMAC-SHA PRF, AES-CBC). Returns null when the
 * padding is wrong, which is what a wrong password looks like; throws
 * REJECTED_INPUT for parameters that are malformed or unsupported.
 */
export async function decryptPbes2(
  algorithm: AlgorithmIdentifier,
  ciphertext: Uint8Array,
  password: Uint8Array,
): Promise<Uint8Array | null> {
  const params = parseOrReject(algorithm.parameters, PBES2Params, 'The PBES2 parameters are malformed.');
  const kdf = pbkdf2Settings(params.keyDerivationFunc);
  const cipher = aesSettings(params.encryptionScheme);
  if (kdf.keyLength !== undefined && kdf.keyLength !== cipher.keyLength) {
    throw rejected('malformed', 'The PBKDF2 key length does not match the cipher.');
  }
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK !== 0) {
    throw rejected('malformed', 'The encrypted data is not a whole number of AES blocks.');
  }
  const key = await pbkdf2Async(password, kdf.salt, kdf.iterations, cipher.keyLength, kdf.digest);
  return decipher(cipher.name, key, cipher.iv, ciphertext);
}

/** Runs a CBC decryption; null when the padding does not check out. */
export function decipher(name: string, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  try {
    const d = createDecipheriv(name, key, iv);
    return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
  } catch {
    return null;
  }
}

/** A count read from a file, checked against a ceiling so a doctored file cannot hang the app. */
export function checkedCount(value: bigint | number | string, max: number, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw rejected('malformed', `The ${what} iteration count is not a positive integer.`);
  if (n > max) {
    throw rejected(
      'unsupported-key',
      `The ${what} iteration count ${n} is above the ${max.toLocaleString('en-US')} Rootkeeper accepts.`,
    );
  }
  return n;
}

/** Parses DER into a schema, turning any decoding failure into a REJECTED_INPUT with `message`. */
export function parseOrReject<T>(
  der: ArrayBuffer | Uint8Array | null | undefined,
  target: new () => T,
  message: string,
): T {
  if (!der || der.byteLength === 0) throw rejected('malformed', message);
  try {
    return AsnConvert.parse(der, target);
  } catch {
    throw rejected('malformed', message);
  }
}

export function isPrivateKeyInfo(der: Uint8Array): boolean {
  try {
    const info = AsnConvert.parse(der, PrivateKeyInfo);
    return info.privateKey.byteLength > 0 && info.privateKeyAlgorithm.algorithm !== '';
  } catch {
    return false;
  }
}

export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** The bytes behind an asn1-schema OctetString (whose byteOffset is always 0) or an ArrayBuffer. */
export function bytes(value: OctetString | ArrayBuffer): Uint8Array {
  return new Uint8Array(value instanceof ArrayBuffer ? value : value.buffer);
}

function assertPrivateKeyInfo(der: Uint8Array): void {
  if (!isPrivateKeyInfo(der)) throw rejected('malformed', 'The private key is not a PKCS#8 PrivateKeyInfo.');
}

function pem(der: ArrayBuffer | Uint8Array, label: string): string {
  return `${x509.PemConverter.encode(new Uint8Array(der), label)}\n`;
}

function pbkdf2Settings(algorithm: AlgorithmIdentifier): {
  salt: Uint8Array;
  iterations: number;
  keyLength: number | undefined;
  digest: string;
} {
  if (algorithm.algorithm !== id_PBKDF2) {
    throw rejected(
      'unsupported-key',
      `The passphrase is stretched with algorithm ${algorithm.algorithm}; Rootkeeper supports only PBKDF2.`,
    );
  }
  const params = parseOrReject(algorithm.parameters, PBKDF2Params, 'The PBKDF2 parameters are malformed.');
  const prf = params.prf?.algorithm ?? id_hmacWithSHA1;
  const digest = PRF_DIGESTS[prf];
  if (digest === undefined) {
    throw rejected('unsupported-key', `The PBKDF2 pseudo-random function ${prf} is not supported.`);
  }
  const salt = bytes(params.salt);
  if (salt.length === 0) throw rejected('malformed', 'The PBKDF2 salt is empty.');
  return {
    salt,
    iterations: checkedCount(params.iterationCount, MAX_PBKDF2_ITERATIONS, 'PBKDF2'),
    keyLength: params.keyLength === undefined ? undefined : Number(params.keyLength),
    digest,
  };
}

function aesSettings(algorithm: AlgorithmIdentifier): { name: string; keyLength: number; iv: Uint8Array } {
  const cipher = AES_CIPHERS[algorithm.algorithm];
  if (cipher === undefined) {
    throw rejected(
      'unsupported-key',
      `The encryption scheme ${algorithm.algorithm} is not supported; Rootkeeper opens AES-128, AES-192 and AES-256 in CBC mode.`,
    );
  }
  const iv = bytes(parseOrReject(algorithm.parameters, OctetString, 'The AES-CBC parameters are malformed.'));
  if (iv.length !== AES_BLOCK) throw rejected('malformed', 'The AES-CBC initialisation vector is not 16 bytes.');
  return { ...cipher, iv };
}

/** Finds the one EncryptedPrivateKeyInfo in PEM text or DER bytes. */
function encryptedKeyDer(input: Uint8Array | string): Uint8Array {
  if (typeof input !== 'string') {
    if (input[0] === 0x30) return input;
    const text = Buffer.from(input).toString('latin1');
    if (!text.includes('-----BEGIN ')) {
      throw rejected(
        'not-pem-or-der',
        'The file is neither PEM text nor DER: it does not hold an encrypted private key.',
      );
    }
    return encryptedKeyFromPem(text);
  }
  return encryptedKeyFromPem(input);
}

function encryptedKeyFromPem(text: string): Uint8Array {
  let blocks: Array<{ type: string; rawData: ArrayBuffer }>;
  try {
    blocks = x509.PemConverter.decodeWithHeaders(text);
  } catch {
    throw rejected('malformed', 'The PEM text is damaged and cannot be decoded.');
  }
  const keys = blocks.filter((b) => b.type === ENCRYPTED_LABEL);
  const [first] = keys;
  if (first !== undefined && keys.length === 1) return new Uint8Array(first.rawData);
  if (keys.length > 1) throw rejected('malformed', 'The PEM text holds more than one encrypted private key.');
  if (blocks.length === 0) throw rejected('not-pem-or-der', 'The text holds no PEM block.');
  if (blocks.some((b) => b.type.endsWith(PLAIN_LABEL))) {
    throw rejected(
      'unsupported-key',
      'The key is not in PKCS#8 encrypted form (BEGIN ENCRYPTED PRIVATE KEY); convert it with openssl pkcs8 -topk8.',
    );
  }
  throw rejected('not-pem-or-der', 'The PEM text holds no ENCRYPTED PRIVATE KEY block.');
}
