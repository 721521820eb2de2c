/**
 * The history half of the verifier: which imported CA signed each
 * certificate found, whether the database (index.txt) agrees with the
 * certificate files, and whether each CRL verifies and agrees with the
 * database. Revocations come from the database, or from the newest valid CRL
 * where a source keeps none.
 */
import { X509Certificate as NodeCertificate, createHash } from 'node:crypto';
import type { CrlReason, LeafProfile } from '../../shared/domain/pki';
import { readSubjectAltNames } from '../engine/describe';
import { CrlNumberExtension, id_ce_cRLNumber } from '../engine/extensions/crl-number';
import { normaliseSerial } from '../engine/serial';
import { x509 } from '../engine/x509';
import type { ImportProblem, IndexEntry, SourceCa, SourceCertificate, SourceDescription } from './description';
import { reasonFromOpenssl } from './index-txt';
import { MAX_SOURCE_NODES } from './pem-files';
import type { PlannedCertificate } from './plan';

type Role = 'root' | 'intermediate';

export interface Assigned {
  readonly certificates: PlannedCertificate[];
  readonly crlNumbers: Map<Role, number[]>;
}

interface Found {
  readonly source: SourceCertificate;
  readonly node: NodeCertificate;
}

interface Revoked {
  readonly at: Date;
  readonly reason: CrlReason;
  invalidity?: Date;
}

interface ReadCrl {
  readonly file: string;
  readonly crl: x509.X509Crl;
  readonly number: number | null;
}

export async function checkHistory(
  description: SourceDescription,
  problems: ImportProblem[],
  now: Date,
): Promise<Assigned> {
  const signers = description.cas.map((ca) => ({ ca, node: new NodeCertificate(Buffer.from(ca.certificate.der)) }));
  const issued = new Map<Role, Map<string, Found>>(description.cas.map((ca) => [ca.role, new Map()]));
  const root = description.cas.find((ca) => ca.role === 'root');
  for (const source of description.cas.flatMap((ca) => ca.certificateFiles)) {
    if (root && Buffer.from(source.der).equals(Buffer.from(root.certificate.der))) continue;
    const node = new NodeCertificate(Buffer.from(source.der));
    const serial = normaliseSerial(node.serialNumber)!;
    const signer = signers.find((candidate) => node.verify(candidate.node.publicKey));
    if (!signer) {
      problems.push({
        file: source.file,
        serial,
        message: `a certificate from another CA (issuer "${oneLine(node.issuer)}"): it is not signed by the imported CA`,
      });
      continue;
    }
    const known = issued.get(signer.ca.role)!;
    const previous = known.get(serial);
    if (previous && !Buffer.from(previous.source.der).equals(Buffer.from(source.der)))
      problems.push({
        file: source.file,
        serial,
        message: `two different certificates carry serial ${serial} (the other is ${previous.source.file})`,
      });
    else if (!previous) known.set(serial, { source, node });
  }
  const crls = await readCrls(description, signers, problems);
  const crlNumbers = new Map<Role, number[]>();
  const certificates: PlannedCertificate[] = [];
  for (const ca of description.cas) {
    const mine = issued.get(ca.role)!;
    const revoked = ca.index ? checkIndex(ca, mine, problems) : new Map<string, Revoked>();
    const lists = crls.get(ca.role) ?? [];
    crlNumbers.set(
      ca.role,
      lists.flatMap((list) => (list.number === null ? [] : [list.number])),
    );
    checkCrls(ca, lists, mine, revoked, problems);
    for (const [serial, found] of mine)
      certificates.push(planned(ca.role, serial, found, revoked.get(serial), now, problems));
  }
  return { certificates, crlNumbers };
}

