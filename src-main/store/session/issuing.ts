/**
 * Issuing: leaves with a key made here, CSR batches, renewals. Every
 * certificate is signed by the active intermediate and journaled before it
 * is handed back.
 */
import type { JournalEvent } from '../../../shared/domain/journal';
import type { SigningPlan } from '../../../shared/domain/csr';
import type { KeyAlgorithm, LeafProfile, SubjectAltName } from '../../../shared/domain/pki';
import { DEFAULT_LEAF_KEY } from '../../../shared/domain/pki';
import { RootkeeperError, rejected } from '../../../shared/errors';
import type { DistinguishedName } from '../../../shared/validators/distinguished-name';
import { leafTemplate, signLeaf, signLeafOnToken } from '../../engine/batch';
import { planCsrSigning, type ParsedCsr } from '../../engine/csr';
import { readSubjectAltNames } from '../../engine/describe';
import { generateKeyPair } from '../../engine/keys';
import { fromX509Name } from '../../engine/names';
import type { IssuedCertificate } from '../../engine/profiles/common';
import { createLeafCertificate } from '../../engine/profiles/leaf';
import { normaliseSerial } from '../../engine/serial';
import { validityWindow } from '../../engine/validity';
import { crypto, x509 } from '../../engine/x509';
import { wipe } from '../../vault/secrets';
import { readCertificates } from './certificates';
import { base64, type SessionCore } from './core';

export interface IssueOptions {
  readonly profile: LeafProfile;
  readonly subject: DistinguishedName;
  readonly sans: readonly SubjectAltName[];
  readonly days?: number;
  readonly key?: KeyAlgorithm;
}

export interface IssuedWithKey {
  readonly issued: IssuedCertificate;
  /** The new key as PKCS#8, for the bundle being written; the caller wipes it. */
  readonly privateKey: Buffer;
}

/**
 * Runs after a certificate is signed and before it is journaled: the caller
 * builds what it will write and claims its destination there, so a refusal
 * leaves nothing signed on record. Throwing abandons the certificate.
 */
export type BeforeRecording<T> = (made: T) => Promise<void>;

export interface RequestOptions {
  readonly profile: LeafProfile;
  readonly days?: number;
  readonly sans?: readonly SubjectAltName[];
}

/** A certificate of a batch: its DER and the plan it was signed from. */
export interface BatchIssued {
  readonly der: Uint8Array;
  readonly serialNumber: string;
  readonly plan: SigningPlan;
  readonly warnings: readonly string[];
}

/** A refusal of one request of a batch, saying which. */
export class BatchRefusal extends RootkeeperError {
  constructor(
    readonly index: number,
    readonly refusal: RootkeeperError,
  ) {
    super(refusal.code, refusal.message, refusal.reason);
  }
}

/** A server or client certificate with a key generated here. */
export function issue(
  core: SessionCore,
  options: IssueOptions,
  beforeRecording?: BeforeRecording<IssuedWithKey>,
): Promise<IssuedWithKey> {
  return core.exclusive(async () => {
    const keys = await generateKeyPair(options.key ?? DEFAULT_LEAF_KEY, true);
    const issued = await createLeafCertificate({
      ...options,
      publicKey: keys.publicKey,
      issuer: core.intermediateIssuer(),
      ...core.issuedLinks(),
      serialNumber: core.freshSerial('intermediate'),
    });
    const privateKey = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    await recordWithKey(
      core,
      { issued, privateKey },
      issuedEvent(issued, options.profile, 'generated-key'),
      beforeRecording,
    );
    return { issued, privateKey };
  });
}

/** What would be issued for a request, without signing: the comparison the officer confirms. */
export function planRequest(core: SessionCore, request: ParsedCsr, options: RequestOptions): SigningPlan {
  core.touch();
  return planCsrSigning(request, { ...options, issuer: core.intermediateIssuer() });
}

/**
 * Signs many requests with one journal append (one fsync for the batch)
 * and the issuer's side of every certificate encoded once. Every request is
 * planned first: one refusal refuses the batch before anything is signed.
 */
export function signRequests(
  core: SessionCore,
  requests: readonly ParsedCsr[],
  options: RequestOptions,
  /** Called with the plans before anything is signed; throwing there refuses the batch. */
  beforeSigning: (plans: readonly SigningPlan[]) => void = () => undefined,
): Promise<BatchIssued[]> {
  return core.exclusive(async () => {
    const issuer = core.intermediateIssuer();
    const now = new Date();
    const plans = requests.map((request, index) => plannedOrRefused(request, { ...options, issuer, now }, index));
    beforeSigning(plans);
    const window = validityWindow(plans[0]?.days ?? 1, now, issuer.certificate.notAfter);
    const template = leafTemplate(issuer, options.profile, window, core.issuedLinks());
    const serials = new Set<string>();
    const issued: BatchIssued[] = [];
    for (const [index, request] of requests.entries()) {
      let serial = core.freshSerial('intermediate');
      while (serials.has(serial)) serial = core.freshSerial('intermediate');
      serials.add(serial);
      const plan = plans[index]!;
      const input = {
        subject: request.subject,
        spki: request.spki,
        keyFamily: request.key.family,
        sans: plan.sans,
        serialNumber: serial,
      };
      // A key in memory signs synchronously; one on a token signs each certificate there.
      const der = template.key ? signLeaf(template, input) : await signLeafOnToken(template, input);
      issued.push({ der, serialNumber: serial, plan, warnings: plan.warnings });
    }
    await core.record([...core.tokenUse(), ...issued.map((certificate) => plannedEvent(certificate, options.profile))]);
    return issued;
  });
}

