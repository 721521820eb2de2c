/**
 * The lean CSR reader. A request is walked once as strict DER (definite,
 * minimal lengths; the tags RFC 2986 gives; nothing after the end) to find
 * its CertificationRequestInfo, subject, SubjectPublicKeyInfo, signature and
 * extensionRequest as byte ranges; the signature is checked with Node's
 * OpenSSL over the exact CertificationRequestInfo bytes, and only the small
 * parts that must be read are decoded (the subject Name, the requested
 * Extensions) — instead of the whole request through asn1-schema and x509
 * twice over. Anything out of the ordinary (BER, other attributes, a
 * refusal of any kind) goes to the reference reader, so refusals and their
 * messages are the reference's own; test/unit/engine/lean-csr.property.test.ts
 * checks that whatever the lean reader accepts, the reference accepts with
 * the same result.
 */
import { toArrayBuffer } from './bytes';
import type { ParsedCsr } from './csr';
import { checkCsrSignature, parsedCsr, parseCsrReference } from './csr-reference';
import { MAX_INPUT_BYTES } from './formats/input';
import { describePublicKey } from './keys';
import { x509 } from './x509';

/** Parses and verifies a CSR (PEM or DER); anything wrong is the reference reader's typed rejection. */
export async function parseCsr(input: Uint8Array | string): Promise<ParsedCsr> {
  return readCsrLean(input) ?? parseCsrReference(input);
}

/** The lean reading alone: null for anything it does not vouch for (then the reference decides). */
export function readCsrLean(input: Uint8Array | string): ParsedCsr | null {
  try {
    const der = container(input);
    return der ? readDer(der) : null;
  } catch {
    return null;
  }
}

/**
 * A quick look at a request, for a check that must be cheap (the CLI's,
 * before its unlock, over up to 100,000 files): one CERTIFICATE REQUEST PEM
 * block or one DER object, whose strict-DER walk finds every part of a
 * CertificationRequest. Neither the signature nor the names are read — the
 * batch reads every request in full and refuses the batch, naming the file,
 * before it signs anything. False means: read it in full to learn why.
 */
export function looksLikeCsr(input: Uint8Array): boolean {
  try {
    const der = container(input);
    if (der) locate(der);
    return der !== null;
  } catch {
    return false;
  }
}

/**
 * The request's DER: the input itself, or the body of one CERTIFICATE
 * REQUEST PEM block with nothing but blank space around it and base64 as
 * strict as the reference's. Anything else (other PEM text, headers,
 * several blocks) is the reference's to read. No whole-input asn1js pass:
 * the strict-DER walk frames every element, and every part the lean reader
 * uses is decoded again where it is read (the name and the extensions by
 * asn1-schema, the key by OpenSSL, the signature and its algorithm by
 * bytes), so what asn1js would refuse is refused there — and handed to the
 * reference, whose refusal it is.
 */
