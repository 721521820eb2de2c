/**
 * Path validation for root → intermediate(s) → leaf, the checks of RFC 5280
 * §6.1 that matter to a private TLS PKI. @peculiar/x509's chain builder only
 * matches names, key identifiers and signatures, so every check here is the
 * engine's own: signatures, issuer names, validity periods, basicConstraints
 * and pathLen, keyUsage, EKU (chained, as browsers apply it) and name
 * constraints. It reports every problem it finds, not just the first.
 */
import type { SubjectAltName } from '../../shared/domain/pki';
import { readSubjectAltNames } from './describe';
import { NameConstraintsExtension, id_ce_nameConstraints } from './extensions/name-constraints';
import { findConstraintViolations } from './name-constraints';
import { x509 } from './x509';

export type ChainCheck =
  | 'signature'
  | 'issuer-name'
  | 'key-identifier'
  | 'validity'
  | 'basic-constraints'
  | 'path-length'
  | 'key-usage'
  | 'extended-key-usage'
  | 'name-constraints';

export type ChainPosition = 'root' | 'intermediate' | 'leaf';

export interface ChainProblem {
  readonly position: ChainPosition;
  readonly subject: string;
  readonly check: ChainCheck;
  readonly message: string;
}

export interface ChainValidationOptions {
  readonly root: x509.X509Certificate;
  /** From the root's side down: the intermediate the root signed first. */
  readonly intermediates: readonly x509.X509Certificate[];
  readonly leaf: x509.X509Certificate;
  readonly purpose?: 'serverAuth' | 'clientAuth';
  readonly at?: Date;
  /** Validate a CA certificate in the last position (an imported intermediate) instead of an end entity. */
  readonly lastIsCa?: boolean;
}

export interface ChainValidation {
  readonly valid: boolean;
  readonly problems: readonly ChainProblem[];
}

const PURPOSE_OIDS = {
  serverAuth: x509.ExtendedKeyUsage.serverAuth as string,
  clientAuth: x509.ExtendedKeyUsage.clientAuth as string,
};
const ANY_EKU = '2.5.29.37.0';

export async function validateChain(options: ChainValidationOptions): Promise<ChainValidation> {
  const at = options.at ?? new Date();
  const path = [options.root, ...options.intermediates, options.leaf];
  const problems: ChainProblem[] = [];
  const report = (index: number, check: ChainCheck, message: string) =>
    problems.push({ position: positionOf(index, path.length), subject: path[index]!.subject, check, message });

  for (const [index, certificate] of path.entries()) {
    const issuer = path[index === 0 ? 0 : index - 1]!;
    await checkLink(certificate, issuer, (check, message) => report(index, check, message));
    checkValidity(certificate, at, (message) => report(index, 'validity', message));
    if (index < path.length - 1 || options.lastIsCa) {
      checkCa(certificate, Math.max(path.length - 2 - index, 0), (check, message) => report(index, check, message));
    } else {
      checkLeaf(certificate, options.purpose, (check, message) => report(index, check, message));
    }
  }
  if (options.purpose) checkChainedEku(path, options.purpose, report);
  checkNameConstraints(path, report);
  return { valid: problems.length === 0, problems };
}

function positionOf(index: number, length: number): ChainPosition {
  if (index === 0) return 'root';
  return index === length - 1 ? 'leaf' : 'intermediate';
}

type Report = (check: ChainCheck, message: string) => void;

async function checkLink(
  certificate: x509.X509Certificate,
  issuer: x509.X509Certificate,
  report: Report,
): Promise<void> {
  if (!sameBytes(certificate.issuerName.toArrayBuffer(), issuer.subjectName.toArrayBuffer())) {
    report('issuer-name', `its issuer "${certificate.issuer}" is not "${issuer.subject}"`);
  }
  const aki = certificate.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  const ski = issuer.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (aki && ski && aki.toLowerCase() !== ski.toLowerCase()) {
    report('key-identifier', "its authority key identifier does not match the issuer's subject key identifier");
  }
  let verified: boolean;
  try {
    verified = await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    verified = false;
  }
  if (!verified) report('signature', `its signature does not verify with the key of "${issuer.subject}"`);
}

function checkValidity(certificate: x509.X509Certificate, at: Date, report: (message: string) => void): void {
  if (at < certificate.notBefore) report(`it is not valid until ${certificate.notBefore.toISOString()}`);
  if (at > certificate.notAfter) report(`it expired on ${certificate.notAfter.toISOString()}`);
}

/** A CA in the path: critical CA:TRUE, keyCertSign, and a pathLen that allows the CAs below it. */
function checkCa(certificate: x509.X509Certificate, casBelow: number, report: Report): void {
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) report('basic-constraints', 'it is not a CA certificate (no basicConstraints CA:TRUE)');
  else if (!constraints.critical) report('basic-constraints', 'its basicConstraints extension is not critical');
  if (constraints?.pathLength !== undefined && casBelow > constraints.pathLength) {
    report(
      'path-length',
      `its path length ${constraints.pathLength} allows fewer CAs below it than the ${casBelow} there are`,
    );
  }
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  if (usage && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
    report('key-usage', 'its key usage does not allow signing certificates (keyCertSign)');
  }
}

function checkLeaf(
  certificate: x509.X509Certificate,
  purpose: ChainValidationOptions['purpose'],
  report: Report,
): void {
  if (certificate.getExtension(x509.BasicConstraintsExtension)?.ca) {
    report('basic-constraints', 'it is a CA certificate, not an end-entity one');
  }
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  if (purpose && usage && (usage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
    report('key-usage', `its key usage lacks digitalSignature, which ${purpose} needs`);
  }
}

/** Browsers and OpenSSL apply every EKU in the path: each must allow the purpose (or be absent). */
function checkChainedEku(
  path: readonly x509.X509Certificate[],
  purpose: 'serverAuth' | 'clientAuth',
  report: (index: number, check: ChainCheck, message: string) => void,
): void {
  for (const [index, certificate] of path.entries()) {
    const usages = certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages as string[] | undefined;
    if (usages && !usages.includes(PURPOSE_OIDS[purpose]) && !usages.includes(ANY_EKU)) {
      report(index, 'extended-key-usage', `its extended key usage does not include ${purpose}`);
    }
  }
}

/** Each CA's constraints bind every certificate below it (RFC 5280 §6.1.3 (b), (c)). */
function checkNameConstraints(
  path: readonly x509.X509Certificate[],
  report: (index: number, check: ChainCheck, message: string) => void,
): void {
  for (const [caIndex, ca] of path.entries()) {
    const extension = ca.getExtension(id_ce_nameConstraints);
    if (!extension) continue;
    const constraints = NameConstraintsExtension.parse(extension);
    for (let index = caIndex + 1; index < path.length; index++) {
      for (const violation of findConstraintViolations(namesOf(path[index]!), constraints)) {
        report(
          index,
          'name-constraints',
          `${violation.name.type}:${violation.name.value} is ${violation.why === 'excluded' ? 'excluded by' : 'outside'} the name constraints of "${ca.subject}"`,
        );
      }
    }
  }
}

function namesOf(certificate: x509.X509Certificate): SubjectAltName[] {
  const extension = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  return extension ? readSubjectAltNames(extension).supported : [];
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
