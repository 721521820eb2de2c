/**
 * Certificates and chains in every format clients want: PEM, DER, full-chain
 * PEM, and PKCS#7 as DER (.p7b) or PEM labelled PKCS7 (OpenSSL rejects the
 * CMS label that @peculiar/x509 writes by default).
 */
import { createHash } from 'node:crypto';
import { rejected } from '../../../shared/errors';
import { toArrayBuffer } from '../bytes';
import { colonHex } from '../describe';
import { x509 } from '../x509';
import { KIND_NAMES, decodeObjects } from './input';

export const CERTIFICATE_FORMATS = ['pem', 'der', 'p7b'] as const;
export type CertificateFormat = (typeof CERTIFICATE_FORMATS)[number];

/** Chains run to a few certificates; a bundle file may hold many. */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

export function certificatePem(der: Uint8Array): string {
  return `${x509.PemConverter.encode(toArrayBuffer(der), 'CERTIFICATE')}\n`;
}

/** Concatenated PEM, leaf first: what nginx calls fullchain.pem. */
export function certificatesPem(ders: readonly Uint8Array[]): string {
  return ders.map(certificatePem).join('');
}

export function pkcs7Der(ders: readonly Uint8Array[]): Uint8Array {
  const certificates = new x509.X509Certificates(ders.map((der) => new x509.X509Certificate(toArrayBuffer(der))));
  return new Uint8Array(certificates.export('raw'));
}

export function pkcs7Pem(ders: readonly Uint8Array[]): string {
  return `${x509.PemConverter.encode(toArrayBuffer(pkcs7Der(ders)), 'PKCS7')}\n`;
}

/** Every certificate in PEM (certificate or PKCS7 blocks), a DER certificate, or a DER PKCS#7 bundle. */
export function readCertificates(input: Uint8Array | string): Uint8Array[] {
  const certificates: Uint8Array[] = [];
  for (const object of decodeObjects(input, MAX_BUNDLE_BYTES)) {
    if (object.kind === 'certificate') certificates.push(object.der);
    else if (object.kind === 'pkcs7') certificates.push(...certificatesOfPkcs7(object.der));
    else throw rejected('wrong-kind', `This file holds ${KIND_NAMES[object.kind]}, not certificates.`);
  }
  if (certificates.length === 0) throw rejected('malformed', 'The file holds no certificates.');
  return certificates;
}

function certificatesOfPkcs7(der: Uint8Array): Uint8Array[] {
  try {
    return [...new x509.X509Certificates(toArrayBuffer(der))].map((certificate) => new Uint8Array(certificate.rawData));
  } catch {
    throw rejected('malformed', 'The PKCS#7 bundle is malformed.');
  }
}

/** Converts certificates between formats; DER holds exactly one certificate, so a chain must go to PEM or p7b. */
export function convertCertificates(input: Uint8Array | string, to: CertificateFormat): Uint8Array {
  const certificates = readCertificates(input);
  switch (to) {
    case 'pem':
      return new TextEncoder().encode(certificatesPem(certificates));
    case 'p7b':
      return pkcs7Der(certificates);
    case 'der':
      if (certificates.length !== 1) {
        throw rejected(
          'invalid-option',
          `DER holds one certificate but this file has ${certificates.length}: convert to pem or p7b.`,
        );
      }
      return certificates[0]!;
  }
}

export interface Fingerprints {
  readonly sha256: string;
  readonly sha1: string;
}

/** Colon-separated, upper case: the form `openssl x509 -fingerprint` prints and officers read out by phone. */
export function fingerprints(der: Uint8Array): Fingerprints {
  return {
    sha256: colonHex(createHash('sha256').update(der).digest('hex')),
    sha1: colonHex(createHash('sha1').update(der).digest('hex')),
  };
}
