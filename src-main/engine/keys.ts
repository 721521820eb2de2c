/**
 * Key generation and key inspection. Only ECDSA P-256/P-384 and RSA ≥ 2048
 * (PKCS#1 v1.5) pass: Ed25519 and RSA-PSS are refused for TLS hierarchies
 * because browsers reject them, and P-521 because Chrome dropped it for TLS.
 */
import { ECParameters } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { RSAPublicKey } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import { rejected } from '../../shared/errors';
import type { KeyAlgorithm } from '../../shared/domain/pki';
import {
  crypto,
  type BufferSource,
  type CryptoKey,
  type CryptoKeyPair,
  type EcKeyAlgorithm,
  type EcKeyGenParams,
  type EcdsaParams,
  type RsaHashedImportParams,
  type RsaHashedKeyAlgorithm,
  type RsaHashedKeyGenParams,
} from './x509';

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
} as const;

export type KeyFamily = 'ec' | 'rsa';

export interface KeyDescription {
  readonly family: KeyFamily;
  /** "P-256" or "P-384" for EC keys. */
  readonly curve?: 'P-256' | 'P-384';
  /** The modulus length for RSA keys, the field size for EC keys. */
  readonly bits: number;
  /** Set when the key is one of the types Rootkeeper generates. */
  readonly algorithm?: KeyAlgorithm;
  /** For people: "ECDSA P-256", "RSA 3072". */
  readonly label: string;
}

const REFUSED_FOR_TLS =
  'browsers and most TLS stacks reject it in certificate chains; use ECDSA P-256/P-384 or RSA 2048-4096';

/** WebCrypto parameters for generating each key type. RSA keys sign with PKCS#1 v1.5, which every client accepts. */
export function keyGenParams(algorithm: KeyAlgorithm): EcKeyGenParams | RsaHashedKeyGenParams {
  switch (algorithm) {
    case 'ec-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ec-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: Number(algorithm.slice(4)),
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
  }
}

/**
 * Generates a key pair. `extractable` is for keys that must be written out
 * (wrapped in the vault or exported in a bundle); a key used only to sign
 * once can stay non-extractable.
 */
export async function generateKeyPair(algorithm: KeyAlgorithm, extractable: boolean): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(keyGenParams(algorithm), extractable, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Imports a PKCS#8 private key of a supported type for signing. */
export async function importSigningKey(pkcs8: Uint8Array, extractable = false): Promise<CryptoKey> {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(pkcs8, PrivateKeyInfo);
  } catch {
    throw rejected('malformed', 'The private key is not a valid PKCS#8 structure.');
  }
  const { algorithm, parameters } = info.privateKeyAlgorithm;
  const key = describeAlgorithm(algorithm, parameters, undefined);
  const params = key.curve ? { name: 'ECDSA', namedCurve: key.curve } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return crypto.subtle.importKey('pkcs8', pkcs8, params, extractable, ['sign']);
}

/** Describes a SubjectPublicKeyInfo, or refuses it with the reason. */
export function describePublicKey(spki: BufferSource): KeyDescription {
  let info: SubjectPublicKeyInfo;
  try {
    info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  } catch {
    throw rejected('malformed', 'The public key is not a valid SubjectPublicKeyInfo.');
  }
  return describeAlgorithm(info.algorithm.algorithm, info.algorithm.parameters, info.subjectPublicKey);
}

function describeAlgorithm(
  oid: string,
  parameters: ArrayBuffer | null | undefined,
  publicKey: ArrayBuffer | undefined,
): KeyDescription {
  switch (oid) {
    case OID.ecPublicKey:
      return describeEcKey(parameters);
    case OID.rsaEncryption:
      return publicKey ? describeRsaKey(publicKey) : { family: 'rsa', bits: 0, label: 'RSA' };
    case OID.rsaPss:
      throw rejected('unsupported-key', `RSA-PSS keys are refused: ${REFUSED_FOR_TLS}.`);
    case OID.ed25519:
      throw rejected('unsupported-key', `Ed25519 keys are refused: ${REFUSED_FOR_TLS}.`);
    case OID.ed448:
      throw rejected('unsupported-key', `Ed448 keys are refused: ${REFUSED_FOR_TLS}.`);
    default:
      throw rejected(
        'unsupported-key',
        `Keys of type ${oid} are not supported: use ECDSA P-256/P-384 or RSA 2048-4096.`,
      );
  }
}

