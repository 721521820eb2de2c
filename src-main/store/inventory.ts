/**
 * The inventory is the journal replayed: what was issued, revoked and
 * published. There is no second source of truth that could disagree with the
 * journal; an event that does not fit (a serial issued twice, a revocation of
 * something never issued) means the journal cannot be trusted.
 */
import type { CaRole, JournalEntry, JournalEvent, TokenKeyRef } from '../../shared/domain/journal';
import type { CrlReason, LeafProfile, SubjectAltName } from '../../shared/domain/pki';
import { normaliseSerial } from '../engine/serial';
import { x509 } from '../engine/x509';
import { StoreDamagedError } from './damage';
import { INTERMEDIATE_KEY_FILE, JOURNAL_FILE } from './layout';

export interface Revocation {
  /** An officer's reasons, or any RFC 5280 reason an imported CA carried. */
  readonly reason: CrlReason;
  readonly at: string;
  /** The invalidity date an imported CA recorded (openssl ca -crl_compromise, a CRL entry's invalidityDate). */
  readonly invalidityDate?: string;
}

export interface CertificateRecord {
  readonly serial: string;
  readonly profile: LeafProfile;
  readonly subject: string;
  readonly sans: readonly SubjectAltName[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly source: 'generated-key' | 'csr' | 'renewal' | 'imported';
  /**
   * The journal record that issued (or imported) it, which holds its DER: the
   * certificate is read back from there when asked for (session/certificates.ts),
   * not kept here (it was most of the memory of a 100,000-certificate store).
   */
  readonly record: number;
  readonly issuedAt: string;
  /** Serial, subject and names, lower case: what a search matches, built once on replay so searches stay fast. */
  readonly searchText: string;
  /** The serial of the intermediate generation that signed it (the one active when it was issued). */
  readonly issuer?: string;
  /** For a renewal journaled with its lineage: the certificate it renews. */
  readonly renewalOf?: string;
  /** The latest certificate that renews this one, if any. */
  renewedBy?: string;
  /** A leaf an imported single-tier root signed itself (kept in `rootLeaves`): revoked by the root, on its CRL. */
  readonly rootSigned?: true;
  revocation?: Revocation;
}

export interface CaCertificate {
  /** DER, base64. */
  readonly certificate: string;
  readonly sha256: string;
}

/** Where an intermediate generation came from: signed here, or requested here and signed by the root elsewhere. */
export type GenerationOrigin = 'issued' | 'imported';

/** One intermediate generation: every CA certificate this store's root is known to have signed. */
export interface IntermediateRecord extends CaCertificate {
  readonly serial: string;
  readonly issuedAt: string;
  readonly origin: GenerationOrigin;
  /** Its key file; null when the key is gone (a store of the previous release overwrote it on a second intermediate) or on a token. */
  keyFile: string | null;
  /** The PKCS#11 token its key lives on (never in a key file): the token's PIN opens it for a session. */
  readonly token?: TokenKeyRef;
  readonly issuedCrlUrl?: string;
  readonly issuedAiaUrl?: string;
  /** An online CA's intermediate (sign-external): its key lives elsewhere; it never issues or signs CRLs here. */
  readonly external?: boolean;
  retiredAt?: string;
  /** Leaves it signed. */
  issued: number;
  /** Its own CRL number sequence. */
  crl: CrlState;
  revocation?: Revocation;
}

/** A leaf an imported root signed itself: listed, shown and revoked (by the root) like any certificate. */
export interface RootLeafRecord extends CertificateRecord {
  readonly sha256: string;
  readonly rootSigned: true;
}

/** A new generation journaled but not yet finished (its key file may or may not be on disk). */
export interface RotationIntent {
  readonly serial: string;
  readonly certificate: string;
  readonly sha256: string;
  readonly origin: GenerationOrigin;
  /** Null when the key lives on `token`. */
  readonly keyFile: string | null;
  readonly token?: TokenKeyRef;
  readonly retiring: string | null;
  readonly issuedCrlUrl?: string;
  readonly issuedAiaUrl?: string;
}

export interface CrlState {
  readonly lastNumber: number;
  readonly thisUpdate?: string;
  readonly nextUpdate?: string;
}

/**
 * What the journal's events built. The events themselves are not kept: the
 * audit timeline reads them from the journal when asked (kept, they were a
 * third of the memory at 100,000 certificates).
 */
export interface Inventory {
  storeId: string;
  createdAt: string;
  root: CaCertificate | null;
  /** The intermediate that issues now (the active generation), if any. */
  intermediate: (CaCertificate & { readonly origin: GenerationOrigin; readonly serial: string }) | null;
  pendingRequest: {
    readonly csr: string;
    readonly subject: string;
    readonly at: string;
    readonly issuedCrlUrl?: string;
    readonly issuedAiaUrl?: string;
  } | null;
  /** Every intermediate generation, by serial, in the order they came: what the root's CRL covers. */
  readonly intermediates: Map<string, IntermediateRecord>;
  /** A generation journaled as started and not yet finished or abandoned. */
  pendingRotation: RotationIntent | null;
  /** The token and key id the journal last recorded for the root key (made there, or copied onto it). */
  rootToken: { readonly serial: string; readonly keyId: string } | null;
  /** Serials of abandoned generations: the root signed them once, so they are never used again. */
  readonly abandonedSerials: Set<string>;
  /** The last pre-signed root CRL schedule; `obsoleteSince` once the root revoked something after it was signed. */
  rootSchedule: {
    readonly at: string;
    readonly lastNumber: number;
    readonly lastThisUpdate: string;
    readonly lastNextUpdate: string;
    obsoleteSince?: string;
  } | null;
  /** Leaf certificates, by serial. */
  readonly certificates: Map<string, CertificateRecord>;
  /**
   * Leaves an imported root signed itself (easy-rsa is single-tier), by
   * serial: on the root's CRL, and their serials never reused by the root.
   */
  readonly rootLeaves: Map<string, RootLeafRecord>;
  readonly crls: Record<CaRole, CrlState>;
  /** Set when the store began as an import (docs/import.md). */
  imported: { readonly source: string; readonly at: string } | null;
  /**
   * The journal records that note a ceremony record, oldest first: read
   * through the journal index when listed, instead of a scan of the whole
   * journal (the overview shows the last one on every visit).
   */
  readonly ceremonyRecords: number[];
}

/**
 * Kinds of event the inventory takes no notice of, and which no change of
 * the store's files commits: opening a store need not parse them (a batch's
 * export records are half a large journal's bytes).
 */
export const IGNORED_ON_REPLAY: ReadonlySet<JournalEvent['type']> = new Set(['export-written']);

export function emptyInventory(): Inventory {
  return {
    storeId: '',
    createdAt: '',
    root: null,
    intermediate: null,
    pendingRequest: null,
    intermediates: new Map(),
    pendingRotation: null,
    rootToken: null,
    abandonedSerials: new Set(),
    rootSchedule: null,
    certificates: new Map(),
    rootLeaves: new Map(),
    crls: { root: { lastNumber: 0 }, intermediate: { lastNumber: 0 } },
    imported: null,
    ceremonyRecords: [],
  };
}

/** Replays entries onto an inventory; used on unlock (all of them) and after each append (the new ones). */
export function applyEntries(inventory: Inventory, entries: readonly JournalEntry[]): void {
  for (const entry of entries) {
    const problem = apply(inventory, entry.event, entry.sequence);
    if (problem)
      throw new StoreDamagedError(JOURNAL_FILE, `it is authentic but inconsistent: ${problem}`, entry.sequence);
  }
}

/** Applies one event, or says why it does not fit. */
function apply(inventory: Inventory, event: JournalEvent, sequence: number): string | null {
  switch (event.type) {
    case 'store-created':
      if (inventory.storeId) return 'the store is created twice';
      inventory.storeId = event.storeId;
      inventory.createdAt = event.at;
      return null;
    case 'root-created':
      if (inventory.root) return 'the root is created twice';
      inventory.root = { certificate: event.certificate, sha256: event.sha256 };
      return null;
    case 'intermediate-issued':
      return addGeneration(inventory, { ...event, origin: 'issued' });
    case 'intermediate-requested':
      inventory.pendingRequest = {
        csr: event.csr,
        subject: event.subject,
        at: event.at,
        ...(event.issuedCrlUrl ? { issuedCrlUrl: event.issuedCrlUrl } : {}),
        ...(event.issuedAiaUrl ? { issuedAiaUrl: event.issuedAiaUrl } : {}),
      };
      return null;
    case 'intermediate-imported': {
      if (!inventory.pendingRequest) return 'an intermediate is imported with no request pending';
      const serial = serialOf(event.certificate);
      if (!serial) return 'an imported intermediate certificate does not parse';
      return addGeneration(inventory, { ...event, serial, origin: 'imported' });
    }
    case 'intermediate-rotation-started':
      return startRotation(inventory, event);
    case 'intermediate-signed-external':
      return addExternal(inventory, event);
    case 'intermediate-rotation-abandoned':
      if (inventory.pendingRotation?.serial !== event.serial) return `no rotation to ${event.serial} is pending`;
      inventory.abandonedSerials.add(event.serial);
      inventory.pendingRotation = null;
      return null;
    case 'intermediate-retired': {
      const retired = inventory.intermediates.get(event.serial);
      if (!retired || inventory.intermediate?.serial !== event.serial)
        return `intermediate ${event.serial} is retired but is not the active one`;
      retired.retiredAt = event.at;
      inventory.intermediate = null;
      return null;
    }
    case 'root-crl-scheduled':
      if (event.lastNumber !== inventory.crls.root.lastNumber)
        return 'a root CRL schedule does not end at the last root CRL';
      inventory.rootSchedule = {
        at: event.at,
        lastNumber: event.lastNumber,
        lastThisUpdate: event.lastThisUpdate,
        lastNextUpdate: event.lastNextUpdate,
      };
      return null;
    case 'issuer-crl-generated': {
      const issuer = inventory.intermediates.get(event.issuer);
      if (!issuer || issuer.external)
        return `a CRL is signed by ${event.issuer}, which is no intermediate of this store`;
      if (event.crlNumber <= issuer.crl.lastNumber)
        return `CRL number ${event.crlNumber} of ${event.issuer} does not increase`;
      issuer.crl = { lastNumber: event.crlNumber, thisUpdate: event.thisUpdate, nextUpdate: event.nextUpdate };
      if (inventory.intermediate?.serial === event.issuer) inventory.crls.intermediate = issuer.crl;
      return null;
    }
    case 'certificate-issued': {
      if (inventory.certificates.has(event.serial)) return `serial ${event.serial} is issued twice`;
      const renewed = event.renewalOf ? inventory.certificates.get(event.renewalOf) : undefined;
      if (event.renewalOf && !renewed)
        return `serial ${event.serial} renews ${event.renewalOf}, which was never issued`;
      if (renewed) renewed.renewedBy = event.serial;
      const issuer = inventory.intermediate?.serial;
      if (issuer) inventory.intermediates.get(issuer)!.issued++;
      inventory.certificates.set(event.serial, issuedRecord(event, sequence, issuer));
      return null;
    }
    case 'certificate-revoked':
      return applyRevocation(inventory, event);
    case 'crl-generated': {
      const previous = inventory.crls[event.ca];
      if (event.crlNumber <= previous.lastNumber) return `CRL number ${event.crlNumber} does not increase`;
      inventory.crls[event.ca] = {
        lastNumber: event.crlNumber,
        thisUpdate: event.thisUpdate,
        nextUpdate: event.nextUpdate,
      };
      // The previous release's intermediate CRLs: the active generation's sequence.
      const active = event.ca === 'intermediate' && inventory.intermediate;
      if (active) inventory.intermediates.get(active.serial)!.crl = inventory.crls.intermediate;
      return null;
    }
    case 'pki-imported':
      return applyImport(inventory, event);
    case 'root-token':
      // The token copy made last (generated at init, or copied onto by custody to-token) is the one the store names.
      if (event.action !== 'used') inventory.rootToken = { serial: event.serial, keyId: event.keyId };
      return null;
    case 'certificate-imported':
      return applyImportedCertificate(inventory, event, sequence);
    case 'export-written':
    case 'backup-made':
    case 'passphrase-changed':
    case 'unlock-failed':
    case 'store-restored':
    case 'rollback-accepted':
    case 'store-file-changing':
    case 'journal-recovered':
    case 'change-begun':
    case 'change-ended':
    case 'custody-created':
    case 'root-quorum':
    case 'intermediate-token':
      return null;
    case 'ceremony-recorded':
      inventory.ceremonyRecords.push(sequence);
      return null;
  }
}

function applyRevocation(
  inventory: Inventory,
  event: Extract<JournalEvent, { type: 'certificate-revoked' }>,
): string | null {
  const target =
    event.ca === 'intermediate'
      ? inventory.certificates.get(event.serial)
      : (inventory.intermediates.get(event.serial) ?? inventory.rootLeaves.get(event.serial));
  if (!target) return `serial ${event.serial} is revoked but was never issued by the ${event.ca}`;
  if (target.revocation) return `serial ${event.serial} is revoked twice`;
  target.revocation = { reason: event.reason, at: event.at };
  // A root revocation makes the CRLs of a running schedule that are still to be published obsolete.
  const schedule = inventory.rootSchedule;
  if (event.ca === 'root' && schedule && !schedule.obsoleteSince && schedule.lastThisUpdate > event.at)
    schedule.obsoleteSince = event.at;
  // A revoked active intermediate issues no more: none is active until a rotation.
  if (event.ca === 'root' && inventory.intermediate?.serial === event.serial) inventory.intermediate = null;
  return null;
}

/**
 * The import's summary: the source's intermediate becomes the active
 * generation (its key sealed by the import in the first generation's key
 * file), and each CA's next CRL number carries on in its own sequence.
 */
function applyImport(inventory: Inventory, event: Extract<JournalEvent, { type: 'pki-imported' }>): string | null {
  if (
    inventory.imported ||
    inventory.intermediate ||
    inventory.intermediates.size > 0 ||
    inventory.certificates.size > 0
  )
    return 'an import into a store already in use';
  inventory.imported = { source: event.source, at: event.at };
  if (event.intermediate) {
    const problem = addGeneration(inventory, { ...event.intermediate, at: event.at, origin: 'issued' });
    if (problem) return problem;
  }
  for (const counter of event.counters) {
    if (!Number.isSafeInteger(counter.nextCrlNumber) || counter.nextCrlNumber < 1)
      return `the next CRL number ${counter.nextCrlNumber} is impossible`;
    const crl = { lastNumber: counter.nextCrlNumber - 1 };
    if (counter.ca === 'root') inventory.crls.root = crl;
    else {
      const active = activeRecord(inventory);
      if (!active) return 'an intermediate CRL number is carried over without an intermediate';
      active.crl = crl;
      inventory.crls.intermediate = crl;
    }
  }
  return null;
}

/** The active generation's record (a function: the caller's narrowing of `intermediate` does not survive changes). */
function activeRecord(inventory: Inventory): IntermediateRecord | undefined {
  const active = inventory.intermediate;
  return active ? inventory.intermediates.get(active.serial) : undefined;
}

/**
 * A certificate of the imported CA. A CA the root signed is an intermediate
 * generation: the imported active one (already added by the summary), or one
 * whose key was not imported (on the root's CRL, never signing). A leaf the
 * root signed (easy-rsa is single-tier) is a root leaf; the intermediate's
 * leaves belong to the imported active generation.
 */
function applyImportedCertificate(
  inventory: Inventory,
  event: Extract<JournalEvent, { type: 'certificate-imported' }>,
  sequence: number,
): string | null {
  if (!inventory.imported) return 'a certificate is imported outside an import';
  const revocation = event.revocation ? { ...event.revocation } : undefined;
  if (event.ca === 'root') return importRootIssued(inventory, event, revocation, sequence);
  if (inventory.certificates.has(event.serial)) return `serial ${event.serial} is imported twice`;
  const issuer = inventory.intermediate?.serial;
  if (!issuer) return 'an intermediate leaf is imported without an intermediate';
  inventory.intermediates.get(issuer)!.issued++;
  const searchText = searchTextOf(event);
  inventory.certificates.set(event.serial, {
    serial: event.serial,
    profile: event.profile,
    subject: event.subject,
    sans: event.sans,
    notBefore: event.notBefore,
    notAfter: event.notAfter,
    source: 'imported',
    record: sequence,
    issuedAt: event.at,
    searchText,
    issuer,
    ...(revocation ? { revocation } : {}),
  });
  return null;
}

function importRootIssued(
  inventory: Inventory,
  event: Extract<JournalEvent, { type: 'certificate-imported' }>,
  revocation: Revocation | undefined,
  sequence: number,
): string | null {
  const active = inventory.intermediate;
  if (event.kind === 'ca' && active?.serial === event.serial && !inventory.rootLeaves.has(event.serial)) {
    if (active.sha256 !== event.sha256) return `root serial ${event.serial} names two different intermediates`;
    const record = inventory.intermediates.get(event.serial)!;
    if (record.revocation) return `root serial ${event.serial} is imported twice`;
    if (revocation) {
      record.revocation = revocation;
      inventory.intermediate = null;
    }
    return null;
  }
  if (inventory.intermediates.has(event.serial) || inventory.rootLeaves.has(event.serial))
    return `root serial ${event.serial} is imported twice`;
  const common = {
    sha256: event.sha256,
    serial: event.serial,
    issuedAt: event.at,
    ...(revocation ? { revocation } : {}),
  };
  if (event.kind === 'leaf')
    inventory.rootLeaves.set(event.serial, {
      ...common,
      record: sequence,
      profile: event.profile,
      subject: event.subject,
      sans: event.sans,
      notBefore: event.notBefore,
      notAfter: event.notAfter,
      source: 'imported',
      searchText: searchTextOf(event),
      rootSigned: true,
    });
  else
    inventory.intermediates.set(event.serial, {
      ...common,
      certificate: event.certificate,
      origin: 'issued',
      keyFile: null,
      retiredAt: event.at,
      issued: 0,
      crl: { lastNumber: 0 },
    });
  return null;
}

type GenerationEvent = CaCertificate & {
  readonly at: string;
  readonly serial: string;
  readonly origin: GenerationOrigin;
};

/**
 * A new generation becomes the active one. Through a journaled intent it
 * takes the intent's key file and links (the retiring one was retired just
 * before); without one it is the previous release's single intermediate,
 * whose key file had a fixed name that a second intermediate overwrote.
 */
function addGeneration(inventory: Inventory, event: GenerationEvent): string | null {
  if (inventory.intermediates.has(event.serial)) return `intermediate serial ${event.serial} is issued twice`;
  const intent = inventory.pendingRotation;
  if (intent && intent.sha256 !== event.sha256) return 'an intermediate arrives that is not the one a rotation started';
  if (!intent) {
    for (const earlier of inventory.intermediates.values())
      if (earlier.keyFile === INTERMEDIATE_KEY_FILE) earlier.keyFile = null;
    const previous = inventory.intermediate && inventory.intermediates.get(inventory.intermediate.serial);
    if (previous) previous.retiredAt = event.at;
  }
  const links = intent ?? (event.origin === 'imported' ? inventory.pendingRequest : null);
  inventory.intermediates.set(event.serial, {
    certificate: event.certificate,
    sha256: event.sha256,
    serial: event.serial,
    issuedAt: event.at,
    origin: event.origin,
    keyFile: intent ? intent.keyFile : INTERMEDIATE_KEY_FILE,
    ...(intent?.token ? { token: intent.token } : {}),
    ...(links?.issuedCrlUrl ? { issuedCrlUrl: links.issuedCrlUrl } : {}),
    ...(links?.issuedAiaUrl ? { issuedAiaUrl: links.issuedAiaUrl } : {}),
    issued: 0,
    crl: { lastNumber: 0 },
  });
  inventory.intermediate = {
    certificate: event.certificate,
    sha256: event.sha256,
    origin: event.origin,
    serial: event.serial,
  };
  // `crls.intermediate` follows the active generation's own sequence.
  if (intent) inventory.crls.intermediate = inventory.intermediates.get(event.serial)!.crl;
  inventory.pendingRotation = null;
  inventory.pendingRequest = null;
  return null;
}

function startRotation(
  inventory: Inventory,
  event: Extract<JournalEvent, { type: 'intermediate-rotation-started' }>,
): string | null {
  if (inventory.pendingRotation) return 'a rotation starts while another is unfinished';
  if (inventory.intermediates.has(event.serial) || inventory.abandonedSerials.has(event.serial))
    return `intermediate serial ${event.serial} is used twice`;
  if (event.retiring !== (inventory.intermediate?.serial ?? null))
    return `a rotation retires ${event.retiring ?? 'nothing'}, but the active intermediate is ${inventory.intermediate?.serial ?? 'none'}`;
  if (event.origin === 'imported' && !inventory.pendingRequest) return 'an import starts with no request pending';
  const { type: _type, at: _at, ...intent } = event;
  inventory.pendingRotation = intent;
  return null;
}

/** An online CA's intermediate: recorded beside the generations, never active, no key here. */
function addExternal(
  inventory: Inventory,
  event: Extract<JournalEvent, { type: 'intermediate-signed-external' }>,
): string | null {
  const { serial } = event;
  if (inventory.intermediates.has(serial) || inventory.rootLeaves.has(serial) || inventory.abandonedSerials.has(serial))
    return `root serial ${serial} is used twice`;
  if (serialOf(event.certificate) !== serial) return `the external intermediate ${serial} carries another serial`;
  inventory.intermediates.set(serial, {
    certificate: event.certificate,
    sha256: event.sha256,
    serial,
    issuedAt: event.at,
    origin: 'issued',
    keyFile: null,
    external: true,
    issued: 0,
    crl: { lastNumber: 0 },
  });
  return null;
}

/**
 * An issued certificate's record: the event's fields named one by one (a
 * spread would keep the event's base64 certificate alive in memory).
 */
function issuedRecord(
  event: Extract<JournalEvent, { type: 'certificate-issued' }>,
  sequence: number,
  issuer: string | undefined,
): CertificateRecord {
  return {
    serial: event.serial,
    profile: event.profile,
    subject: event.subject,
    sans: event.sans,
    notBefore: event.notBefore,
    notAfter: event.notAfter,
    source: event.source,
    record: sequence,
    issuedAt: event.at,
    searchText: searchTextOf(event),
    ...(issuer ? { issuer } : {}),
    ...(event.renewalOf ? { renewalOf: event.renewalOf } : {}),
  };
}

/** Serial, subject and names, lower case: what a search matches. */
function searchTextOf(record: { serial: string; subject: string; sans: readonly SubjectAltName[] }): string {
  return [record.serial, record.subject, ...record.sans.map((san) => san.value)].join('\n').toLowerCase();
}

/** The serial of a certificate, as the store keeps serials. */
function serialOf(base64Der: string): string | null {
  try {
    return normaliseSerial(new x509.X509Certificate(Buffer.from(base64Der, 'base64')).serialNumber);
  } catch {
    return null;
  }
}
