/**
 * Server and client certificates. Both: basicConstraints critical CA:FALSE;
 * keyUsage critical digitalSignature (+ keyEncipherment for RSA keys, for
 * TLS 1.2's RSA key exchange; never for EC keys, BR 7.1.2.7.11); SKI and
 * AKI; at most 825 days (Apple refuses longer for any CA); never past the
 * issuer. Server certificates name every host in the SAN (browsers ignore
 * the CN) and carry EKU serverAuth; client certificates carry clientAuth.
 */
import { VALIDITY_DAYS, type LeafProfile, type SubjectAltName } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import { checkDnsName } from '../../../shared/validators/dns-name';
import { commonNameOf, type DistinguishedName } from '../../../shared/validators/distinguished-name';
import { parseIpAddress } from '../../../shared/validators/ip-address';
import {
  SAN_TYPES_BY_PROFILE,
  checkSubjectAltName,
  findDuplicate,
  formatSan,
} from '../../../shared/validators/subject-alt-name';
import {
  NameConstraintsExtension,
  id_ce_nameConstraints,
  type ParsedNameConstraints,
} from '../extensions/name-constraints';
import { findConstraintViolations } from '../name-constraints';
import { toX509Name } from '../names';
import { checkDays, validityWindow } from '../validity';
import { x509 } from '../x509';
import {
  authorityKeyIdentifier,
  checkIssuer,
  checkSubjectKey,
  publicKeyOf,
  sign,
  type IssuedCertificate,
  type Issuer,
  type SubjectKey,
} from './common';
import { capWarning, checkAiaUrl, checkCrlUrl } from './intermediate';

export interface LeafOptions {
  readonly profile: LeafProfile;
  readonly subject: DistinguishedName;
  readonly sans: readonly SubjectAltName[];
  readonly publicKey: SubjectKey;
  readonly issuer: Issuer;
  readonly days?: number;
  /** Where relying parties fetch the issuer's CRL. */
  readonly crlDistributionUrl?: string;
  /** Where relying parties fetch the issuer's certificate (AIA caIssuers). */
  readonly authorityInfoAccessUrl?: string;
  readonly now?: Date;
  readonly serialNumber?: string;
}

const PROFILE_EKU: Readonly<Record<LeafProfile, x509.ExtendedKeyUsage>> = {
  server: x509.ExtendedKeyUsage.serverAuth,
  client: x509.ExtendedKeyUsage.clientAuth,
};

/** The SAN list a certificate will carry: validated, normalised, with the CN's host name added for servers. */
export function leafSubjectAltNames(
  profile: LeafProfile,
  subject: DistinguishedName,
  requested: readonly SubjectAltName[],
): SubjectAltName[] {
  const sans: SubjectAltName[] = [];
  for (const san of requested) {
    const checked = checkSubjectAltName(san);
    if ('problem' in checked)
      throw rejected('invalid-name', `The name ${formatSan(san)} is invalid: ${checked.problem}.`);
    if (!SAN_TYPES_BY_PROFILE[profile].includes(checked.type)) {
      throw rejected(
        'policy',
        `A ${profile} certificate cannot carry ${checked.type} names (${formatSan(checked)}); it takes ${SAN_TYPES_BY_PROFILE[profile].join(', ')} names.`,
      );
    }
    sans.push(checked);
  }
  const duplicate = findDuplicate(sans);
  if (duplicate) throw rejected('duplicate-name', `The name ${formatSan(duplicate)} is listed twice.`);
  if (profile === 'server') addCommonNameHost(subject, sans);
  if (profile === 'server' && !sans.some((san) => san.type === 'dns' || san.type === 'ip')) {
    throw rejected('invalid-name', 'A server certificate needs at least one DNS name or IP address.');
  }
  if (sans.length === 0 && !commonNameOf(subject)) {
    throw rejected('invalid-name', 'A certificate needs a common name or at least one subject alternative name.');
  }
  return sans;
}

/** Browsers read only the SAN, so a CN that names a host is copied into it. */
function addCommonNameHost(subject: DistinguishedName, sans: SubjectAltName[]): void {
  const cn = commonNameOf(subject);
  if (!cn) return;
  const ip = parseIpAddress(cn);
  const host = ip ? null : checkDnsName(cn, { allowWildcard: true });
  const san = ip
    ? checkSubjectAltName({ type: 'ip', value: cn })
    : host && 'name' in host
      ? { type: 'dns' as const, value: host.name }
      : null;
  if (!san || 'problem' in san) return;
  if (!sans.some((existing) => existing.type === san.type && existing.value === san.value)) sans.unshift(san);
}