function describeEcKey(parameters: ArrayBuffer | null | undefined): KeyDescription {
  let curve: string | undefined;
  try {
    curve = parameters ? AsnConvert.parse(parameters, ECParameters).namedCurve : undefined;
  } catch {
    curve = undefined;
  }
  if (curve === OID.p256)
    return { family: 'ec', curve: 'P-256', bits: 256, algorithm: 'ec-p256', label: 'ECDSA P-256' };
  if (curve === OID.p384)
    return { family: 'ec', curve: 'P-384', bits: 384, algorithm: 'ec-p384', label: 'ECDSA P-384' };
  if (curve === OID.p521) {
    throw rejected(
      'unsupported-key',
      'P-521 keys are refused: Chrome does not accept P-521 in TLS. Use P-256 or P-384.',
    );
  }
  throw rejected('unsupported-key', 'The EC key uses an unknown or explicit curve: use P-256 or P-384.');
}

function describeRsaKey(publicKey: ArrayBuffer): KeyDescription {
  let key: RSAPublicKey;
  try {
    key = AsnConvert.parse(publicKey, RSAPublicKey);
  } catch {
    throw rejected('malformed', 'The RSA public key is malformed.');
  }
  const bits = bitLength(new Uint8Array(key.modulus));
  const exponent = new Uint8Array(key.publicExponent);
  if (bits < 2048) throw rejected('weak-key', `RSA ${bits}-bit keys are too weak: at least 2048 bits are required.`);
  if (bits > 8192) throw rejected('unsupported-key', `RSA ${bits}-bit keys are not supported: at most 8192 bits.`);
  if (bits % 8 !== 0)
    throw rejected('weak-key', `An RSA modulus of ${bits} bits is refused: its length must be a multiple of 8.`);
  if ((exponent.at(-1)! & 1) === 0 || (bitLength(exponent) <= 2 && exponent.at(-1)! < 3)) {
    throw rejected('weak-key', 'The RSA public exponent must be odd and at least 3.');
  }
  const algorithm = bits === 2048 || bits === 3072 || bits === 4096 ? (`rsa-${bits}` as KeyAlgorithm) : undefined;
  return { family: 'rsa', bits, label: `RSA ${bits}`, ...(algorithm ? { algorithm } : {}) };
}

/** The number of significant bits in a big-endian unsigned integer (ASN.1 INTEGERs may carry a leading zero). */
function bitLength(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length && bytes[index] === 0) index++;
  if (index === bytes.length) return 0;
  return (bytes.length - index - 1) * 8 + (32 - Math.clz32(bytes[index]!));
}

/** The hash each issuing key signs with: P-384 → SHA-384; P-256 and RSA → SHA-256. */
export function signatureAlgorithmFor(signingKey: CryptoKey): EcdsaParams | RsaHashedImportParams {
  const algorithm = signingKey.algorithm as EcKeyAlgorithm | RsaHashedKeyAlgorithm;
  if (algorithm.name === 'ECDSA') {
    const curve = (algorithm as EcKeyAlgorithm).namedCurve;
    return { name: 'ECDSA', hash: curve === 'P-384' ? 'SHA-384' : 'SHA-256' };
  }
  if (algorithm.name === 'RSASSA-PKCS1-v1_5') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  throw rejected('unsupported-key', `${algorithm.name} keys cannot sign in a TLS hierarchy.`);
}
