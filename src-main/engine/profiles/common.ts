/** What every profile shares: the issuer, the signing step and the result. */
import { rejected } from '../../../shared/errors';
import { describePublicKey, signatureAlgorithmFor, type KeyDescription } from '../keys';
import type { ValidityWindow } from '../validity';
import { normaliseSerial, randomSerialNumber, serialIntegerHex } from '../serial';
import { KeyObject, sign as signBytes, type webcrypto } from 'node:crypto';
import { x509, type CryptoKey } from '../x509';

/** A CA that signs: its certificate, its private key, and the CAs above it (for their name constraints). */
export interface Issuer {
  readonly certificate: x509.X509Certificate;
  readonly signingKey: CryptoKey;
  /** The issuer's own issuers, up to the root; their constraints bind what it signs too. */
  readonly ancestors?: readonly x509.X509Certificate[];
  /** The WebCrypto provider that owns `signingKey` when it is not Node's: a PKCS#11 token's. */
  readonly provider?: SigningProvider;
}

/** A WebCrypto provider other than Node's, whose keys never leave it (a PKCS#11 token). */
export type SigningProvider = webcrypto.Crypto;

export interface IssuedCertificate {
  readonly certificate: x509.X509Certificate;
  readonly der: Uint8Array;
  /** Lower-case hex without leading zeros, as the store keys it. */
  readonly serialNumber: string;
  /** Things the officer should know: a capped validity, a dropped request. Never errors. */
  readonly warnings: readonly string[];
}

export type SubjectKey = CryptoKey | x509.PublicKey;

export async function publicKeyOf(key: SubjectKey): Promise<x509.PublicKey> {
  return key instanceof x509.PublicKey ? key : x509.PublicKey.create(key as never);
}

/** Checks the subject key is a type TLS clients accept; returns its description. */
export async function checkSubjectKey(key: SubjectKey): Promise<KeyDescription> {
  return describePublicKey((await publicKeyOf(key)).rawData);
}

/** The issuer's subject key identifier, which becomes the new certificate's AKI byte for byte. */
export async function authorityKeyIdentifier(
  issuer: x509.X509Certificate,
): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = issuer.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return new x509.AuthorityKeyIdentifierExtension(ski.keyId);
  return x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey);
}

/** An issuer must be a CA allowed to sign certificates, and valid now. */
export function checkIssuer(issuer: x509.X509Certificate, now: Date): void {
  const constraints = issuer.getExtension(x509.BasicConstraintsExtension);
  const usage = issuer.getExtension(x509.KeyUsagesExtension);
  if (!constraints?.ca)
    throw rejected('policy', `"${issuer.subject}" is not a CA certificate and cannot issue certificates.`);
  if (usage && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
    throw rejected(
      'policy',
      `"${issuer.subject}" is not allowed to sign certificates (its key usage lacks keyCertSign).`,
    );
  }
  if (now < issuer.notBefore || now > issuer.notAfter) {
    throw rejected(
      'policy',
      `The issuing CA "${issuer.subject}" is not valid now (valid ${issuer.notBefore.toISOString()} to ${issuer.notAfter.toISOString()}).`,
    );
  }
}

export interface SignParams {
  readonly subject: x509.Name;
  readonly issuerName: x509.Name;
  readonly publicKey: x509.PublicKey;
  readonly signingKey: CryptoKey;
  readonly window: ValidityWindow;
  readonly extensions: readonly x509.Extension[];
  readonly serialNumber?: string;
  readonly warnings?: readonly string[];
  /** Signs through this provider instead of Node's WebCrypto (a key on a token). */
  readonly provider?: SigningProvider | undefined;
}

export async function sign(params: SignParams): Promise<IssuedCertificate> {
  const serialNumber = normaliseSerial(params.serialNumber ?? randomSerialNumber());
  if (!serialNumber || serialNumber === '0')
    throw rejected('invalid-option', 'A serial number must be a positive hex number.');
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialIntegerHex(serialNumber),
      subject: params.subject,
      issuer: params.issuerName,
      notBefore: params.window.notBefore,
      notAfter: params.window.notAfter,
      publicKey: params.publicKey,
      signingKey: params.signingKey as never,
      signingAlgorithm: signatureAlgorithmFor(params.signingKey) as never,
      extensions: [...params.extensions],
      // x509 falls back to the provider set in x509.ts (Node's) when none is given.
    },
    params.provider as never,
  );
  return {
    certificate,
    der: new Uint8Array(certificate.rawData),
    serialNumber,
    warnings: params.warnings ?? [],
  };
}

/**
 * Node's OpenSSL signs keys it holds (ECDSA already DER-encoded); a token's
 * provider signs through WebCrypto, whose ECDSA signatures are raw r‖s and
 * are converted to the DER (r, s) X.509 carries.
 */
export async function signTbs(issuer: Issuer, hash: string, tbsDer: Buffer): Promise<Buffer> {
  if (!issuer.provider) return signBytes(hash, tbsDer, KeyObject.from(issuer.signingKey as never));
  // The key's own algorithm carries the curve, which sizes r and s.
  const algorithm = { ...issuer.signingKey.algorithm, ...signatureAlgorithmFor(issuer.signingKey) };
  const raw = await issuer.provider.subtle.sign(algorithm as never, issuer.signingKey as never, tbsDer);
  if (algorithm.name !== 'ECDSA') return Buffer.from(raw);
  return Buffer.from(new x509.AsnEcSignatureFormatter().toAsnSignature(algorithm as never, raw)!);
}