function plannedOrRefused(
  request: ParsedCsr,
  options: Parameters<typeof planCsrSigning>[1],
  index: number,
): SigningPlan {
  const plan = planCsrSigning(request, options);
  const [refusal] = plan.refusals;
  if (refusal) throw new BatchRefusal(index, rejected(refusal.reason, refusal.message));
  return plan;
}

/** Re-signs a certificate's public key (renewal with the same key), for the same names. */
export function renew(
  core: SessionCore,
  serial: string,
  days?: number,
  beforeRecording?: BeforeRecording<IssuedCertificate>,
): Promise<IssuedCertificate> {
  return core.exclusive(async () => {
    const previous = findCertificate(core, serial);
    const certificate = new x509.X509Certificate((await readCertificates(core, [previous]))[0]!);
    const issued = await createLeafCertificate({
      profile: previous.profile,
      subject: subjectOf(certificate),
      sans: previous.sans,
      publicKey: certificate.publicKey,
      issuer: core.intermediateIssuer(),
      ...core.issuedLinks(),
      serialNumber: core.freshSerial('intermediate'),
      ...(days ? { days } : {}),
    });
    await beforeRecording?.(issued);
    await core.record([...core.tokenUse(), issuedEvent(issued, previous.profile, 'renewal', previous.serial)]);
    return issued;
  });
}

/** Renewal with a new key made here: the same subject, names and profile; the key goes to the bundle. */
export function renewWithNewKey(
  core: SessionCore,
  serial: string,
  key: KeyAlgorithm,
  days?: number,
  beforeRecording?: BeforeRecording<IssuedWithKey>,
): Promise<IssuedWithKey> {
  return core.exclusive(async () => {
    const previous = findCertificate(core, serial);
    const certificate = new x509.X509Certificate((await readCertificates(core, [previous]))[0]!);
    const keys = await generateKeyPair(key, true);
    const issued = await createLeafCertificate({
      profile: previous.profile,
      subject: subjectOf(certificate),
      sans: previous.sans,
      publicKey: keys.publicKey,
      issuer: core.intermediateIssuer(),
      ...core.issuedLinks(),
      serialNumber: core.freshSerial('intermediate'),
      ...(days ? { days } : {}),
    });
    const privateKey = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    await recordWithKey(
      core,
      { issued, privateKey },
      issuedEvent(issued, previous.profile, 'renewal', previous.serial),
      beforeRecording,
    );
    return { issued, privateKey };
  });
}

/** Journals a certificate whose key was made here; the key is wiped if it is not handed back. */
async function recordWithKey(
  core: SessionCore,
  made: IssuedWithKey,
  event: JournalEvent,
  beforeRecording: BeforeRecording<IssuedWithKey> | undefined,
): Promise<void> {
  try {
    await beforeRecording?.(made);
    await core.record([...core.tokenUse(), event]);
  } catch (error) {
    wipe(made.privateKey);
    throw error;
  }
}

/** A leaf this store issued, by serial (any spelling `normaliseSerial` accepts). */
export function findCertificate(core: SessionCore, serialText: string) {
  const serial = normaliseSerial(serialText);
  const record = serial ? core.parts.inventory.certificates.get(serial) : undefined;
  if (!record) throw rejected('not-found', `No certificate with serial ${serialText} was issued by this store.`);
  return record;
}

/** A renewal keeps the subject as issued. */
function subjectOf(certificate: x509.X509Certificate): DistinguishedName {
  return fromX509Name(certificate.subjectName).dn;
}

/** The journal event of a batch certificate, from its plan: nothing is parsed back. */
export function plannedEvent(issued: BatchIssued, profile: LeafProfile): JournalEvent {
  return {
    type: 'certificate-issued',
    at: new Date().toISOString(),
    serial: issued.serialNumber,
    profile,
    subject: issued.plan.subject,
    sans: issued.plan.sans,
    notBefore: issued.plan.notBefore,
    notAfter: issued.plan.notAfter,
    source: 'csr',
    certificate: base64(issued.der),
  };
}

export function issuedEvent(
  issued: IssuedCertificate,
  profile: LeafProfile,
  source: 'generated-key' | 'csr' | 'renewal',
  /** For a renewal: the certificate it renews. */
  renewalOf?: string,
): JournalEvent {
  const san = issued.certificate.getExtension(x509.SubjectAlternativeNameExtension);
  return {
    type: 'certificate-issued',
    at: new Date().toISOString(),
    serial: issued.serialNumber,
    profile,
    subject: issued.certificate.subject,
    sans: san ? readSubjectAltNames(san).supported : [],
    notBefore: issued.certificate.notBefore.toISOString(),
    notAfter: issued.certificate.notAfter.toISOString(),
    source,
    certificate: base64(issued.der),
    ...(renewalOf ? { renewalOf } : {}),
  };
}
