/**
 * How the root is unlocked: one interface, one file per source beside this
 * one (passphrase.ts, shares.ts; a token next). A source yields a signer for
 * the duration of one operation; the decrypted key bytes are wiped before
 * the signer is handed over, the signer is released when the operation ends
 * (a token logs out and closes its session), and nothing keeps it
 * afterwards. Operations ask for "the root signer", never for a passphrase.
 *
 * A source whose key never leaves its device (a PKCS#11 token) builds its
 * signer with `signerFromKey`, giving the device's CryptoKey and WebCrypto
 * provider: certificates, CRLs and record signatures then go through it.
 */
import { importSigningKey } from '../engine/keys';
import type { Issuer, SigningProvider } from '../engine/profiles/common';
import { crypto, x509, type CryptoKey } from '../engine/x509';
import type { KdfPolicy } from '../vault/kdf';
import { wipe } from '../vault/secrets';
import type { CustodianRef, SharesSlot } from './custody-slot';
import type { TokenSlot } from './token/token-slot';

/** What a source may see of the store: its root slot, and the store's own ways to open and throttle. */
export interface RootSlotAccess {
  readonly storeId: string;
  /** The root certificate, DER as base64 (the slots are bound to its SHA-256). */
  readonly rootCertificate: string;
  /** The custody slot when the root is held in shares; null when it is sealed under a passphrase. */
  readonly sharesSlot: SharesSlot | null;
  /** Where the root key lives when it is on a PKCS#11 token; null otherwise. */
  readonly tokenSlot: TokenSlot | null;
  readonly kdfPolicy?: KdfPolicy;
  /** Runs an attempt under the store's unlock throttle: a WRONG_PASSPHRASE counts as a failure. */
  throttled<T>(attempt: () => Promise<T>): Promise<T>;
  /** Opens the passphrase-sealed root slot (keyring.ts owns that format). */
  openPassphraseSlot(passphrase: string): Promise<Buffer>;
}

export type RecordDigest = 'sha256' | 'sha384';

/** The root, usable for one operation. */
export interface RootSigner {
  /** For certificates and CRLs. */
  readonly issuer: Issuer;
  /** The digest a detached signature uses: SHA-256 for P-256, SHA-384 for P-384 and RSA. */
  readonly digest: RecordDigest;
  /** A detached signature as `openssl dgst -verify` reads it: DER (r, s) for ECDSA, PKCS#1 v1.5 for RSA. */
  signDetached(data: Uint8Array): Promise<Uint8Array>;
  /** The custodians whose shares opened the root; empty for a passphrase (or a token). */
  readonly present: readonly CustodianRef[];
  /** The token the key stayed on, for the journal; absent for a key from the store. */
  readonly token?: { readonly serial: string; readonly keyId: string };
  /** Called once when the operation ends, however it ends: the source lets go of the key. */
  release(): Promise<void>;
}

export interface RootKeySource {
  readonly kind: 'passphrase' | 'shares' | 'token';
  signer(access: RootSlotAccess): Promise<RootSigner>;
}

/** A source whose root key is sealed in the store, so custody can re-seal it (a token's cannot). */
export interface SealedRootSource extends RootKeySource {
  /** The root's PKCS#8, for re-sealing it under a new custody; the caller wipes it. */
  unseal(access: RootSlotAccess): Promise<{ pkcs8: Buffer; present: readonly CustodianRef[] }>;
}

/** A signer over a decrypted PKCS#8: two non-extractable keys are imported, then the bytes are wiped. */
export async function signerFromPkcs8(
  pkcs8: Buffer,
  certificate: x509.X509Certificate,
  present: readonly CustodianRef[],
): Promise<RootSigner> {
  try {
    const key = await importSigningKey(pkcs8, false);
    const recordKey = await importRecordKey(pkcs8, key);
    return signerFromKey({ key, recordKey, certificate, present });
  } finally {
    wipe(pkcs8);
  }
}

export interface KeySignerOptions {
  /** The root's private key, as `provider` holds it (Node's WebCrypto when no provider is given). */
  readonly key: CryptoKey;
  /** The same key set up for record signatures, when `key`'s own algorithm cannot make them (RSA: SHA-384). */
  readonly recordKey?: CryptoKey;
  readonly provider?: SigningProvider;
  readonly certificate: x509.X509Certificate;
  readonly present: readonly CustodianRef[];
  readonly token?: { readonly serial: string; readonly keyId: string };
  /** What ends the source's hold on the key (a token's logout); nothing by default. */
  readonly release?: () => void | Promise<void>;
}

/** A signer over a key any WebCrypto provider holds: a key imported here, or one that stays on a token. */
export function signerFromKey(options: KeySignerOptions): RootSigner {
  const { key, provider } = options;
  const recordKey = options.recordKey ?? key;
  const algorithm = recordAlgorithm(recordKey);
  let released = false;
  return {
    issuer: { certificate: options.certificate, signingKey: key, ...(provider ? { provider } : {}) },
    digest: algorithm.hash === 'SHA-256' ? 'sha256' : 'sha384',
    present: options.present,
    ...(options.token ? { token: options.token } : {}),
    signDetached: (data) => signDetached(provider ?? crypto, recordKey, algorithm, data),
    async release() {
      if (released) return;
      released = true;
      await options.release?.();
    },
  };
}

/** The algorithm a record signature uses with this key: ECDSA with the curve's hash, or RSA with the key's. */
function recordAlgorithm(key: CryptoKey): { name: string; hash: string; namedCurve?: string } {
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  if (algorithm.name === 'ECDSA') {
    return {
      name: 'ECDSA',
      hash: algorithm.namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384',
      namedCurve: algorithm.namedCurve!,
    };
  }
  return { name: algorithm.name, hash: algorithm.hash?.name ?? 'SHA-384' };
}

/** For RSA, the same key imported for PKCS#1 v1.5 with SHA-384, the hash the verify command names. */
async function importRecordKey(pkcs8: Buffer, signingKey: CryptoKey): Promise<CryptoKey | undefined> {
  if ((signingKey.algorithm as { name: string }).name === 'ECDSA') return undefined;
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, false, ['sign']);
}

async function signDetached(
  provider: SigningProvider,
  key: CryptoKey,
  algorithm: { name: string; hash: string; namedCurve?: string },
  data: Uint8Array,
): Promise<Uint8Array> {
  const signature = await provider.subtle.sign({ name: algorithm.name, hash: algorithm.hash }, key as never, data);
  if (algorithm.name !== 'ECDSA') return new Uint8Array(signature);
  // WebCrypto gives ECDSA as raw r‖s; OpenSSL reads the DER SEQUENCE of two INTEGERs. @peculiar/x509 converts.
  const der = new x509.AsnEcSignatureFormatter().toAsnSignature(
    { name: 'ECDSA', namedCurve: algorithm.namedCurve! } as never,
    signature,
  );
  if (!der) throw new Error('the ECDSA signature could not be converted to DER');
  return new Uint8Array(der);
}
