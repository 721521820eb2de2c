/**
 * ASN.1 schemas the @peculiar/asn1-* packages lack: RFC 8018 PBES2 and PBKDF2
 * parameters, RFC 7292 pkcs-12PbeParams, RFC 5652 EncryptedData (asn1-cms has
 * only its EncryptedContentInfo) and a bare OBJECT IDENTIFIER attribute value.
 *
 * Fields are declared with ../asn-fields (why: see there).
 */
import { CMSVersion, EncryptedContentInfo, UnprotectedAttributes } from '@peculiar/asn1-cms';
import { AsnIntegerBigIntConverter, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { fields, type PropOptions } from '../asn-fields';

export const id_PBES2 = '1.2.840.113549.1.5.13';
export const id_PBKDF2 = '1.2.840.113549.1.5.12';
export const id_hmacWithSHA1 = '1.2.840.113549.2.7';
export const id_hmacWithSHA256 = '1.2.840.113549.2.9';
export const id_hmacWithSHA384 = '1.2.840.113549.2.10';
export const id_hmacWithSHA512 = '1.2.840.113549.2.11';
export const id_aes128_CBC = '2.16.840.1.101.3.4.1.2';
export const id_aes192_CBC = '2.16.840.1.101.3.4.1.22';
export const id_aes256_CBC = '2.16.840.1.101.3.4.1.42';
/** Oracle's "trusted key usage" bag attribute: Java loads a certificate-only bag as a trusted entry only with it. */
export const id_oracle_trustedKeyUsage = '2.16.840.1.113894.746875.1.1';

/** INTEGERs that carry counts are read as bigint: asn1-schema's default gives a string past 3 bytes. */
const count: PropOptions = { type: AsnPropTypes.Integer, converter: AsnIntegerBigIntConverter };

/** RFC 8018 A.4: PBES2-params. */
export class PBES2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();

  constructor(params: Partial<PBES2Params> = {}) {
    Object.assign(this, params);
  }
}
fields(PBES2Params, {
  keyDerivationFunc: { type: AlgorithmIdentifier },
  encryptionScheme: { type: AlgorithmIdentifier },
});

/**
 * RFC 8018 A.2: PBKDF2-params, with the salt as `specified OCTET STRING` (the
 * otherSource alternative is unused in practice). `prf` is DEFAULT
 * hmacWithSHA1: absent on read means SHA-1; Rootkeeper always writes it.
 */
export class PBKDF2Params {
  salt = new OctetString();
  iterationCount = 0n;
  keyLength?: bigint;
  prf?: AlgorithmIdentifier;

  constructor(params: Partial<PBKDF2Params> = {}) {
    Object.assign(this, params);
  }
}
fields(PBKDF2Params, {
  salt: { type: OctetString },
  iterationCount: count,
  keyLength: { ...count, optional: true },
  prf: { type: AlgorithmIdentifier, optional: true },
});

/** RFC 7292 Appendix C: pkcs-12PbeParams. */
export class Pkcs12PbeParams {
  salt = new OctetString();
  iterations = 0n;

  constructor(params: Partial<Pkcs12PbeParams> = {}) {
    Object.assign(this, params);
  }
}
fields(Pkcs12PbeParams, {
  salt: { type: OctetString },
  iterations: count,
});

/** RFC 5652 §8: EncryptedData, the content of a PKCS#12 encrypted SafeContents. */
export class CmsEncryptedData {
  version = CMSVersion.v0;
  encryptedContentInfo = new EncryptedContentInfo();
  unprotectedAttrs?: UnprotectedAttributes;

  constructor(params: Partial<CmsEncryptedData> = {}) {
    Object.assign(this, params);
  }
}
fields(CmsEncryptedData, {
  version: { type: AsnPropTypes.Integer },
  encryptedContentInfo: { type: EncryptedContentInfo },
  unprotectedAttrs: { type: UnprotectedAttributes, context: 1, implicit: true, optional: true },
});

/** A bare OBJECT IDENTIFIER, for attribute values such as Java's trusted key usage. */
export class ObjectIdentifierValue {
  value: string;

  constructor(value = '') {
    this.value = value;
  }
}
fields(ObjectIdentifierValue, { value: { type: AsnPropTypes.ObjectIdentifier } });
AsnType({ type: AsnTypeTypes.Choice })(ObjectIdentifierValue);
