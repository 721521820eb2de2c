/**
 * Signing a CSR that a server admin made. The request is parsed, its own
 * signature verified and its key checked; then a plan is drawn up from the
 * profile — never by copying the request's extensions — and compared with
 * what was asked for, so the officer sees every difference before signing.
 * Requested SANs are kept by default (losing them is the commonest complaint
 * about other tools), subject to the profile and the issuer's constraints.
 */
import type { ComparisonRow, CsrReport, Refusal, SigningPlan } from '../../shared/domain/csr';
import { VALIDITY_DAYS, type LeafProfile, type SubjectAltName } from '../../shared/domain/pki';
import { RootkeeperError, rejected } from '../../shared/errors';
import { formatDistinguishedName, type DistinguishedName } from '../../shared/validators/distinguished-name';
import { SAN_TYPES_BY_PROFILE, formatSan } from '../../shared/validators/subject-alt-name';
import { toArrayBuffer } from './bytes';
import { describeExtension, extensionName } from './describe';
import type { KeyDescription } from './keys';
import type { IssuedCertificate, Issuer } from './profiles/common';
import { checkAgainstConstraints, createLeafCertificate, leafSubjectAltNames } from './profiles/leaf';
import { checkDays, validityWindow } from './validity';
import { x509 } from './x509';

// The lean reader is the one every caller uses; the reference stays beside it for the differential test.
export { parseCsr } from './lean-csr';
export { parseCsrReference } from './csr-reference';

export interface ParsedCsr {
  /** The request's SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  /** The extensions the request asks for (its extensionRequest attribute), typed where x509 knows them. */
  readonly extensions: readonly x509.Extension[];
  readonly key: KeyDescription;
  readonly subject: DistinguishedName;
  /** Subject attributes Rootkeeper does not issue (emailAddress…), as text. */
  readonly droppedSubject: readonly string[];
  readonly report: CsrReport;
}

export interface CsrSigningOptions {
  readonly profile: LeafProfile;
  readonly issuer: Issuer;
  readonly days?: number;
  /** The officer's edited SAN list; the request's own when absent. */
  readonly sans?: readonly SubjectAltName[];
  /** Refuse, rather than drop with a warning, any requested extension the profile would not honour. */
  readonly strict?: boolean;
  readonly now?: Date;
  /** Chosen by the store, which knows the serials already used. */
  readonly serialNumber?: string;
}

/** The handled extensions: what the profile sets itself. Anything else requested is dropped with a warning. */
const PROFILE_EXTENSIONS = new Set(['2.5.29.17', '2.5.29.19', '2.5.29.15', '2.5.29.37', '2.5.29.14']);

const PROFILE_USAGE: Readonly<Record<LeafProfile, string>> = { server: 'serverAuth', client: 'clientAuth' };

/** What would be issued for this request, compared with what it asks for; refusals rather than exceptions for policy. */
export function planCsrSigning(parsed: ParsedCsr, options: CsrSigningOptions): SigningPlan {
  const now = options.now ?? new Date();
  const days = options.days ?? VALIDITY_DAYS.leaf.default;
  checkDays(days, VALIDITY_DAYS.leaf.max, `a ${options.profile} certificate (Apple rejects more than 825 days)`);
  const warnings: string[] = [];
  const refusals: Refusal[] = [];
  const dropped = (message: string) =>
    options.strict ? refusals.push({ reason: 'policy', message }) : warnings.push(message);

  const wanted = options.sans ?? keepProfileSans(parsed, options.profile, dropped);
  const sans = collect(refusals, () => leafSubjectAltNames(options.profile, parsed.subject, wanted)) ?? [];
  if (sans.length > 0) collect(refusals, () => checkAgainstConstraints(options.issuer, sans));
  for (const attribute of parsed.droppedSubject)
    dropped(`The subject attribute ${attribute} is not issued and was left out.`);
  const extensionRows = compareExtensions(parsed, options.profile, dropped);

  const window = validityWindow(days, now, options.issuer.certificate.notAfter);
  if (window.capped)
    warnings.push(`The validity was shortened to end with the issuing CA's, on ${window.notAfter.toISOString()}.`);
  return {
    profile: options.profile,
    subject: formatDistinguishedName(parsed.subject),
    sans,
    days,
    notBefore: window.notBefore.toISOString(),
    notAfter: window.notAfter.toISOString(),
    comparison: [
      row('Subject', parsed.report.subject, formatDistinguishedName(parsed.subject)),
      row('Public key', parsed.key.label, parsed.key.label),
      ...compareSans(parsed.report.requestedSans, sans),
      ...extensionRows,
      row(
        'Validity',
        '(not part of a request)',
        `${days} days, ${window.notBefore.toISOString()} to ${window.notAfter.toISOString()}`,
      ),
    ],
    warnings,
    refusals,
  };
}