/** Every index entry against its certificate file; every certificate file against an index entry. */
function checkIndex(ca: SourceCa, mine: Map<string, Found>, problems: ImportProblem[]): Map<string, Revoked> {
  const index = ca.index!;
  const revoked = new Map<string, Revoked>();
  const seen = new Map<string, IndexEntry>();
  for (const entry of index.entries) {
    const at = (message: string) =>
      problems.push({ file: entry.file, line: entry.line, serial: entry.serial, message });
    if (seen.has(entry.serial)) {
      at(`serial ${entry.serial} appears twice (also line ${seen.get(entry.serial)!.line})`);
      continue;
    }
    seen.set(entry.serial, entry);
    const found = mine.get(entry.serial);
    if (!found) {
      at(
        `no certificate file of this CA has serial ${entry.serial} (looked for ${ca.certificateFor(entry.serial).join(' or ')}); an index entry without its certificate cannot be imported: put the certificate file back`,
      );
      continue;
    }
    const subject = oneLine(found.node.subject);
    if (subject !== entry.subject)
      at(`the subject is "${entry.subject}" here but "${subject}" in ${found.source.file}`);
    const notAfter = new Date(found.node.validTo);
    if (entry.expires && Math.abs(entry.expires.getTime() - notAfter.getTime()) >= 1000)
      at(`the expiry is ${entry.expires.toISOString()} here but ${notAfter.toISOString()} in ${found.source.file}`);
    if (entry.status === 'R')
      revoked.set(entry.serial, {
        at: entry.revokedAt!,
        reason: reasonFromOpenssl(entry.reasonText)!,
        ...(entry.invalidityDate ? { invalidity: entry.invalidityDate } : {}),
      });
  }
  for (const [serial, found] of mine) {
    if (!seen.has(serial))
      problems.push({
        file: found.source.file,
        serial,
        message: `signed by the ${ca.role} CA but missing from ${index.file}`,
      });
  }
  return revoked;
}

/** The CRLs found, by the CA that signed them; damaged or foreign ones are problems. */
async function readCrls(
  description: SourceDescription,
  signers: readonly { ca: SourceCa; node: NodeCertificate }[],
  problems: ImportProblem[],
): Promise<Map<Role, ReadCrl[]>> {
  const byRole = new Map<Role, ReadCrl[]>();
  const files = new Set<string>();
  for (const source of description.cas.flatMap((ca) => ca.crls)) {
    if (files.has(source.file)) continue;
    files.add(source.file);
    if (!source.der) {
      problems.push({ file: source.file, message: source.problem ?? 'it is not a readable CRL' });
      continue;
    }
    let crl: x509.X509Crl;
    try {
      // A CA's CRL may list thousands: asn1js's default guard of 10,000 nodes stops at about 1,400 entries.
      crl = new x509.X509Crl(Buffer.from(source.der), { berOptions: { maxNodes: MAX_SOURCE_NODES } });
    } catch {
      problems.push({ file: source.file, message: 'it is not a readable CRL (damaged or truncated?)' });
      continue;
    }
    let signer: Role | null = null;
    for (const candidate of signers) {
      const publicKey = new x509.X509Certificate(Buffer.from(candidate.ca.certificate.der)).publicKey;
      if (await crl.verify({ publicKey }).catch(() => false)) signer = candidate.ca.role;
    }
    if (!signer) {
      problems.push({
        file: source.file,
        message: `its signature does not verify with the imported CA (issuer "${crl.issuer}")`,
      });
      continue;
    }
    const extension = crl.extensions.find((candidate) => candidate.type === id_ce_cRLNumber);
    const number = extension ? CrlNumberExtension.read(extension) : null;
    byRole.set(signer, [...(byRole.get(signer) ?? []), { file: source.file, crl, number }]);
  }
  return byRole;
}

/**
 * Each CRL entry against the database; without a database, the newest CRL
 * (highest number, else latest thisUpdate) supplies the revocations.
 */
