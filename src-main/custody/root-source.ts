/**
 * How the root is unlocked: one interface, one file per source beside this
 * one (passphrase.ts, shares.ts; a token next). A source yields a signer for
 * the duration of one operation; the decrypted key bytes are wiped before
 * the signer is handed over, and nothing keeps the signer afterwards.
 * Operations ask for "the root signer", never for a passphrase.
 */
import { importSigningKey } from '../engine/keys';
import type { Issuer } from '../engine/profiles/common';
import { crypto, x509, type CryptoKey } from '../engine/x509';
import type { KdfPolicy } from '../vault/kdf';
import { wipe } from '../vault/secrets';
import type { CustodianRef, SharesSlot } from './custody-slot';

/** What a source may see of the store: its root slot, and the store's own ways to open and throttle. */
export interface RootSlotAccess {
  readonly storeId: string;
  /** The root certificate, DER as base64 (the slots are bound to its SHA-256). */
  readonly rootCertificate: string;
  /** The custody slot when the root is held in shares; null when it is sealed under a passphrase. */
  readonly sharesSlot: SharesSlot | null;
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
  /** The custodians whose shares opened the root; empty for a passphrase. */
  readonly present: readonly CustodianRef[];
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
    const signingKey = await importSigningKey(pkcs8, false);
    const record = await importRecordKey(pkcs8, signingKey);
    return {
      issuer: { certificate, signingKey },
      digest: record.digest,
      present,
      signDetached: (data) => signDetached(record.key, record.algorithm, data),
    };
  } finally {
    wipe(pkcs8);
  }
}

/** The same key, imported for record signatures with the hash the verify command names. */
async function importRecordKey(
  pkcs8: Buffer,
  signingKey: CryptoKey,
): Promise<{ key: CryptoKey; digest: RecordDigest; algorithm: { name: string; hash: string; namedCurve?: string } }> {
  const algorithm = signingKey.algorithm as { name: string; namedCurve?: string };
  if (algorithm.name === 'ECDSA') {
    const digest: RecordDigest = algorithm.namedCurve === 'P-256' ? 'sha256' : 'sha384';
    const hash = digest === 'sha256' ? 'SHA-256' : 'SHA-384';
    return {
      key: signingKey,
      digest,
      algorithm: { name: 'ECDSA', hash, namedCurve: algorithm.namedCurve! },
    };
  }
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, false, [
    'sign',
  ]);
  return { key, digest: 'sha384', algorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' } };
}

async function signDetached(
  key: CryptoKey,
  algorithm: { name: string; hash: string; namedCurve?: string },
  data: Uint8Array,
): Promise<Uint8Array> {
  const signature = await crypto.subtle.sign({ name: algorithm.name, hash: algorithm.hash }, key, data);
  if (algorithm.name !== 'ECDSA') return new Uint8Array(signature);
  // WebCrypto gives ECDSA as raw r‖s; OpenSSL reads the DER SEQUENCE of two INTEGERs. @peculiar/x509 converts.
  const der = new x509.AsnEcSignatureFormatter().toAsnSignature(
    { name: 'ECDSA', namedCurve: algorithm.namedCurve! } as never,
    signature,
  );
  if (!der) throw new Error('the ECDSA signature could not be converted to DER');
  return new Uint8Array(der);
}