/** Signs the request as planned, or refuses with the plan's first refusal; nothing is signed then. */
export async function signCsr(
  parsed: ParsedCsr,
  options: CsrSigningOptions,
): Promise<IssuedCertificate & { plan: SigningPlan }> {
  const plan = planCsrSigning(parsed, options);
  const [refusal] = plan.refusals;
  if (refusal) throw rejected(refusal.reason, refusal.message);
  const issued = await createLeafCertificate({
    profile: options.profile,
    subject: parsed.subject,
    sans: plan.sans,
    publicKey: new x509.PublicKey(toArrayBuffer(parsed.spki)),
    issuer: options.issuer,
    days: plan.days,
    now: options.now,
    serialNumber: options.serialNumber,
  });
  return { ...issued, warnings: plan.warnings, plan };
}

function keepProfileSans(
  parsed: ParsedCsr,
  profile: LeafProfile,
  dropped: (message: string) => void,
): SubjectAltName[] {
  const allowed = SAN_TYPES_BY_PROFILE[profile];
  for (const text of parsed.report.unsupportedSans)
    dropped(`The name ${text} is of a kind Rootkeeper does not issue and was left out.`);
  return parsed.report.requestedSans.filter((san) => {
    if (allowed.includes(san.type)) return true;
    dropped(
      `The name ${formatSan(san)} was left out: a ${profile} certificate carries ${allowed.join(', ')} names only.`,
    );
    return false;
  });
}

/** Runs a check, turning a rejection into a refusal entry. */
function collect<T>(refusals: Refusal[], check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof RootkeeperError) || error.code !== 'REJECTED_INPUT') throw error;
    refusals.push({ reason: error.reason ?? 'policy', message: error.message });
    return undefined;
  }
}

function compareSans(requested: readonly SubjectAltName[], issued: readonly SubjectAltName[]): ComparisonRow[] {
  const key = (san: SubjectAltName) => formatSan(san).toLowerCase();
  const issuedKeys = new Set(issued.map(key));
  const requestedKeys = new Set(requested.map(key));
  return [
    ...requested.map((san) =>
      row('Subject alternative name', formatSan(san), issuedKeys.has(key(san)) ? formatSan(san) : ''),
    ),
    ...issued
      .filter((san) => !requestedKeys.has(key(san)))
      .map((san) => row('Subject alternative name', '', formatSan(san))),
  ];
}

function compareExtensions(
  parsed: ParsedCsr,
  profile: LeafProfile,
  dropped: (message: string) => void,
): ComparisonRow[] {
  const constraints = findExtension(parsed, x509.BasicConstraintsExtension);
  if (constraints?.ca) dropped('The request asks to be a CA (CA:TRUE); the certificate will be CA:FALSE.');
  const usage = findExtension(parsed, x509.KeyUsagesExtension);
  const issuedUsage = parsed.key.family === 'rsa' ? 'digitalSignature, keyEncipherment' : 'digitalSignature';
  if (usage && (usage.usages & (x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign)) !== 0) {
    dropped('The request asks for keyCertSign or cRLSign; those are for CAs and were left out.');
  }
  const eku = findExtension(parsed, x509.ExtendedKeyUsageExtension);
  const extra = eku
    ? describeExtension(eku)
        .split(', ')
        .filter((name) => name !== PROFILE_USAGE[profile])
    : [];
  if (extra.length)
    dropped(
      `The extended key usage ${extra.join(', ')} was left out: a ${profile} certificate carries ${PROFILE_USAGE[profile]} only.`,
    );
  for (const extension of parsed.extensions) {
    if (!PROFILE_EXTENSIONS.has(extension.type))
      dropped(`The requested extension ${extensionName(extension.type)} is not copied.`);
  }
  return [
    row('Basic constraints', constraints ? describeExtension(constraints) : '', 'CA:FALSE'),
    row('Key usage', usage ? describeExtension(usage) : '', issuedUsage),
    row('Extended key usage', eku ? describeExtension(eku) : '', PROFILE_USAGE[profile]),
  ];
}

/** The request's extension of a given class; x509 already types the ones it knows. */
function findExtension<T extends x509.Extension>(
  parsed: ParsedCsr,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  return parsed.extensions.find((extension): extension is T => extension instanceof type);
}

function row(field: string, requested: string, issued: string): ComparisonRow {
  const change = requested === issued ? 'same' : requested === '' ? 'added' : issued === '' ? 'removed' : 'changed';
  return { field, requested, issued, change };
}