/** Refuses before signing any name that the issuer's (or its ancestors') name constraints do not allow. */
export function checkAgainstConstraints(issuer: Issuer, sans: readonly SubjectAltName[]): void {
  for (const ca of [issuer.certificate, ...(issuer.ancestors ?? [])]) {
    const constraints = constraintsOf(ca);
    if (!constraints) continue;
    const [violation] = findConstraintViolations(sans, constraints);
    if (violation) {
      const why = violation.why === 'excluded' ? 'is excluded by' : 'is outside';
      throw rejected(
        'name-not-permitted',
        `The name ${formatSan(violation.name)} ${why} the name constraints of "${ca.subject}"; nothing was signed.`,
      );
    }
  }
}

const parsedConstraints = new WeakMap<x509.X509Certificate, ParsedNameConstraints | null>();

/** A CA's name constraints, parsed once per certificate object. */
function constraintsOf(ca: x509.X509Certificate): ParsedNameConstraints | null {
  if (!parsedConstraints.has(ca)) {
    const extension = ca.getExtension(id_ce_nameConstraints);
    parsedConstraints.set(ca, extension ? NameConstraintsExtension.parse(extension) : null);
  }
  return parsedConstraints.get(ca)!;
}

/** An intermediate whose EKU lacks the purpose would make browsers reject the chain. */
function checkIssuerPurpose(profile: LeafProfile, issuer: x509.X509Certificate): void {
  const eku = issuer.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku && !eku.usages.includes(PROFILE_EKU[profile])) {
    throw rejected(
      'policy',
      `"${issuer.subject}" may not issue ${profile} certificates: its extended key usage does not include ${profile}Auth.`,
    );
  }
}

export async function createLeafCertificate(options: LeafOptions): Promise<IssuedCertificate> {
  const now = options.now ?? new Date();
  const days = options.days ?? VALIDITY_DAYS.leaf.default;
  checkDays(days, VALIDITY_DAYS.leaf.max, `a ${options.profile} certificate (Apple rejects more than 825 days)`);
  checkIssuer(options.issuer.certificate, now);
  checkIssuerPurpose(options.profile, options.issuer.certificate);
  const key = await checkSubjectKey(options.publicKey);
  const sans = leafSubjectAltNames(options.profile, options.subject, options.sans);
  checkAgainstConstraints(options.issuer, sans);

  const publicKey = await publicKeyOf(options.publicKey);
  const usages = x509.KeyUsageFlags.digitalSignature | (key.family === 'rsa' ? x509.KeyUsageFlags.keyEncipherment : 0);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usages, true),
    new x509.ExtendedKeyUsageExtension([PROFILE_EKU[options.profile]], false),
  ];
  if (sans.length > 0) {
    // RFC 5280: critical only when the subject is empty.
    extensions.push(new x509.SubjectAlternativeNameExtension(sans.map(toGeneralName), options.subject.length === 0));
  }
  if (options.crlDistributionUrl !== undefined) {
    extensions.push(new x509.CRLDistributionPointsExtension([checkCrlUrl(options.crlDistributionUrl)]));
  }
  if (options.authorityInfoAccessUrl !== undefined) {
    extensions.push(new x509.AuthorityInfoAccessExtension({ caIssuers: checkAiaUrl(options.authorityInfoAccessUrl) }));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey as never));
  extensions.push(await authorityKeyIdentifier(options.issuer.certificate));

  const window = validityWindow(days, now, options.issuer.certificate.notAfter);
  return sign({
    subject: toX509Name(options.subject),
    issuerName: options.issuer.certificate.subjectName,
    publicKey,
    signingKey: options.issuer.signingKey,
    provider: options.issuer.provider,
    window,
    serialNumber: options.serialNumber,
    extensions,
    warnings: window.capped ? [capWarning(options.issuer.certificate)] : [],
  });
}

function toGeneralName(san: SubjectAltName): x509.JsonGeneralName {
  return { type: san.type, value: san.value };
}
