/**
 * Batch certificates spliced from DER parts instead of built through the
 * schema classes (about 0.9 ms a certificate, issue 17). Everything the
 * issuer contributes is encoded once per batch by @peculiar/asn1-x509 from
 * the same objects the reference path uses (batch.ts signLeafReference);
 * each certificate adds its serial, subject, SPKI, SAN and SKI, framed by
 * der.ts. Anything outside the shapes encoded here (a non-canonical SPKI,
 * non-ASCII text in an ASCII string type, an IP in a non-canonical form)
 * goes back to the library, so the output is always the reference's byte for
 * byte: test/unit/engine/tbs-splice.property.test.ts proves it.
 */
import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import { ObjectIdentifier } from 'asn1js';
import type { SubjectAltName } from '../../shared/domain/pki';
import type { DistinguishedName } from '../../shared/validators/distinguished-name';
import { formatIpAddress, parseIpAddress } from '../../shared/validators/ip-address';
import { derHeader, derTlv, readDerHeader } from './der';
import { ATTRIBUTE_OIDS, stringValue, toX509Name } from './names';
import { serialIntegerHex } from './serial';
import { x509 } from './x509';

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
/** [0] EXPLICIT Version v3 (INTEGER 2): the only version a certificate with extensions has. */
const VERSION_V3 = Buffer.from([0xa0, 0x03, 0x02, 0x01, 0x02]);
const CRITICAL = Buffer.from([0x01, 0x01, 0xff]);
const STRING_TAGS = { printableString: 0x13, utf8String: 0x0c, ia5String: 0x16 } as const;
const NON_ASCII = /[\u0080-\uffff]/;
const SURROGATE = /[\uD800-\uDFFF]/;
const ID_UPN = '1.3.6.1.4.1.311.20.2.3';

function oid(value: string): Buffer {
  return Buffer.from(oidBer(value));
}

function oidBer(value: string): ArrayBuffer {
  return new ObjectIdentifier({ value }).toBER(false);
}

const NAME_OIDS = new Map(Object.entries(ATTRIBUTE_OIDS).map(([type, id]) => [type, oid(id)]));
const SAN_OID = oid('2.5.29.17');
const UPN_OID = oid(ID_UPN);
/** The subjectPublicKeyInfo algorithms passed through as received, each as the library encodes it. */
const SPKI_ALGORITHMS = [
  new asn.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.1', parameters: null }),
  ...['1.2.840.10045.3.1.7', '1.3.132.0.34', '1.3.132.0.35'].map(
    (curve) => new asn.AlgorithmIdentifier({ algorithm: '1.2.840.10045.2.1', parameters: oidBer(curve) }),
  ),
].map((algorithm) => Buffer.from(AsnConvert.serialize(algorithm)));

/** What batch.ts's LeafTemplate holds, as the library's objects. */
export interface TemplateObjects {
  readonly signatureAlgorithm: asn.AlgorithmIdentifier;
  readonly issuerName: asn.Name;
  readonly validity: asn.Validity;
  readonly basicConstraints: asn.Extension;
  readonly keyUsage: { readonly ec: asn.Extension; readonly rsa: asn.Extension };
  readonly extendedKeyUsage: asn.Extension;
  readonly crlDistribution: asn.Extension | null;
  readonly authorityInfoAccess: asn.Extension | null;
  readonly authorityKeyIdentifier: asn.Extension;
}

/** The issuer's side of every certificate in a batch, DER. */
export interface SplicedParts {
  readonly signatureAlgorithm: Buffer;
  readonly issuer: Buffer;
  readonly validity: Buffer;
  /** basicConstraints, keyUsage, EKU: the extensions before the SAN. */
  readonly leading: { readonly ec: Buffer; readonly rsa: Buffer };
  /** CRL DP and AIA: between the SAN and the SKI. */
  readonly trailing: Buffer;
  /** The SKI extension up to its 20-byte key identifier. */
  readonly skiPrefix: Buffer;
  readonly authorityKeyIdentifier: Buffer;
}

export interface SplicedInput {
  readonly subject: DistinguishedName;
  readonly spki: Uint8Array;
  readonly keyFamily: 'ec' | 'rsa';
  readonly sans: readonly SubjectAltName[];
  readonly serialNumber: string;
}

function der(value: object): Buffer {
  return Buffer.from(AsnConvert.serialize(value));
}

export function splicedParts(template: TemplateObjects): SplicedParts {
  const fixed = [template.basicConstraints, template.extendedKeyUsage].map(der);
  const ski = der(
    new asn.Extension({
      extnID: '2.5.29.14',
      critical: false,
      extnValue: new OctetString(der(new asn.SubjectKeyIdentifier(new ArrayBuffer(20)))),
    }),
  );
  return {
    signatureAlgorithm: der(template.signatureAlgorithm),
    issuer: der(template.issuerName),
    validity: der(template.validity),
    leading: {
      ec: Buffer.concat([fixed[0]!, der(template.keyUsage.ec), fixed[1]!]),
      rsa: Buffer.concat([fixed[0]!, der(template.keyUsage.rsa), fixed[1]!]),
    },
    trailing: Buffer.concat(
      [template.crlDistribution, template.authorityInfoAccess].flatMap((extension) =>
        extension ? [der(extension)] : [],
      ),
    ),
    skiPrefix: ski.subarray(0, ski.length - 20),
    authorityKeyIdentifier: der(template.authorityKeyIdentifier),
  };
}

