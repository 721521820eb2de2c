/**
 * A CRL's revokedCertificates, encoded straight to DER. Through the schema
 * classes each entry became a handful of objects encoded one by one, most of
 * the cost of a 10,000-entry CRL (docs/performance.md). The bytes are the
 * schema's, byte for byte: test/unit/engine/crl-der.test.ts checks random
 * lists against the @peculiar/asn1-x509 encoding (crl.ts keeps it as the
 * reference), and the interop tests parse the result with OpenSSL.
 */
import type { CrlReason } from '../../shared/domain/pki';
import { rejected } from '../../shared/errors';
import { derTlv } from './der';
import { normaliseSerial, serialIntegerHex } from './serial';

export interface RevokedEntry {
  /** Hex, as the store keeps it. */
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason: CrlReason;
  /** RFC 5280 §5.3.2: when the key was known or suspected to be compromised (carried over from an imported CA). */
  readonly invalidityDate?: Date;
}

/** RFC 5280 §5.3.1 reason codes; "unspecified" is written by leaving the extension out. */
export const REASON_CODES: Readonly<Record<CrlReason, number | undefined>> = {
  unspecified: undefined,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const ENUMERATED = 0x0a;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
/** id-ce-cRLReasons (2.5.29.21) and id-ce-invalidityDate (2.5.29.24), as encoded OBJECT IDENTIFIERs. */
const REASON_OID = Buffer.from('0603551d15', 'hex');
const INVALIDITY_OID = Buffer.from('0603551d18', 'hex');

/** One TLV of the given parts (der.ts frames it), spelled variadically for the nested entries below. */
const tlv = (tag: number, ...content: Uint8Array[]): Buffer => derTlv(tag, content);

const two = (value: number) => String(value).padStart(2, '0');

/** RFC 5280 §4.1.2.5 as the schema's Time writes it: UTCTime through 2049, GeneralizedTime after; whole seconds. */
function time(date: Date, generalized = date.getUTCFullYear() > 2049): { readonly tag: number; readonly text: string } {
  const year = date.getUTCFullYear();
  const text =
    (generalized ? String(year).padStart(4, '0') : two(year % 100)) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    'Z';
  return { tag: generalized ? GENERALIZED_TIME : UTC_TIME, text };
}

/** The reason extension's length: SEQUENCE { OID, OCTET STRING { ENUMERATED code } }. */
const REASON_EXTENSION = 2 + REASON_OID.length + 2 + 3;

/**
 * One RevokedCertificate: serial, revocation date, and the reason and
 * invalidity date as entry extensions, written into one buffer sized first.
 * Every length in an entry is under 128 (a serial is at most 21 bytes with
 * its sign byte, a time 15 characters: 82 bytes at most), so each header is
 * two bytes; the few small buffers per entry the nested TLVs made were most
 * of a large CRL's encoding time and garbage.
 */
export function revokedCertificate(entry: RevokedEntry): Buffer {
  const serial = normaliseSerial(entry.serialNumber);
  if (!serial) throw rejected('invalid-option', `"${entry.serialNumber}" is not a serial number.`);
  // The entry must match the certificate's serial byte for byte, sign byte included.
  const serialHex = serialIntegerHex(serial);
  const code = REASON_CODES[entry.reason];
  const revokedAt = time(entry.revokedAt);
  // Non-critical (RFC 5280 §5.3.2), a GeneralizedTime.
  const invalidity = entry.invalidityDate ? time(entry.invalidityDate, true) : null;
  const invalidityExtension = invalidity ? 2 + INVALIDITY_OID.length + 2 + 2 + invalidity.text.length : 0;
  const extensions = (code === undefined ? 0 : REASON_EXTENSION) + invalidityExtension;
  const content = 2 + serialHex.length / 2 + 2 + revokedAt.text.length + (extensions > 0 ? 2 + extensions : 0);
  if (content >= 0x80) throw new TypeError(`a revoked entry of ${content} bytes: longer than any serial and time make`);
  const out = Buffer.allocUnsafe(2 + content);
  let at = 0;
  const put = (...bytes: number[]) => {
    for (const byte of bytes) out[at++] = byte;
  };
  put(SEQUENCE, content, INTEGER, serialHex.length / 2);
  at += out.write(serialHex, at, 'hex');
  put(revokedAt.tag, revokedAt.text.length);
  at += out.write(revokedAt.text, at, 'latin1');
  if (extensions > 0) put(SEQUENCE, extensions);
  if (code !== undefined) {
    put(SEQUENCE, REASON_EXTENSION - 2);
    at += REASON_OID.copy(out, at);
    put(OCTET_STRING, 3, ENUMERATED, 1, code);
  }
  if (invalidity) {
    put(SEQUENCE, invalidityExtension - 2);
    at += INVALIDITY_OID.copy(out, at);
    put(OCTET_STRING, 2 + invalidity.text.length, invalidity.tag, invalidity.text.length);
    at += out.write(invalidity.text, at, 'latin1');
  }
  if (at !== out.length) throw new TypeError('a revoked entry was not written whole');
  return out;
}

/** revokedCertificates: SEQUENCE OF RevokedCertificate. */
export function revokedCertificates(entries: readonly RevokedEntry[]): Buffer {
  return tlv(SEQUENCE, ...entries.map(revokedCertificate));
}

/** Where the TLV at `at` ends. */
function skip(der: Buffer, at: number): number {
  const first = der[at + 1]!;
  if (first < 0x80) return at + 2 + first;
  const count = first & 0x7f;
  return at + 2 + count + der.readUIntBE(at + 2, count);
}

/**
 * A TBSCertList encoded without revokedCertificates, with `revoked` put in
 * its place: after version, signature, issuer, thisUpdate and nextUpdate,
 * before the crlExtensions. The outer length is written anew.
 */
export function withRevokedCertificates(tbs: Buffer, revoked: Buffer): Buffer {
  const contentStart = contentOffset(tbs);
  let at = contentStart;
  for (let field = 0; field < 5; field++) at = skip(tbs, at);
  // What follows nextUpdate must be the crlExtensions ([0]) and nothing else.
  if (tbs[0] !== SEQUENCE || skip(tbs, 0) !== tbs.length || tbs[at] !== 0xa0 || skip(tbs, at) !== tbs.length)
    throw new TypeError('the TBSCertList is not version, signature, issuer, two times and extensions');
  return tlv(SEQUENCE, tbs.subarray(contentStart, at), revoked, tbs.subarray(at));
}

/** Where the content of the TLV at 0 starts. */
function contentOffset(der: Buffer): number {
  const first = der[1]!;
  return first < 0x80 ? 2 : 2 + (first & 0x7f);
}
