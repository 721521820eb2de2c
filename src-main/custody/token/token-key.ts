/**
 * The root's key on a token: generated there (CKA_SENSITIVE true,
 * CKA_EXTRACTABLE false) or one already made with the vendor's tool, found
 * by CKA_ID. The store keeps only the public key, the token's serial, the
 * module hint and the key id; signing goes through the token's WebCrypto.
 */
import { randomBytes } from 'node:crypto';
import type { KeyAlgorithm } from '../../../shared/domain/pki';
import { RootkeeperError, rejected } from '../../../shared/errors';
import type { SigningProvider } from '../../engine/profiles/common';
import { x509, type CryptoKey } from '../../engine/x509';
import { graphene, pkcs11Code, type OpenToken } from './pkcs11-token';

export interface TokenKeyPair {
  /** The token's key: signs through `provider` only. */
  readonly privateKey: CryptoKey;
  /** The public half, read from the token, as the engine takes subject keys. */
  readonly publicKey: x509.PublicKey;
  /** The public key as SubjectPublicKeyInfo DER, to compare with the root certificate's. */
  readonly spki: Buffer;
  readonly provider: SigningProvider;
  /** CKA_ID, hex. */
  readonly keyId: string;
}

const CURVES: Partial<Record<KeyAlgorithm, { oidName: string; webName: string }>> = {
  'ec-p256': { oidName: 'secp256r1', webName: 'P-256' },
  'ec-p384': { oidName: 'secp384r1', webName: 'P-384' },
};
const RSA_BITS: Partial<Record<KeyAlgorithm, number>> = { 'rsa-3072': 3072, 'rsa-4096': 4096 };

/** Which key a new CA takes on its token, and the PIN that opens it: a new key (id random when absent) or one already there. */
export interface TokenKeyChoice {
  readonly pin: string;
  /** CKA_ID, hex: of the new key, or (with `existing`) of the key already on the token. */
  readonly keyId?: string;
  readonly existing?: boolean;
}

/**
 * The one check of a new CA's key id, root or intermediate, before anything
 * is made or written: an existing key must be named and usable (sensitive,
 * never extractable), a new key's id must be free. Logs in (a wrong PIN
 * fails here). Returns the existing key, or null for a new one.
 */
export async function checkKeyId(token: OpenToken, choice: TokenKeyChoice): Promise<TokenKeyPair | null> {
  // Refused before the PIN is tried: searching a made-up id would only answer "not found".
  if (choice.existing && !choice.keyId)
    throw rejected('invalid-option', 'An existing token key is named by its id (hex).');
  token.login(choice.pin);
  const keyId = choice.keyId?.toLowerCase();
  if (choice.existing) return findTokenKey(token, keyId!);
  if (keyId && token.session.find({ id: Buffer.from(keyId, 'hex') }).length > 0)
    throw rejected('exists', `Token ${token.info.serial} already holds an object with id ${keyId}.`);
  return null;
}

/** A new key pair made on the token; the private half can never be read out. Needs a logged-in session. */
export async function generateTokenKey(
  token: OpenToken,
  algorithm: KeyAlgorithm,
  keyIdHex: string = randomBytes(8).toString('hex'),
  label = 'Rootkeeper root',
): Promise<TokenKeyPair> {
  const id = Buffer.from(keyIdHex, 'hex');
  if (token.session.find({ class: graphene().ObjectClass.PRIVATE_KEY, id }).length > 0) {
    throw rejected('exists', `Token ${token.info.serial} already holds a key with id ${keyIdHex}.`);
  }
  const common = { token: true, id, label };
  const privateTemplate = { ...common, private: true, sign: true, sensitive: true, extractable: false };
  try {
    const curve = CURVES[algorithm];
    if (curve) {
      token.session.generateKeyPair(
        graphene().KeyGenMechanism.EC,
        {
          ...common,
          keyType: graphene().KeyType.EC,
          verify: true,
          paramsEC: graphene().NamedCurve.getByName(curve.oidName).value,
        },
        { ...privateTemplate, keyType: graphene().KeyType.EC },
      );
    } else {
      const bits = RSA_BITS[algorithm];
      if (!bits)
        throw rejected(
          'unsupported-key',
          `A key on a token uses ec-p384, ec-p256, rsa-3072 or rsa-4096, not ${algorithm}.`,
        );
      token.session.generateKeyPair(
        graphene().KeyGenMechanism.RSA,
        {
          ...common,
          keyType: graphene().KeyType.RSA,
          verify: true,
          modulusBits: bits,
          publicExponent: Buffer.from([1, 0, 1]),
        },
        { ...privateTemplate, keyType: graphene().KeyType.RSA },
      );
    }
  } catch (error) {
    if (error instanceof RootkeeperError) throw error;
    throw rejected(
      'policy',
      `Token ${token.info.serial} could not generate a ${algorithm} key (${pkcs11Code(error) ?? 'refused'}).`,
    );
  }
  return findTokenKey(token, keyIdHex);
}

/** The key pair with this CKA_ID; refused unless its private half is sensitive and not extractable. */
export async function findTokenKey(token: OpenToken, keyIdHex: string): Promise<TokenKeyPair> {
  const id = Buffer.from(keyIdHex, 'hex');
  const privateObjects = token.session.find({ class: graphene().ObjectClass.PRIVATE_KEY, id });
  if (privateObjects.length === 0) {
    throw rejected('not-found', `Token ${token.info.serial} holds no private key with id ${keyIdHex}.`);
  }
  if (privateObjects.length > 1) {
    throw rejected(
      'policy',
      `Token ${token.info.serial} holds ${privateObjects.length} private keys with id ${keyIdHex}: give each its own id.`,
    );
  }
  const attributes = privateObjects.items(0).getAttribute({ extractable: null, sensitive: null, sign: null });
  if (attributes.extractable !== false || attributes.sensitive !== true) {
    throw rejected(
      'policy',
      `The key with id ${keyIdHex} on token ${token.info.serial} can be read out of the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false): a root key must never leave its token.`,
    );
  }
  if (attributes.sign !== true)
    throw rejected('policy', `The key with id ${keyIdHex} is not allowed to sign (CKA_SIGN false).`);
  return webCryptoPair(token, keyIdHex);
}

/** The same key pair as WebCrypto keys of the token's provider, which @peculiar/x509 signs with. */
async function webCryptoPair(token: OpenToken, keyIdHex: string): Promise<TokenKeyPair> {
  const provider = token.provider;
  const indexes = await provider.keyStorage.keys();
  const index = (kind: 'private' | 'public') =>
    indexes.find((name) => name.startsWith(`${kind}-`) && name.endsWith(`-${keyIdHex}`));
  const privateIndex = index('private');
  const publicIndex = index('public');
  if (!privateIndex || !publicIndex) {
    throw rejected(
      'not-found',
      `Token ${token.info.serial} has no public key beside the private key with id ${keyIdHex}.`,
    );
  }
  const privateKey = (await provider.keyStorage.getItem(privateIndex)) as unknown as CryptoKey;
  const tokenPublicKey = await provider.keyStorage.getItem(publicIndex);
  const spki = Buffer.from(await provider.subtle.exportKey('spki', tokenPublicKey));
  return {
    privateKey,
    publicKey: new x509.PublicKey(spki),
    spki,
    provider: provider as unknown as SigningProvider,
    keyId: keyIdHex,
  };
}