function checkCrls(
  ca: SourceCa,
  lists: readonly ReadCrl[],
  mine: Map<string, Found>,
  revoked: Map<string, Revoked>,
  problems: ImportProblem[],
): void {
  const indexed = new Map(ca.index?.entries.map((entry) => [entry.serial, entry]) ?? []);
  for (const list of lists) {
    for (const entry of list.crl.entries) {
      const serial = normaliseSerial(entry.serialNumber)!;
      const at = (message: string) => problems.push({ file: list.file, serial, message });
      const reason = crlReasonName(entry.reason);
      if (!mine.has(serial)) {
        at(`the CRL revokes serial ${serial}, which is no certificate of the ${ca.role} CA found here`);
        continue;
      }
      if (!ca.index) continue;
      const line = indexed.get(serial);
      const known = revoked.get(serial);
      if (!line || !known) {
        at(
          `the CRL lists it revoked but ${ca.index.file}${line ? ` line ${line.line}` : ''} says ${line?.status ?? 'nothing'}`,
        );
        continue;
      }
      if (Math.abs(known.at.getTime() - entry.revocationDate.getTime()) >= 1000 || known.reason !== reason)
        at(
          `the CRL says revoked ${entry.revocationDate.toISOString()} (${reason}) but ${ca.index.file} line ${line.line} says ${known.at.toISOString()} (${known.reason})`,
        );
      // A signed CRL's invalidity date fills in what the database left out; where both have one, they must agree.
      const invalidity = entry.invalidity;
      if (invalidity && !known.invalidity) known.invalidity = invalidity;
      else if (invalidity && known.invalidity && Math.abs(known.invalidity.getTime() - invalidity.getTime()) >= 1000)
        at(
          `the CRL says invalid since ${invalidity.toISOString()} but ${ca.index.file} line ${line.line} says ${known.invalidity.toISOString()}`,
        );
    }
  }
  if (ca.index || lists.length === 0) return;
  const newest = [...lists].sort(
    (a, b) => (b.number ?? -1) - (a.number ?? -1) || b.crl.thisUpdate.getTime() - a.crl.thisUpdate.getTime(),
  )[0]!;
  for (const entry of newest.crl.entries) {
    const serial = normaliseSerial(entry.serialNumber)!;
    if (mine.has(serial))
      revoked.set(serial, {
        at: entry.revocationDate,
        reason: crlReasonName(entry.reason),
        ...(entry.invalidity ? { invalidity: entry.invalidity } : {}),
      });
  }
}

function crlReasonName(code: number | undefined): CrlReason {
  const names: Record<number, CrlReason> = {
    0: 'unspecified',
    1: 'keyCompromise',
    2: 'cACompromise',
    3: 'affiliationChanged',
    4: 'superseded',
    5: 'cessationOfOperation',
    6: 'certificateHold',
    8: 'removeFromCRL',
    9: 'privilegeWithdrawn',
    10: 'aACompromise',
  };
  return code === undefined ? 'unspecified' : (names[code] ?? 'unspecified');
}

function planned(
  issuer: Role,
  serial: string,
  found: Found,
  revoked: Revoked | undefined,
  now: Date,
  problems: ImportProblem[],
): PlannedCertificate {
  const certificate = new x509.X509Certificate(Buffer.from(found.source.der));
  const kind = certificate.getExtension(x509.BasicConstraintsExtension)?.ca ? 'ca' : 'leaf';
  if (kind === 'ca' && issuer === 'intermediate')
    problems.push({
      file: found.source.file,
      serial,
      message: 'a CA under the intermediate: Rootkeeper keeps two tiers and cannot import a third',
    });
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  return {
    issuer,
    kind,
    serial,
    subject: certificate.subject,
    profile: profileOf(certificate),
    sans: san ? readSubjectAltNames(san).supported : [],
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    status: revoked ? 'revoked' : certificate.notAfter < now ? 'expired' : 'valid',
    revocation: revoked
      ? {
          at: revoked.at.toISOString(),
          reason: revoked.reason,
          ...(revoked.invalidity ? { invalidityDate: revoked.invalidity.toISOString() } : {}),
        }
      : null,
    file: found.source.file,
    sha256: createHash('sha256').update(found.source.der).digest('hex'),
    der: found.source.der,
  };
}

function profileOf(certificate: x509.X509Certificate): LeafProfile {
  const usages = certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String) ?? [];
  return usages.includes(x509.ExtendedKeyUsage.clientAuth) && !usages.includes(x509.ExtendedKeyUsage.serverAuth)
    ? 'client'
    : 'server';
}

/** A name in OpenSSL's one-line form, as index.txt keeps it: /C=GB/O=Alice Ltd/CN=www.example.com. */
export function oneLine(name: string): string {
  return `/${name.split('\n').join('/')}`;
}
