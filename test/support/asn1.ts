/** Decodes DER with @peculiar/asn1-x509 directly, independent of the classes the engine builds with. */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, CertificateList, type Extension } from '@peculiar/asn1-x509';
import { createHash } from 'node:crypto';

export function decodeCertificate(der: Uint8Array): Certificate {
  return AsnConvert.parse(der, Certificate);
}

export function decodeCrl(der: Uint8Array): CertificateList {
  return AsnConvert.parse(der, CertificateList);
}

export function extensionOf(extensions: readonly Extension[] | undefined, oid: string): Extension | undefined {
  return extensions?.find((extension) => extension.extnID === oid);
}

export function extensionOids(certificate: Certificate): string[] {
  return (certificate.tbsCertificate.extensions ?? []).map((extension) => extension.extnID);
}

export function toBytes(buffer: ArrayBuffer | Uint8Array): Buffer {
  return Buffer.from(buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(certificate: Certificate): string {
  return createHash('sha1')
    .update(toBytes(certificate.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey))
    .digest('hex');
}

export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;
