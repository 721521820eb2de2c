/**
 * The one verifier every import goes through, whatever the source: the CAs
 * can head a Rootkeeper hierarchy and their keys match; every certificate
 * found is signed by one of the imported CAs; the CA's database agrees with
 * its certificate files (serial, subject, expiry, status); each CRL verifies
 * and agrees with the database. Every disagreement is named with its file,
 * line and serial. Nothing is written here.
 */
import { X509Certificate as NodeCertificate, createHash } from 'node:crypto';
import { wipe } from '../vault/secrets';
import { importSigningKey } from '../engine/keys';
import { normaliseSerial } from '../engine/serial';
import { x509 } from '../engine/x509';
import type { ImportProblem, SourceCa, SourceDescription } from './description';
import { checkHistory, type Assigned } from './verify-history';
import { openSourceKey, publicKeyOf } from './keys';
import { reportOf, type ImportPlan, type PlannedCa } from './plan';

export interface KeyPassphrases {
  readonly root: string | null;
  readonly intermediate: string | null;
}

export interface VerifyOptions {
  /** A dry run without passphrases reports the keys as not checked; an import needs them opened. */
  readonly requireKeys: boolean;
  readonly now?: Date;
}

/** The sentence the issue gives: a root that can sign neither an intermediate nor a CRL. */
export const CANNOT_HEAD =
  'cannot head a Rootkeeper hierarchy — it can sign neither an intermediate nor a CRL (a root with pathLen 0 or without cRLSign)';

export async function verifySource(
  description: SourceDescription,
  passphrases: KeyPassphrases,
  options: VerifyOptions,
): Promise<ImportPlan> {
  const now = options.now ?? new Date();
  const problems: ImportProblem[] = [...description.problems];
  const limits = [...description.limits];
  const keys = new Map<'root' | 'intermediate', Buffer>();
  const cas: PlannedCa[] = [];
  try {
    for (const ca of description.cas) {
      problems.push(...checkCaCertificate(ca, description, now));
      const key = await checkCaKey(ca, passphrases[ca.role], options.requireKeys, problems, limits);
      if (key) keys.set(ca.role, key);
    }
    if (!description.cas.some((ca) => ca.role === 'root'))
      problems.push({ file: description.origin, message: 'no root CA certificate was found' });
    const assigned: Assigned = await checkHistory(description, problems, now);
    for (const ca of description.cas) cas.push(plannedCa(ca, keys.has(ca.role), assigned));
    const base = {
      source: description.kind,
      origin: description.origin,
      problems,
      limits,
      leafKeys: description.leafKeys,
      files: description.files(),
    };
    return { report: reportOf(base, cas, assigned.certificates), cas, certificates: assigned.certificates, keys };
  } catch (error) {
    for (const key of keys.values()) wipe(key);
    throw error;
  }
}

function checkCaCertificate(ca: SourceCa, description: SourceDescription, now: Date): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const at = (message: string): ImportProblem => ({ file: ca.certificate.file, message });
  const certificate = new x509.X509Certificate(Buffer.from(ca.certificate.der));
  const node = new NodeCertificate(Buffer.from(ca.certificate.der));
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  if (!constraints?.ca) return [at(`${certificate.subject} is not a CA certificate (basicConstraints CA:FALSE)`)];
  const certSign = !usage || (usage.usages & x509.KeyUsageFlags.keyCertSign) !== 0;
  const crlSign = !usage || (usage.usages & x509.KeyUsageFlags.cRLSign) !== 0;
  if (ca.role === 'root') {
    if (!node.verify(node.publicKey)) problems.push(at('the root certificate’s self-signature does not verify'));
    if (constraints.pathLength === 0 || !crlSign || !certSign) {
      const who = description.kind === 'mkcert' ? 'A mkcert CAROOT' : `The root "${certificate.subject}"`;
      const why = [
        ...(constraints.pathLength === 0 ? ['its pathLen is 0'] : []),
        ...(!crlSign ? ['its key usage lacks cRLSign'] : []),
        ...(!certSign ? ['its key usage lacks keyCertSign'] : []),
      ];
      problems.push(at(`${who} ${CANNOT_HEAD}: ${why.join(' and ')}`));
    }
  } else {
    if (!crlSign) problems.push(at(`the intermediate "${certificate.subject}" may not sign CRLs (no cRLSign)`));
    if (!certSign) problems.push(at(`the intermediate "${certificate.subject}" may not sign certificates`));
    const root = description.cas.find((other) => other.role === 'root');
    if (root && !node.verify(new NodeCertificate(Buffer.from(root.certificate.der)).publicKey))
      problems.push(at(`the intermediate is not signed by the imported root (${root.certificate.file})`));
  }
  if (certificate.notAfter < now)
    problems.push(at(`the ${ca.role} certificate expired on ${certificate.notAfter.toISOString()}`));
  return problems;
}

/** Opens the CA's key, proves it is the certificate's, and proves Rootkeeper can sign with it. */
async function checkCaKey(
  ca: SourceCa,
  passphrase: string | null,
  requireKeys: boolean,
  problems: ImportProblem[],
  limits: string[],
): Promise<Buffer | null> {
  if (!ca.key) {
    problems.push({
      file: ca.keyLookedFor ?? ca.folder,
      message: `the ${ca.role} CA's private key is not there. A key kept on a token or elsewhere cannot be imported: copy the key file into the folder, or keep that CA where it is and create a new one`,
    });
    return null;
  }
  if (passphrase === null && !requireKeys) {
    limits.push(
      `${ca.key.file} was not opened (no passphrase given for a dry run): the key's match is checked on import.`,
    );
    return null;
  }
  const pkcs8 = await openSourceKey(ca.key, passphrase);
  const node = new NodeCertificate(Buffer.from(ca.certificate.der));
  const spki = node.publicKey.export({ type: 'spki', format: 'der' });
  if (!publicKeyOf(pkcs8).equals(spki)) {
    problems.push({
      file: ca.key.file,
      message: `this key is not the key of ${ca.certificate.file} (serial ${normaliseSerial(node.serialNumber)})`,
    });
    wipe(pkcs8);
    return null;
  }
  try {
    await importSigningKey(pkcs8, false);
  } catch (error) {
    problems.push({ file: ca.key.file, message: `Rootkeeper cannot sign with this key: ${(error as Error).message}` });
    wipe(pkcs8);
    return null;
  }
  return pkcs8;
}

function plannedCa(ca: SourceCa, keyChecked: boolean, assigned: Assigned): PlannedCa {
  const certificate = new x509.X509Certificate(Buffer.from(ca.certificate.der));
  const seen = assigned.crlNumbers.get(ca.role) ?? [];
  // At least the number OpenSSL would use next, and above every number seen.
  const nextCrlNumber = Math.max(ca.crlNumberFile ?? 1, ...seen.map((number) => number + 1), 1);
  return {
    role: ca.role,
    subject: certificate.subject,
    serial: normaliseSerial(certificate.serialNumber)!,
    sha256: createHash('sha256').update(ca.certificate.der).digest('hex'),
    notAfter: certificate.notAfter.toISOString(),
    file: ca.certificate.file,
    keyFile: ca.key?.file ?? null,
    keyChecked,
    der: ca.certificate.der,
    serialFile: ca.serialFile,
    crlNumberFile: ca.crlNumberFile,
    crlNumbersSeen: seen,
    nextCrlNumber,
    crlFiles: ca.crls.map((crl) => crl.file),
  };
}