/**
 * The TBSCertificate, DER; null when the SPKI is not one the splice passes
 * through unchanged (the reference re-encodes it; the caller falls back).
 */
export function splicedTbs(parts: SplicedParts, input: SplicedInput): Buffer | null {
  const publicKey = subjectPublicKey(input.spki);
  if (!publicKey) return null;
  const keyIdentifier = createHash('sha1').update(publicKey).digest();
  const extensions = [parts.leading[input.keyFamily]];
  if (input.sans.length > 0) extensions.push(sanExtension(input.sans, input.subject.length === 0));
  extensions.push(parts.trailing, parts.skiPrefix, keyIdentifier, parts.authorityKeyIdentifier);
  return derTlv(SEQUENCE, [
    VERSION_V3,
    derTlv(INTEGER, [Buffer.from(serialIntegerHex(input.serialNumber), 'hex')]),
    parts.signatureAlgorithm,
    parts.issuer,
    parts.validity,
    subjectName(input.subject),
    input.spki,
    derTlv(0xa3, [derTlv(SEQUENCE, extensions)]),
  ]);
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }. */
export function splicedCertificate(parts: SplicedParts, tbs: Uint8Array, signature: Uint8Array): Buffer {
  return derTlv(SEQUENCE, [tbs, parts.signatureAlgorithm, derTlv(BIT_STRING, [Buffer.of(0), signature])]);
}

/**
 * The subjectPublicKey bits of an SPKI in canonical DER with a known
 * algorithm and no unused bits: exactly what the reference would re-encode
 * unchanged. Null for anything else.
 */
function subjectPublicKey(spki: Uint8Array): Uint8Array | null {
  const outer = readDerHeader(spki, 0, SEQUENCE);
  if (!outer || outer.end !== spki.length) return null;
  const algorithm = readDerHeader(spki, outer.start, SEQUENCE);
  if (!algorithm) return null;
  const algorithmBytes = spki.subarray(outer.start, algorithm.end);
  if (!SPKI_ALGORITHMS.some((known) => known.equals(algorithmBytes))) return null;
  const bits = readDerHeader(spki, algorithm.end, BIT_STRING);
  if (!bits || bits.end !== spki.length || bits.end - bits.start < 2 || spki[bits.start] !== 0) return null;
  return spki.subarray(bits.start + 1, bits.end);
}

/** One attribute per RDN, in the order given, with toX509Name's string types. */
function subjectName(dn: DistinguishedName): Uint8Array {
  const rdns: Buffer[] = [];
  for (const component of dn) {
    const [kind, text] = Object.entries(stringValue(component.type, component.value))[0] as [
      keyof typeof STRING_TAGS,
      string,
    ];
    const bytes = textBytes(text, kind === 'utf8String');
    if (!bytes) return new Uint8Array(toX509Name(dn).toArrayBuffer());
    const value = derTlv(STRING_TAGS[kind], [bytes]);
    rdns.push(derTlv(SET, [derTlv(SEQUENCE, [NAME_OIDS.get(component.type)!, value])]));
  }
  return derTlv(SEQUENCE, rdns);
}

/** UTF-8 for UTF8String, one byte a character for the ASCII types; null where the library must decide. */
function textBytes(text: string, utf8: boolean): Buffer | null {
  if (utf8) return SURROGATE.test(text) ? null : Buffer.from(text, 'utf8');
  return NON_ASCII.test(text) ? null : Buffer.from(text, 'latin1');
}

function sanExtension(sans: readonly SubjectAltName[], critical: boolean): Buffer {
  const names: Buffer[] = [];
  for (const san of sans) {
    const name = generalName(san);
    if (!name) return librarySanExtension(sans, critical);
    names.push(name);
  }
  const value = derTlv(SEQUENCE, names);
  return derTlv(SEQUENCE, [SAN_OID, ...(critical ? [CRITICAL] : []), derHeader(OCTET_STRING, value.length), value]);
}

/** GeneralName, RFC 5280 §4.2.1.6: rfc822Name [1], dNSName [2], iPAddress [7], UPN as otherName [0]. */
function generalName(san: SubjectAltName): Buffer | null {
  switch (san.type) {
    case 'dns':
    case 'email': {
      const bytes = textBytes(san.value, false);
      return bytes && derTlv(san.type === 'dns' ? 0x82 : 0x81, [bytes]);
    }
    case 'ip': {
      const bytes = parseIpAddress(san.value);
      return bytes && formatIpAddress(bytes) === san.value ? derTlv(0x87, [bytes]) : null;
    }
    case 'upn': {
      const bytes = textBytes(san.value, true);
      return bytes && derTlv(0xa0, [UPN_OID, derTlv(0xa0, [derTlv(STRING_TAGS.utf8String, [bytes])])]);
    }
  }
}

function librarySanExtension(sans: readonly SubjectAltName[], critical: boolean): Buffer {
  const names = new x509.SubjectAlternativeNameExtension(
    sans.map((san) => ({ type: san.type, value: san.value })),
    critical,
  );
  return der(new asn.Extension({ extnID: '2.5.29.17', critical, extnValue: new OctetString(names.value) }));
}
