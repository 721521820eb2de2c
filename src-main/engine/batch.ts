/**
 * Issuing many leaves from one issuer: everything the issuer contributes —
 * its name, its key identifier, the profile's fixed extensions, the validity
 * window, the signing key as a Node KeyObject — is encoded once per batch by
 * @peculiar/asn1-x509's schema classes; each certificate then costs only its
 * own fields and one signature. signLeaf splices each certificate from those
 * encoded parts (tbs-splice.ts); signLeafReference builds it through the
 * schema classes and is the reference the splice is proven byte-identical to
 * (test/unit/engine/tbs-splice.property.test.ts). Either way the result has
 * exactly the extensions createLeafCertificate writes, in the same order
 * (test/unit/engine/batch.test.ts compares them). An issuer whose key stays
 * on a PKCS#11 token signs each spliced certificate there (signLeafOnToken).
 */
import { KeyObject, createHash, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import type { LeafProfile, SubjectAltName } from '../../shared/domain/pki';
import type { DistinguishedName } from '../../shared/validators/distinguished-name';
import { toArrayBuffer } from './bytes';
import { checkAiaUrl, checkCrlUrl } from './profiles/intermediate';
import type { Issuer } from './profiles/common';
import { checkIssuer, signTbs } from './profiles/common';
import { toX509Name } from './names';
import { serialIntegerHex } from './serial';
import { splicedCertificate, splicedParts, splicedTbs, type SplicedParts } from './tbs-splice';
import type { ValidityWindow } from './validity';
import { x509 } from './x509';

const SIGNATURES: Readonly<Record<string, { oid: string; hash: string; nullParameters: boolean }>> = {
  'P-256': { oid: '1.2.840.10045.4.3.2', hash: 'sha256', nullParameters: false },
  'P-384': { oid: '1.2.840.10045.4.3.3', hash: 'sha384', nullParameters: false },
  RSA: { oid: '1.2.840.113549.1.1.11', hash: 'sha256', nullParameters: true },
};

const PROFILE_EKU: Readonly<Record<LeafProfile, string>> = {
  server: '1.3.6.1.5.5.7.3.1',
  client: '1.3.6.1.5.5.7.3.2',
};

export interface LeafTemplate {
  readonly issuerName: asn.Name;
  readonly signatureAlgorithm: asn.AlgorithmIdentifier;
  readonly hash: string;
  /** Null when the key stays on a PKCS#11 token: then each certificate is signed there (`signLeafOnToken`). */
  readonly key: KeyObject | null;
  readonly issuer: Issuer;
  readonly validity: asn.Validity;
  readonly window: ValidityWindow;
  /** basicConstraints, keyUsage by key family, EKU, CRL DP, AKI: encoded once. */
  readonly basicConstraints: asn.Extension;
  readonly keyUsage: { readonly ec: asn.Extension; readonly rsa: asn.Extension };
  readonly extendedKeyUsage: asn.Extension;
  readonly crlDistribution: asn.Extension | null;
  readonly authorityInfoAccess: asn.Extension | null;
  readonly authorityKeyIdentifier: asn.Extension;
  /** All of the above as DER, for splicing. */
  readonly spliced: SplicedParts;
}

export interface LeafInput {
  readonly subject: DistinguishedName;
  /** The subject's SubjectPublicKeyInfo, DER (from the CSR). */
  readonly spki: Uint8Array;
  readonly keyFamily: 'ec' | 'rsa';
  /** Already validated and checked against name constraints (planCsrSigning). */
  readonly sans: readonly SubjectAltName[];
  readonly serialNumber: string;
}

function extension(extnID: string, critical: boolean, value: object | ArrayBuffer): asn.Extension {
  const bytes = value instanceof ArrayBuffer ? value : AsnConvert.serialize(value);
  return new asn.Extension({ extnID, critical, extnValue: new OctetString(bytes) });
}

/** Everything the issuer contributes to a batch, encoded once. */
export function leafTemplate(
  issuer: Issuer,
  profile: LeafProfile,
  window: ValidityWindow,
  links: { readonly crlDistributionUrl?: string; readonly authorityInfoAccessUrl?: string } = {},
): LeafTemplate {
  const { crlDistributionUrl, authorityInfoAccessUrl } = links;
  checkIssuer(issuer.certificate, new Date());
  const algorithm = issuer.signingKey.algorithm as { name: string; namedCurve?: string };
  const signature = SIGNATURES[algorithm.name === 'ECDSA' ? algorithm.namedCurve! : 'RSA'];
  if (!signature) throw new TypeError(`cannot batch-sign with ${algorithm.name}`);
  const issuerCertificate = AsnConvert.parse(issuer.certificate.rawData, asn.Certificate);
  const ski = issuer.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const keyIdentifier = ski
    ? Buffer.from(ski.keyId, 'hex')
    : createHash('sha1')
        .update(Buffer.from(issuerCertificate.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey))
        .digest();
  const objects = {
    issuerName: issuerCertificate.tbsCertificate.subject,
    signatureAlgorithm: new asn.AlgorithmIdentifier({
      algorithm: signature.oid,
      ...(signature.nullParameters ? { parameters: null } : {}),
    }),
    hash: signature.hash,
    key: issuer.provider ? null : KeyObject.from(issuer.signingKey as never),
    issuer,
    validity: new asn.Validity({ notBefore: window.notBefore, notAfter: window.notAfter }),
    window,
    basicConstraints: extension('2.5.29.19', true, new asn.BasicConstraints({ cA: false })),
    keyUsage: {
      ec: extension('2.5.29.15', true, new asn.KeyUsage(asn.KeyUsageFlags.digitalSignature)),
      rsa: extension(
        '2.5.29.15',
        true,
        new asn.KeyUsage(asn.KeyUsageFlags.digitalSignature | asn.KeyUsageFlags.keyEncipherment),
      ),
    },
    extendedKeyUsage: extension('2.5.29.37', false, new asn.ExtendedKeyUsage([PROFILE_EKU[profile]])),
    crlDistribution:
      crlDistributionUrl === undefined
        ? null
        : extension(
            '2.5.29.31',
            false,
            new x509.CRLDistributionPointsExtension([checkCrlUrl(crlDistributionUrl)]).value,
          ),
    authorityInfoAccess:
      authorityInfoAccessUrl === undefined
        ? null
        : extension(
            '1.3.6.1.5.5.7.1.1',
            false,
            new x509.AuthorityInfoAccessExtension({ caIssuers: checkAiaUrl(authorityInfoAccessUrl) }).value,
          ),
    authorityKeyIdentifier: extension(
      '2.5.29.35',
      false,
      new asn.AuthorityKeyIdentifier({ keyIdentifier: new asn.KeyIdentifier(toArrayBuffer(keyIdentifier)) }),
    ),
  };
  return { ...objects, spliced: splicedParts(objects) };
}

/** One certificate of the batch, DER, spliced from the template's encoded parts. */
export function signLeaf(template: LeafTemplate, input: LeafInput): Uint8Array {
  const key = keyOf(template);
  const tbs = splicedTbs(template.spliced, input);
  if (!tbs) return signLeafReference(template, input);
  return splicedCertificate(template.spliced, tbs, sign(template.hash, tbs, key));
}

/** One certificate of the batch signed through the issuer's provider (a token's C_Sign): one call per certificate. */
export async function signLeafOnToken(template: LeafTemplate, input: LeafInput): Promise<Uint8Array> {
  const tbs = splicedTbs(template.spliced, input) ?? Buffer.from(AsnConvert.serialize(referenceTbs(template, input)));
  return new Uint8Array(splicedCertificate(template.spliced, tbs, await signTbs(template.issuer, template.hash, tbs)));
}

function keyOf(template: LeafTemplate): KeyObject {
  if (!template.key) throw new TypeError('this issuer signs on its token: use signLeafOnToken');
  return template.key;
}

/** The TBSCertificate as the schema classes build it: the reference for the splice. */
export function referenceTbs(template: LeafTemplate, input: LeafInput): asn.TBSCertificate {
  const spki = AsnConvert.parse(input.spki, asn.SubjectPublicKeyInfo);
  const subjectKeyIdentifier = createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
  const extensions = [template.basicConstraints, template.keyUsage[input.keyFamily], template.extendedKeyUsage];
  if (input.sans.length > 0) {
    const names = new x509.SubjectAlternativeNameExtension(
      input.sans.map((san) => ({ type: san.type, value: san.value })),
      input.subject.length === 0,
    );
    extensions.push(extension('2.5.29.17', names.critical, names.value));
  }
  if (template.crlDistribution) extensions.push(template.crlDistribution);
  if (template.authorityInfoAccess) extensions.push(template.authorityInfoAccess);
  extensions.push(extension('2.5.29.14', false, new asn.SubjectKeyIdentifier(toArrayBuffer(subjectKeyIdentifier))));
  extensions.push(template.authorityKeyIdentifier);
  return new asn.TBSCertificate({
    version: asn.Version.v3,
    serialNumber: toArrayBuffer(Buffer.from(serialIntegerHex(input.serialNumber), 'hex')),
    signature: template.signatureAlgorithm,
    issuer: template.issuerName,
    validity: template.validity,
    subject: AsnConvert.parse(toX509Name(input.subject).toArrayBuffer(), asn.Name),
    subjectPublicKeyInfo: spki,
    extensions: new asn.Extensions(extensions),
  });
}

/**
 * One certificate built and encoded through the schema classes (the path
 * before issue 17). `signer` lets the differential test reuse one ECDSA
 * signature for both paths; ECDSA signatures are not deterministic.
 */
export function signLeafReference(
  template: LeafTemplate,
  input: LeafInput,
  signer: (tbs: Buffer) => Uint8Array = (tbs) => sign(template.hash, tbs, keyOf(template)),
): Uint8Array {
  const tbs = referenceTbs(template, input);
  const signature = signer(Buffer.from(AsnConvert.serialize(tbs)));
  const certificate = new asn.Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: template.signatureAlgorithm,
    signatureValue: toArrayBuffer(signature),
  });
  return new Uint8Array(AsnConvert.serialize(certificate));
}
