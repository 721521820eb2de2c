/**
 * The reference CSR reader: the whole request decoded through
 * @peculiar/asn1-schema and @peculiar/x509. The lean reader (lean-csr.ts)
 * reads the common case faster and hands anything else to this one; the
 * differential test (test/unit/engine/lean-csr.property.test.ts) holds the
 * two to the same output and the same refusals.
 */
import { createHash, verify } from 'node:crypto';
import type { RequestedExtension } from '../../shared/domain/csr';
import type { SubjectAltName } from '../../shared/domain/pki';
import { RootkeeperError, rejected } from '../../shared/errors';
import { dnValueProblem, type DistinguishedName } from '../../shared/validators/distinguished-name';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { toArrayBuffer } from './bytes';
import type { ParsedCsr } from './csr';
import { colonHex, describeExtension, extensionName, readSubjectAltNames } from './describe';
import { decodeSingle } from './formats/input';
import { describePublicKey, type KeyDescription } from './keys';
import { fromX509Name } from './names';
import { publicKeyObject } from './spki-key';
import { x509 } from './x509';

/** Parses and verifies a CSR (PEM or DER) the slow, thorough way; anything wrong is a typed rejection. */
export async function parseCsrReference(input: Uint8Array | string): Promise<ParsedCsr> {
  const der = decodeSingle(input, 'csr');
  try {
    return await interpretCsr(der);
  } catch (error) {
    // The request is untrusted input: whatever a library throws while reading it means it is malformed.
    if (error instanceof RootkeeperError) throw error;
    throw rejected('malformed', 'The certificate signing request is malformed.');
  }
}

async function interpretCsr(der: Uint8Array): Promise<ParsedCsr> {
  const asn = AsnConvert.parse(toArrayBuffer(der), CertificationRequest);
  const request = new x509.Pkcs10CertificateRequest(asn);
  const spki = new Uint8Array(request.publicKey.rawData);
  const key = describePublicKey(spki);
  checkCsrSignature(
    asn.signatureAlgorithm.algorithm,
    spki,
    new Uint8Array(asn.certificationRequestInfoRaw!),
    new Uint8Array(asn.signature),
  );
  // x509's list is asn1-x509's Extensions (an Array subclass): a plain array, as ParsedCsr promises.
  const extensions = [...request.extensions];
  return parsedCsr({ der, spki, key, subjectName: request.subjectName, extensions });
}

/** What both readers have found in a request: the rest of ParsedCsr is worked out from it the same way. */
export interface CsrParts {
  readonly der: Uint8Array;
  readonly spki: Uint8Array;
  readonly key: KeyDescription;
  readonly subjectName: x509.Name;
  readonly extensions: readonly x509.Extension[];
}

/** The subject checked, the requested names read, the report written. */
export function parsedCsr(parts: CsrParts): ParsedCsr {
  const { dn, unsupported } = fromX509Name(parts.subjectName);
  refuseInvalidSubject(dn);
  const requested = requestedSubjectAltNames(parts.extensions);
  return {
    spki: parts.spki,
    extensions: parts.extensions,
    key: parts.key,
    subject: dn,
    droppedSubject: unsupported,
    report: {
      subject: parts.subjectName.toString(),
      key: { label: parts.key.label, family: parts.key.family, bits: parts.key.bits },
      signatureValid: true,
      requestedSans: requested.supported,
      unsupportedSans: requested.unsupported,
      requestedExtensions: parts.extensions.map(describeRequested),
      sha256: colonHex(createHash('sha256').update(parts.der).digest('hex')),
    },
  };
}

function refuseInvalidSubject(dn: DistinguishedName): void {
  for (const component of dn) {
    const problem = dnValueProblem(component.type, component.value);
    if (problem) throw rejected('invalid-name', `The request's subject is invalid: ${problem}.`);
  }
}

/** Hash by signature algorithm: the ones TLS clients accept, and nothing weaker. */
export const SIGNATURE_HASHES: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

/**
 * Verifies the request's own signature over its exact bytes, with Node's
 * OpenSSL (the WebCrypto route costs ten times as much and CSRs come by the
 * thousand).
 */
export function checkCsrSignature(
  algorithm: string,
  spki: Uint8Array,
  certificationRequestInfo: Uint8Array,
  signature: Uint8Array,
): void {
  const hash = SIGNATURE_HASHES[algorithm];
  if (!hash) {
    throw rejected(
      'unsupported-key',
      'The request is signed with an algorithm Rootkeeper does not accept (only ECDSA and RSA with SHA-2).',
    );
  }
  let valid: boolean;
  try {
    const key = publicKeyObject(spki);
    // The signature covers the request's bytes as received, which the parser keeps.
    valid = verify(hash, certificationRequestInfo, key, signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw rejected(
      'bad-signature',
      "The request's signature does not verify: it was altered or damaged after it was made.",
    );
  }
}

function requestedSubjectAltNames(extensions: readonly x509.Extension[]): {
  supported: SubjectAltName[];
  unsupported: string[];
} {
  const extension = extensions.find(
    (candidate): candidate is x509.SubjectAlternativeNameExtension =>
      candidate instanceof x509.SubjectAlternativeNameExtension,
  );
  if (!extension) return { supported: [], unsupported: [] };
  try {
    return readSubjectAltNames(extension);
  } catch {
    throw rejected('malformed', "The request's subject alternative names are malformed.");
  }
}

function describeRequested(extension: x509.Extension): RequestedExtension {
  return {
    oid: extension.type,
    name: extensionName(extension.type),
    critical: extension.critical,
    value: describeExtension(extension),
  };
}
