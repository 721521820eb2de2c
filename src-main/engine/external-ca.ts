/**
 * An online CA's request for an intermediate (step-ca, Vault, cfssl), signed
 * by the offline root. The request gives only the name and the key: the
 * certificate is built from the intermediate profile (pathLen 0, the
 * officer's name constraints and purpose), never from the request's
 * extensions. These checks run before the root is unlocked, and again
 * when it signs.
 */
import { VALIDITY_DAYS, type NameConstraintsSpec } from '../../shared/domain/pki';
import { rejected } from '../../shared/errors';
import { commonNameOf, type DistinguishedName } from '../../shared/validators/distinguished-name';
import { checkNameConstraints, isEmptyConstraints } from '../../shared/validators/name-constraints';
import type { ParsedCsr } from './csr';
import { checkDays, validityWindow } from './validity';
import type { x509 } from './x509';

export interface ExternalRequestOptions {
  readonly days?: number;
  readonly nameConstraints?: NameConstraintsSpec;
}

export interface CheckedExternalRequest {
  readonly subject: DistinguishedName;
  readonly warnings: readonly string[];
}

export function checkExternalRequest(
  request: ParsedCsr,
  root: x509.X509Certificate,
  options: ExternalRequestOptions,
  now = new Date(),
): CheckedExternalRequest {
  if (!commonNameOf(request.subject))
    throw rejected('invalid-name', "The request's subject has no common name (CN=…): an intermediate CA needs one.");
  if (root.notAfter < now) throw rejected('policy', `The root expired on ${root.notAfter.toISOString()}.`);
  if (Buffer.compare(Buffer.from(request.spki), Buffer.from(root.publicKey.rawData)) === 0)
    throw rejected('policy', "The request carries the root's own key: an online CA needs a key of its own.");
  if (options.days !== undefined) checkRootOutlives(root, options.days, now);
  const constraints = options.nameConstraints ?? {};
  const [problem] = checkNameConstraints(constraints);
  if (problem) throw rejected('invalid-name', `The name constraint "${problem.entry}" is invalid: ${problem.problem}.`);
  const warnings: string[] = [];
  if (request.droppedSubject.length > 0)
    warnings.push(`Subject attributes Rootkeeper does not issue were left out: ${request.droppedSubject.join(', ')}.`);
  if (isEmptyConstraints(constraints))
    warnings.push(
      'No name constraints: this online CA can issue for any name your root is trusted for. ' +
        'Give --permit-dns (and --permit-ip, or --exclude-ip 0.0.0.0/0 and ::/0) to limit it.',
    );
  return { subject: request.subject, warnings };
}

/** An explicit --days the root cannot cover is refused (a default is shortened, with a warning, as for any CA). */
function checkRootOutlives(root: x509.X509Certificate, days: number, now: Date): void {
  checkDays(days, VALIDITY_DAYS.intermediate.max, 'an intermediate CA');
  const window = validityWindow(days, now, root.notAfter);
  if (window.capped)
    throw rejected(
      'invalid-option',
      `--days ${days} would outlast the root, which is valid until ${root.notAfter.toISOString()}: ` +
        `at most ${Math.floor((root.notAfter.getTime() - window.notBefore.getTime() + 1000) / 86_400_000)} days from now. Nothing was signed.`,
    );
}
