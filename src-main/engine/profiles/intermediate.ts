/**
 * The intermediate CA that does the day-to-day issuing: signed by the root;
 * basicConstraints critical CA:TRUE pathLen 0 (it cannot create further CAs);
 * keyUsage critical keyCertSign + cRLSign; SKI, and an AKI equal to the
 * root's SKI; an EKU naming what it may issue, because browsers apply an
 * intermediate's EKU to the whole chain; optional critical name constraints
 * and a CRL distribution point for the root's CRL.
 */
import { VALIDITY_DAYS, type CaPurpose, type NameConstraintsSpec } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import { commonNameOf, type DistinguishedName } from '../../../shared/validators/distinguished-name';
import { checkNameConstraints, isEmptyConstraints } from '../../../shared/validators/name-constraints';
import { checkHttpUrl, type HttpUrlRole } from '../../../shared/validators/http-url';
import { NameConstraintsExtension } from '../extensions/name-constraints';
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

export interface IntermediateOptions {
  readonly subject: DistinguishedName;
  readonly publicKey: SubjectKey;
  /** The root (or, for a longer path, the CA above). */
  readonly issuer: Issuer;
  readonly purpose?: CaPurpose;
  readonly days?: number;
  readonly nameConstraints?: NameConstraintsSpec;
  /** Where relying parties fetch the root's CRL, which covers this intermediate. */
  readonly crlDistributionUrl?: string;
  readonly now?: Date;
  readonly serialNumber?: string;
}

export const PURPOSE_USAGES: Readonly<Record<CaPurpose, readonly x509.ExtendedKeyUsage[]>> = {
  server: [x509.ExtendedKeyUsage.serverAuth],
  client: [x509.ExtendedKeyUsage.clientAuth],
  both: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
};

export async function createIntermediateCertificate(options: IntermediateOptions): Promise<IssuedCertificate> {
  const now = options.now ?? new Date();
  const days = options.days ?? VALIDITY_DAYS.intermediate.default;
  checkDays(days, VALIDITY_DAYS.intermediate.max, 'an intermediate CA');
  if (!commonNameOf(options.subject)) throw rejected('invalid-name', 'An intermediate CA needs a common name (CN=…).');
  checkIssuer(options.issuer.certificate, now);
  checkPathLength(options.issuer.certificate);
  await checkSubjectKey(options.publicKey);
  const warnings: string[] = [];

  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    new x509.ExtendedKeyUsageExtension([...PURPOSE_USAGES[options.purpose ?? 'server']], false),
  ];
  const constraints = options.nameConstraints;
  if (constraints && !isEmptyConstraints(constraints)) {
    extensions.push(nameConstraintsExtension(constraints, warnings));
  }
  if (options.crlDistributionUrl !== undefined) {
    extensions.push(new x509.CRLDistributionPointsExtension([checkCrlUrl(options.crlDistributionUrl)]));
  }

  const publicKey = await publicKeyOf(options.publicKey);
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey as never));
  extensions.push(await authorityKeyIdentifier(options.issuer.certificate));

  const window = validityWindow(days, now, options.issuer.certificate.notAfter);
  if (window.capped) warnings.push(capWarning(options.issuer.certificate));
  return sign({
    subject: toX509Name(options.subject),
    issuerName: options.issuer.certificate.subjectName,
    publicKey,
    signingKey: options.issuer.signingKey,
    provider: options.issuer.provider,
    window,
    serialNumber: options.serialNumber,
    extensions,
    warnings,
  });
}

/** The issuer's pathLen must leave room for one more CA below it. */
function checkPathLength(issuer: x509.X509Certificate): void {
  const pathLength = issuer.getExtension(x509.BasicConstraintsExtension)?.pathLength;
  if (pathLength === 0) {
    throw rejected('policy', `"${issuer.subject}" has path length 0: it cannot sign another CA certificate.`);
  }
}

function nameConstraintsExtension(spec: NameConstraintsSpec, warnings: string[]): NameConstraintsExtension {
  const problems = checkNameConstraints(spec);
  if (problems.length > 0) {
    const [first] = problems;
    throw rejected('invalid-name', `The name constraint "${first!.entry}" is invalid: ${first!.problem}.`);
  }
  const restrictsNames = (spec.permittedDns?.length ?? 0) + (spec.permittedEmail?.length ?? 0) > 0;
  const restrictsIps = (spec.permittedIp?.length ?? 0) + (spec.excludedIp?.length ?? 0) > 0;
  if (restrictsNames && !restrictsIps) {
    warnings.push(
      'The name constraints restrict DNS names but not IP addresses, so this CA can still issue for any IP address. ' +
        'Add permitted IP ranges (or exclude 0.0.0.0/0 and ::/0) to close that.',
    );
  }
  return new NameConstraintsExtension(spec);
}

/** A CRL URL must be plain http: clients fetch CRLs without TLS to avoid a circular dependency. */
export function checkCrlUrl(url: string): string {
  return checkedUrl(url, 'CRL URL', 'crl');
}

/** The same for where a CA certificate is published (AIA caIssuers), for the same reason. */
export function checkAiaUrl(url: string): string {
  return checkedUrl(url, 'certificate URL', 'certificate');
}

/** The rule the GUI checks as the officer types (shared/validators/http-url.ts), refused here with its sentence. */
function checkedUrl(url: string, what: string, role: HttpUrlRole): string {
  const checked = checkHttpUrl(url, role);
  if ('problem' in checked)
    throw rejected(
      'invalid-option',
      `The ${what} "${url}" must be a plain http:// URL with a host: ${checked.problem}.`,
    );
  return checked.url;
}

export function capWarning(issuer: x509.X509Certificate): string {
  return `The validity was shortened to end with the issuing CA's, on ${issuer.notAfter.toISOString()}.`;
}
