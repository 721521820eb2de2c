/**
 * Certificates built straight with @peculiar/x509, bypassing the engine's
 * profiles and checks: the "attacker's" certificates that validation, and
 * OpenSSL, must reject.
 */
import { generateKeyPair } from '../../src-main/engine/keys';
import { x509, type CryptoKey, type CryptoKeyPair } from '../../src-main/engine/x509';

export interface ForgeOptions {
  readonly subject: string;
  readonly issuer?: { certificate: x509.X509Certificate; key: CryptoKey };
  readonly keys?: CryptoKeyPair;
  readonly extensions: x509.Extension[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export interface Forged {
  readonly certificate: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
}

export async function forge(options: ForgeOptions): Promise<Forged> {
  const keys = options.keys ?? (await generateKeyPair('ec-p256', false));
  const issuerKey = options.issuer?.key ?? keys.privateKey;
  const hash = (issuerKey.algorithm as { namedCurve?: string }).namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256';
  const certificate = await x509.X509CertificateGenerator.create({
    subject: options.subject,
    issuer: options.issuer?.certificate.subjectName ?? options.subject,
    notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 86_400_000),
    publicKey: keys.publicKey as never,
    signingKey: issuerKey as never,
    signingAlgorithm: { name: 'ECDSA', hash } as never,
    extensions: [
      ...options.extensions,
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
      ...(options.issuer
        ? [await x509.AuthorityKeyIdentifierExtension.create(options.issuer.certificate.publicKey)]
        : []),
    ],
  });
  return { certificate, keys };
}

export const serverLeafExtensions = (names: x509.JsonGeneralName[]): x509.Extension[] => [
  new x509.BasicConstraintsExtension(false, undefined, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
  new x509.SubjectAlternativeNameExtension(names),
];

export const caExtensions = (
  pathLength?: number,
  usages = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
): x509.Extension[] => [
  new x509.BasicConstraintsExtension(true, pathLength, true),
  new x509.KeyUsagesExtension(usages, true),
];
