/**
 * Reads what an officer drops on the window or passes on the command line:
 * PEM (any number of blocks, text around them allowed) or a single DER
 * object. Every failure is a typed rejection that says what the file is
 * when it is not what was expected, because "wrong file" is the commonest
 * mistake with a USB stick full of .pem files.
 */
import { CertificationRequest } from '@peculiar/asn1-csr';
import { ContentInfo, id_signedData } from '@peculiar/asn1-cms';
import { ECPrivateKey } from '@peculiar/asn1-ecc';
import { PFX } from '@peculiar/asn1-pfx';
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { RSAPrivateKey } from '@peculiar/asn1-rsa';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, CertificateList, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { rejected } from '../../../shared/errors';

/** CSRs and certificates are a few kilobytes; anything past this is not one. */
export const MAX_INPUT_BYTES = 64 * 1024;

export type ObjectKind =
  'certificate' | 'csr' | 'crl' | 'private-key' | 'encrypted-private-key' | 'pkcs12' | 'pkcs7' | 'public-key';

export const KIND_NAMES: Readonly<Record<ObjectKind, string>> = {
  certificate: 'a certificate',
  csr: 'a certificate signing request',
  crl: 'a certificate revocation list',
  'private-key': 'a private key',
  'encrypted-private-key': 'an encrypted private key',
  pkcs12: 'a PKCS#12 file',
  pkcs7: 'a PKCS#7 certificate bundle',
  'public-key': 'a public key',
};

const PEM_LABELS: Readonly<Record<string, ObjectKind>> = {
  CERTIFICATE: 'certificate',
  'TRUSTED CERTIFICATE': 'certificate',
  'X509 CERTIFICATE': 'certificate',
  'CERTIFICATE REQUEST': 'csr',
  'NEW CERTIFICATE REQUEST': 'csr',
  'X509 CRL': 'crl',
  'PRIVATE KEY': 'private-key',
  'RSA PRIVATE KEY': 'private-key',
  'EC PRIVATE KEY': 'private-key',
  'ENCRYPTED PRIVATE KEY': 'encrypted-private-key',
  PKCS7: 'pkcs7',
  CMS: 'pkcs7',
  'PUBLIC KEY': 'public-key',
  PKCS12: 'pkcs12',
};

export interface DecodedObject {
  readonly kind: ObjectKind;
  readonly der: Uint8Array;
  readonly encoding: 'pem' | 'der';
}

/**
 * Every object in the input: each PEM block, or the one DER object.
 * `maxNodes` raises asn1js's guard of 10,000 ASN.1 nodes for a caller that
 * reads large CRLs (an imported CA's: five thousand entries are 35,000 nodes).
 */
export function decodeObjects(
  input: Uint8Array | string,
  maxBytes = MAX_INPUT_BYTES,
  maxNodes?: number,
): DecodedObject[] {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length > maxBytes) {
    throw rejected('too-large', `The file is ${bytes.length} bytes; at most ${maxBytes} are accepted here.`);
  }
  if (bytes.length === 0) throw rejected('not-pem-or-der', 'The file is empty.');
  const text = looksLikeText(bytes) ? new TextDecoder().decode(bytes) : null;
  if (text !== null && text.includes('-----BEGIN ')) return decodePem(text, maxNodes);
  const der = checkDer(bytes, maxNodes);
  const kind = identifyDer(der, maxNodes);
  if (!kind)
    throw rejected('not-pem-or-der', 'The file is DER, but not a certificate, request, key, CRL, PKCS#7 or PKCS#12.');
  return [{ kind, der, encoding: 'der' }];
}

/** Exactly one object of the expected kind, as DER. */
export function decodeSingle(input: Uint8Array | string, expected: ObjectKind): Uint8Array {
  const objects = decodeObjects(input);
  if (objects.length !== 1) {
    throw rejected('malformed', `The file holds ${objects.length} PEM blocks; ${KIND_NAMES[expected]} file holds one.`);
  }
  const [object] = objects;
  if (object!.kind !== expected) {
    throw rejected('wrong-kind', `This file is ${KIND_NAMES[object!.kind]}, not ${KIND_NAMES[expected]}.`);
  }
  return object!.der;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  return sample.every((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 0x80);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----\r?\n([\s\S]*?)-----END ([A-Z0-9 #]+)-----/g;

function decodePem(text: string, maxNodes?: number): DecodedObject[] {
  const objects: DecodedObject[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [, label, body, endLabel] = match;
    if (label !== endLabel) throw rejected('malformed', `A PEM block begins as "${label}" but ends as "${endLabel}".`);
    const kind = PEM_LABELS[label!];
    if (!kind) throw rejected('not-pem-or-der', `"${label}" PEM blocks are not something Rootkeeper reads.`);
    const der = checkDer(base64Body(body!, label!), maxNodes);
    objects.push({ kind, der, encoding: 'pem' });
  }
  if (objects.length === 0) throw rejected('malformed', 'The PEM block is cut short: its END line is missing.');
  return objects;
}

/** Base64 with the RFC 7468 line structure; legacy encryption headers mean an old-style encrypted key. */
function base64Body(body: string, label: string): Uint8Array {
  if (/^Proc-Type:|^DEK-Info:/m.test(body)) {
    throw rejected(
      'unsupported-key',
      `This ${label} uses legacy PEM encryption; convert it with "openssl pkcs8 -topk8".`,
    );
  }
  const compact = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw rejected('malformed', `The ${label} PEM block is not valid base64.`);
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** One complete ASN.1 object: no truncation, no bytes after it. */
function checkDer(bytes: Uint8Array, maxNodes?: number): Uint8Array {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(bytes, maxNodes ? { maxNodes } : {});
  } catch {
    // asn1js throws, rather than reports, on some malformed primitives (bad times, for one).
    throw rejected('malformed', 'The DER data is damaged: it holds a value that cannot be decoded.');
  }
  if (parsed.offset === -1) {
    if (bytes[0] === 0x30) throw rejected('malformed', 'The DER data is truncated or damaged.');
    throw rejected('not-pem-or-der', 'The file is neither PEM nor DER.');
  }
  if (parsed.offset !== bytes.length) {
    throw rejected(
      'trailing-data',
      `The DER object ends after ${parsed.offset} bytes but the file has ${bytes.length - parsed.offset} more.`,
    );
  }
  return bytes;
}

/** Tries the structures in an order where none can pass for another. */
const DER_SHAPES: readonly [ObjectKind, new () => object, ((value: never) => boolean)?][] = [
  ['certificate', Certificate],
  ['csr', CertificationRequest],
  ['crl', CertificateList],
  ['pkcs12', PFX],
  ['pkcs7', ContentInfo, (info: ContentInfo) => info.contentType === id_signedData],
  ['private-key', PrivateKeyInfo],
  ['encrypted-private-key', EncryptedPrivateKeyInfo],
  ['private-key', RSAPrivateKey],
  ['private-key', ECPrivateKey],
  ['public-key', SubjectPublicKeyInfo],
];

export function identifyDer(der: Uint8Array, maxNodes?: number): ObjectKind | null {
  for (const [kind, schema, accept] of DER_SHAPES) {
    try {
      const value = AsnConvert.parse(der, schema, maxNodes ? { berOptions: { maxNodes } } : undefined);
      if (!accept || accept(value as never)) return kind;
    } catch {
      // not this shape; try the next
    }
  }
  return null;
}