function container(input: Uint8Array | string): Uint8Array | null {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (bytes.length === 0 || bytes.length > MAX_INPUT_BYTES) return null;
  if (bytes[0] === SEQUENCE) return bytes;
  const pem = CSR_PEM.exec(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'));
  if (!pem || pem[1] !== pem[3]) return null;
  const base64 = pem[2]!.replace(/[ \t\r\n]+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

const CSR_PEM =
  /^[ \t\r\n]*-----BEGIN (NEW )?CERTIFICATE REQUEST-----\r?\n([A-Za-z0-9+/= \t\r\n]*)-----END (NEW )?CERTIFICATE REQUEST-----[ \t\r\n]*$/;

const SEQUENCE = 0x30;
const SET = 0x31;
const BOOLEAN = 0x01;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const NULL = 0x05;
const OBJECT_IDENTIFIER = 0x06;
const ATTRIBUTES = 0xa0; // [0] IMPLICIT SET OF Attribute

/** 1.2.840.113549.1.9.14, PKCS#9 extensionRequest, as its OID's content bytes. */
const EXTENSION_REQUEST = '2a864886f70d01090e';

/** The signature algorithms the reference accepts, by their OID's content bytes. */
const SIGNATURE_OIDS: Readonly<Record<string, string>> = {
  '2a8648ce3d040302': '1.2.840.10045.4.3.2',
  '2a8648ce3d040303': '1.2.840.10045.4.3.3',
  '2a8648ce3d040304': '1.2.840.10045.4.3.4',
  '2a864886f70d01010b': '1.2.840.113549.1.1.11',
  '2a864886f70d01010c': '1.2.840.113549.1.1.12',
  '2a864886f70d01010d': '1.2.840.113549.1.1.13',
};

/** Deeper nesting than this is left to the reference; a CSR's is about eight. */
const MAX_DEPTH = 24;

class NotLean extends Error {}

/** One TLV: where its header starts, its content starts, and it ends. */
interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly content: number;
  readonly end: number;
}

/** Reads one TLV at `at`, inside [.., limit): single-byte tag, definite minimal length. */
function tlv(der: Uint8Array, at: number, limit: number, expected?: number): Tlv {
  if (at + 2 > limit) throw new NotLean('truncated');
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw new NotLean('multi-byte tag');
  if (expected !== undefined && tag !== expected) throw new NotLean('unexpected tag');
  const first = der[at + 1]!;
  let length = first;
  let content = at + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    // 0x80 is BER's indefinite length; more than three bytes is past any CSR.
    if (count === 0 || count > 3 || content + count > limit) throw new NotLean('length');
    if (der[content] === 0) throw new NotLean('non-minimal length');
    length = 0;
    for (let index = 0; index < count; index++) length = length * 256 + der[content + index]!;
    if (length < 0x80) throw new NotLean('non-minimal length');
    content += count;
  }
  const end = content + length;
  if (end > limit) throw new NotLean('truncated');
  return { tag, start: at, content, end };
}

/** Every TLV in [start, end), constructed ones recursively, is strict DER and fills the range exactly. */
function checkStrict(der: Uint8Array, start: number, end: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new NotLean('too deep');
  for (let at = start; at < end;) {
    const item = tlv(der, at, end);
    if (item.tag & 0x20) checkStrict(der, item.content, item.end, depth + 1);
    at = item.end;
  }
}

function hexOf(der: Uint8Array, item: Tlv): string {
  return Buffer.from(der.buffer, der.byteOffset + item.content, item.end - item.content).toString('hex');
}

/** The byte ranges of a CertificationRequest (RFC 2986 §4). */
interface CsrRanges {
  readonly info: Tlv;
  readonly subject: Tlv;
  readonly spki: Tlv;
  readonly extensions: Tlv | null;
  readonly algorithm: string;
  readonly signature: Tlv;
}

function locate(der: Uint8Array): CsrRanges {
  const outer = tlv(der, 0, der.length, SEQUENCE);
  if (outer.end !== der.length) throw new NotLean('trailing bytes');
  checkStrict(der, outer.content, outer.end, 1);
  const info = tlv(der, outer.content, outer.end, SEQUENCE);
  const algorithm = tlv(der, info.end, outer.end, SEQUENCE);
  const signature = tlv(der, algorithm.end, outer.end, BIT_STRING);
  if (signature.end !== outer.end) throw new NotLean('extra fields');
  // The signature's unused-bits byte must be 0: a signature is whole bytes.
  if (signature.end - signature.content < 2 || der[signature.content] !== 0) throw new NotLean('signature');
  const version = tlv(der, info.content, info.end, INTEGER);
  if (version.end - version.content !== 1 || der[version.content] !== 0) throw new NotLean('version');
  const subject = tlv(der, version.end, info.end, SEQUENCE);
  const spki = tlv(der, subject.end, info.end, SEQUENCE);
  const attributes = tlv(der, spki.end, info.end, ATTRIBUTES);
  if (attributes.end !== info.end) throw new NotLean('extra fields');
  return {
    info,
    subject,
    spki,
    extensions: extensionRequest(der, attributes),
    algorithm: signatureAlgorithm(der, algorithm),
    signature,
  };
}

/**
 * The signature algorithm's OID. Its parameters must be absent (ECDSA, RFC
 * 5758) or NULL (RSA, RFC 4055): the reference does not read them either,
 * but its whole-input asn1js pass would refuse a damaged element there, so
 * anything else is left to it.
 */
function signatureAlgorithm(der: Uint8Array, algorithm: Tlv): string {
  const oid = tlv(der, algorithm.content, algorithm.end, OBJECT_IDENTIFIER);
  const absent = oid.end === algorithm.end;
  const isNull = algorithm.end - oid.end === 2 && der[oid.end] === NULL && der[oid.end + 1] === 0;
  if (!absent && !isNull) throw new NotLean('algorithm parameters');
  const known = SIGNATURE_OIDS[hexOf(der, oid)];
  if (!known) throw new NotLean('signature algorithm');
  return known;
}

/** The Extensions of the one extensionRequest attribute, if any; any other attribute is the reference's to read. */
function extensionRequest(der: Uint8Array, attributes: Tlv): Tlv | null {
  let found: Tlv | null = null;
  for (let at = attributes.content; at < attributes.end;) {
    const attribute = tlv(der, at, attributes.end, SEQUENCE);
    const type = tlv(der, attribute.content, attribute.end, OBJECT_IDENTIFIER);
    if (hexOf(der, type) !== EXTENSION_REQUEST || found) throw new NotLean('attributes');
    const values = tlv(der, type.end, attribute.end, SET);
    const value = tlv(der, values.content, values.end, SEQUENCE);
    if (values.end !== attribute.end || value.end !== values.end) throw new NotLean('extensionRequest');
    found = value;
    at = attribute.end;
  }
  return found;
}

function readDer(der: Uint8Array): ParsedCsr {
  const ranges = locate(der);
  // A copy, and a plain Uint8Array even when the input is a Buffer (whose slice() is a view).
  const spki = new Uint8Array(der.subarray(ranges.spki.start, ranges.spki.end));
  const key = describePublicKey(spki);
  checkCsrSignature(
    ranges.algorithm,
    spki,
    der.subarray(ranges.info.start, ranges.info.end),
    der.subarray(ranges.signature.content + 1, ranges.signature.end),
  );
  return parsedCsr({
    der,
    spki,
    key,
    subjectName: new x509.Name(toArrayBuffer(der.subarray(ranges.subject.start, ranges.subject.end))),
    extensions: ranges.extensions ? requestedExtensions(der, ranges.extensions) : [],
  });
}

/**
 * Each Extension's own bytes, typed by x509 as it types a request's
 * extensionRequest (which decodes the list, then encodes each item again:
 * for DER the same bytes, so the encoding of a default `critical` FALSE,
 * which DER forbids, is left to the reference).
 */
function requestedExtensions(der: Uint8Array, list: Tlv): x509.Extension[] {
  const extensions: x509.Extension[] = [];
  for (let at = list.content; at < list.end;) {
    const extension = tlv(der, at, list.end, SEQUENCE);
    const id = tlv(der, extension.content, extension.end, OBJECT_IDENTIFIER);
    const next = tlv(der, id.end, extension.end);
    if (next.tag === BOOLEAN && (next.end - next.content !== 1 || der[next.content] !== 0xff))
      throw new NotLean('critical');
    extensions.push(x509.ExtensionFactory.create(toArrayBuffer(der.subarray(extension.start, extension.end))));
    at = extension.end;
  }
  return extensions;
}
