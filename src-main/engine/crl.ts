/**
 * Certificate revocation lists (RFC 5280 §5): version 2, signed by the CA
 * that issued the certificates, with the CA's key identifier (AKI), a CRL
 * number the store keeps strictly increasing, thisUpdate and nextUpdate, and
 * a reason per entry. "Unspecified" is written by leaving the reason out.
 */
import { VALIDITY_DAYS } from '../../shared/domain/pki';
import { rejected } from '../../shared/errors';
import { AsnConvert, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import * as asn from '@peculiar/asn1-x509';
import { toArrayBuffer } from './bytes';
import { REASON_CODES, revokedCertificates, withRevokedCertificates, type RevokedEntry } from './crl-der';
import { CrlNumberExtension, id_ce_cRLNumber } from './extensions/crl-number';
import { authorityKeyIdentifier, checkIssuer, signTbs, type Issuer } from './profiles/common';
import { normaliseSerial, serialIntegerHex } from './serial';
import { checkDays, wholeSeconds } from './validity';
import { x509, type CryptoKey } from './x509';

export type { RevokedEntry } from './crl-der';

export interface CrlOptions {
  readonly issuer: Issuer;
  /** Supplied by the store, which keeps CRL numbers strictly increasing. */
  readonly crlNumber: number;
  readonly entries: readonly RevokedEntry[];
  /** Days until nextUpdate; 30 by default. */
  readonly days?: number;
  readonly now?: Date;
}

export interface IssuedCrl {
  readonly der: Uint8Array;
  readonly crlNumber: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly entries: number;
}

/** The schema's names for the reasons (only imported revocations carry the last five). */
const SIGNATURES: Readonly<Record<string, { oid: string; hash: string; nullParameters: boolean }>> = {
  'P-256': { oid: '1.2.840.10045.4.3.2', hash: 'sha256', nullParameters: false },
  'P-384': { oid: '1.2.840.10045.4.3.3', hash: 'sha384', nullParameters: false },
  RSA: { oid: '1.2.840.113549.1.1.11', hash: 'sha256', nullParameters: true },
};

/**
 * Built with @peculiar/asn1-x509's schema classes and signed with Node's
 * OpenSSL: a CRL of ten thousand entries takes a fraction of a second where
 * the generic generator took seconds.
 */
export async function createCrl(options: CrlOptions): Promise<IssuedCrl> {
  const now = options.now ?? new Date();
  const days = options.days ?? VALIDITY_DAYS.crl.default;
  checkDays(days, VALIDITY_DAYS.crl.max, 'a CRL');
  if (!Number.isSafeInteger(options.crlNumber) || options.crlNumber < 1) {
    throw rejected('invalid-option', `The CRL number must be a positive whole number; ${options.crlNumber} was given.`);
  }
  checkIssuer(options.issuer.certificate, now);
  checkCrlSigner(options.issuer.certificate);
  const signatureInfo = signatureFor(options.issuer.signingKey);
  const algorithm = new asn.AlgorithmIdentifier({
    algorithm: signatureInfo.oid,
    ...(signatureInfo.nullParameters ? { parameters: null } : {}),
  });
  const thisUpdate = wholeSeconds(now);
  const nextUpdate = new Date(thisUpdate.getTime() + days * 86_400_000);
  const fields = {
    algorithm,
    issuer: AsnConvert.parse(options.issuer.certificate.rawData, asn.Certificate).tbsCertificate.subject,
    thisUpdate,
    nextUpdate,
    aki: await authorityKeyIdentifier(options.issuer.certificate),
    crlNumber: options.crlNumber,
  };
  const tbsDer = encodeTbsCertList(fields, options.entries);
  const signature = await signTbs(options.issuer, signatureInfo.hash, tbsDer);
  const der = signedList(tbsDer, algorithm, signature);
  // Not parsed back: asn1-schema refuses lists past its node limit (about 2,000 entries).
  return { der, crlNumber: options.crlNumber, thisUpdate, nextUpdate, entries: options.entries.length };
}

/** A TBSCertList's fields but the revoked certificates. */
export interface TbsCertListFields {
  readonly algorithm: asn.AlgorithmIdentifier;
  readonly issuer: asn.Name;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly aki: { readonly type: string; readonly value: ArrayBuffer };
  readonly crlNumber: number;
}

/**
 * The TBSCertList: the few fixed fields through the schema classes, the
 * revoked certificates (the bulk) encoded directly (crl-der.ts) and put in
 * their place.
 */
export function encodeTbsCertList(fields: TbsCertListFields, entries: readonly RevokedEntry[]): Buffer {
  const tbs = Buffer.from(AsnConvert.serialize(tbsCertList(fields, [])));
  // RFC 5280 §5.1.2.6: with nothing revoked the list is absent, not empty.
  return entries.length > 0 ? withRevokedCertificates(tbs, revokedCertificates(entries)) : tbs;
}

/**
 * The same TBSCertList entirely through @peculiar/asn1-x509's classes, as
 * it was built before: the reference the direct encoding is tested against.
 */
export function encodeTbsCertListWithSchema(fields: TbsCertListFields, entries: readonly RevokedEntry[]): Buffer {
  return Buffer.from(AsnConvert.serialize(tbsCertList(fields, entries.map(toEntry))));
}

function tbsCertList(fields: TbsCertListFields, entries: readonly asn.RevokedCertificate[]): asn.TBSCertList {
  return new asn.TBSCertList({
    version: asn.Version.v2,
    signature: fields.algorithm,
    issuer: fields.issuer,
    thisUpdate: new asn.Time(fields.thisUpdate),
    nextUpdate: new asn.Time(fields.nextUpdate),
    ...(entries.length > 0 ? { revokedCertificates: [...entries] } : {}),
    crlExtensions: new asn.Extensions([
      new asn.Extension({ extnID: fields.aki.type, critical: false, extnValue: new OctetString(fields.aki.value) }),
      new asn.Extension({
        extnID: id_ce_cRLNumber,
        critical: false,
        extnValue: new OctetString(new CrlNumberExtension(fields.crlNumber).value),
      }),
    ]),
  });
}

/**
 * asn1js's RawData, embeddable: its own toBER ignores the writer a SEQUENCE
 * hands its children, so inside one it would vanish.
 */
class EncodedBlock extends asn1js.RawData {
  override toBER(sizeOnly?: boolean, writer?: asn1js.ViewWriter): ArrayBuffer {
    const bytes = super.toBER(sizeOnly);
    if (!writer) return bytes;
    writer.write(bytes);
    return new ArrayBuffer(0);
  }
}

/**
 * RFC 5280's CertificateList around the TBSCertList bytes just signed:
 * asn1-x509's own class would encode the ten thousand entries of a large
 * CRL a second time, which was half its cost.
 */
function signedList(tbs: Uint8Array, algorithm: asn.AlgorithmIdentifier, signature: Uint8Array): Uint8Array {
  const list = new asn1js.Sequence({
    value: [
      new EncodedBlock({ data: tbs }) as unknown as asn1js.BaseBlock,
      AsnSerializer.toASN(algorithm) as asn1js.BaseBlock,
      new asn1js.BitString({ valueHex: signature }),
    ],
  });
  return new Uint8Array(list.toBER());
}

function signatureFor(key: CryptoKey): { oid: string; hash: string; nullParameters: boolean } {
  const algorithm = key.algorithm as { name: string; namedCurve?: string };
  const found =
    SIGNATURES[
      algorithm.name === 'ECDSA' ? algorithm.namedCurve! : algorithm.name === 'RSASSA-PKCS1-v1_5' ? 'RSA' : ''
    ];
  if (!found) throw rejected('unsupported-key', `${algorithm.name} keys cannot sign a CRL here.`);
  return found;
}

function checkCrlSigner(issuer: x509.X509Certificate): void {
  const usage = issuer.getExtension(x509.KeyUsagesExtension);
  if (usage && (usage.usages & x509.KeyUsageFlags.cRLSign) === 0) {
    throw rejected('policy', `"${issuer.subject}" may not sign CRLs (its key usage lacks cRLSign).`);
  }
}

function toEntry(entry: RevokedEntry): asn.RevokedCertificate {
  const serialNumber = normaliseSerial(entry.serialNumber);
  if (!serialNumber) throw rejected('invalid-option', `"${entry.serialNumber}" is not a serial number.`);
  // The same RFC 5280 codes the direct encoding writes (crl-der.ts).
  const reason = REASON_CODES[entry.reason] as asn.CRLReasons | undefined;
  const extensions = [
    ...(reason === undefined
      ? []
      : [
          new asn.Extension({
            extnID: asn.id_ce_cRLReasons,
            critical: false,
            extnValue: new OctetString(AsnConvert.serialize(new asn.CRLReason(reason))),
          }),
        ]),
    // Non-critical (RFC 5280 §5.3.2), a GeneralizedTime.
    ...(entry.invalidityDate
      ? [
          new asn.Extension({
            extnID: asn.id_ce_invalidityDate,
            critical: false,
            extnValue: new OctetString(
              AsnConvert.serialize(new asn.InvalidityDate(wholeSeconds(entry.invalidityDate))),
            ),
          }),
        ]
      : []),
  ];
  return new asn.RevokedCertificate({
    // The entry must match the certificate's serial byte for byte, sign byte included.
    userCertificate: toArrayBuffer(Buffer.from(serialIntegerHex(serialNumber), 'hex')),
    revocationDate: new asn.Time(wholeSeconds(entry.revokedAt)),
    ...(extensions.length > 0 ? { crlEntryExtensions: extensions } : {}),
  });
}
