/** A certificate decoded field by field, the way `openssl x509 -text` shows it. */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { CertificateDetail } from '../../shared/domain/certificates';
import { describeExtension, extensionName } from './describe';
import { certificatePem, fingerprints } from './formats/certificates';
import { describePublicKey } from './keys';
import { normaliseSerial } from './serial';
import { x509 } from './x509';

const SIGNATURE_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
};

export function inspectCertificate(der: Uint8Array): CertificateDetail {
  const certificate = new x509.X509Certificate(Buffer.from(der));
  const prints = fingerprints(der);
  return {
    version: 3,
    serial: normaliseSerial(certificate.serialNumber) ?? certificate.serialNumber,
    subject: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    publicKey: publicKeyLabel(certificate),
    signatureAlgorithm: signatureName(der),
    extensions: certificate.extensions.map((extension) => ({
      oid: extension.type,
      name: extensionName(extension.type),
      critical: extension.critical,
      value: describeExtension(extension),
    })),
    sha256: prints.sha256,
    sha1: prints.sha1,
    pem: certificatePem(der),
  };
}

function publicKeyLabel(certificate: x509.X509Certificate): string {
  try {
    return describePublicKey(certificate.publicKey.rawData).label;
  } catch {
    return certificate.publicKey.algorithm.name;
  }
}

function signatureName(der: Uint8Array): string {
  const oid = AsnConvert.parse(der, Certificate).signatureAlgorithm.algorithm;
  return SIGNATURE_NAMES[oid] ?? oid;
}
