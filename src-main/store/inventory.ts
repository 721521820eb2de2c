/**
 * The inventory is the journal replayed: what was issued, revoked and
 * published. There is no second source of truth that could disagree with the
 * journal; an event that does not fit (a serial issued twice, a revocation of
 * something never issued) means the journal cannot be trusted.
 */
import type { CaRole, JournalEntry, JournalEvent } from '../../shared/domain/journal';
import type { CrlReason, LeafProfile, SubjectAltName } from '../../shared/domain/pki';
import { StoreDamagedError } from './damage';
import { JOURNAL_FILE } from './layout';

export interface Revocation {
  /** An officer's reasons, or any RFC 5280 reason an imported CA carried. */
  readonly reason: CrlReason;
  readonly at: string;
}

export interface CertificateRecord {
  readonly serial: string;
  readonly profile: LeafProfile;
  readonly subject: string;
  readonly sans: readonly SubjectAltName[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly source: 'generated-key' | 'csr' | 'renewal' | 'imported';
  /** DER, base64. */
  readonly certificate: string;
  readonly issuedAt: string;
  /** Serial, subject and names, lower case: what a search matches, built once on replay so searches stay fast. */
  readonly searchText: string;
  revocation?: Revocation;
}

export interface CaCertificate {
  /** DER, base64. */
  readonly certificate: string;
  readonly sha256: string;
}

export interface IntermediateRecord extends CaCertificate {
  readonly serial: string;
  readonly issuedAt: string;
  revocation?: Revocation;
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
  /** The intermediate that issues now. */
  intermediate: (CaCertificate & { readonly origin: 'issued' | 'imported' }) | null;
  pendingRequest: { readonly csr: string; readonly subject: string; readonly at: string } | null;
  /** Intermediates this store's root signed, by serial: what the root's CRL covers. */
  readonly intermediates: Map<string, IntermediateRecord>;
  /** Leaf certificates, by serial. */
  readonly certificates: Map<string, CertificateRecord>;
  /**
   * Leaves an imported root signed itself (easy-rsa is single-tier), by
   * serial: on the root's CRL, and their serials never reused by the root.
   */
  readonly rootLeaves: Map<string, IntermediateRecord>;
  readonly crls: Record<CaRole, CrlState>;
  /** Set when the store began as an import (docs/import.md). */
  imported: { readonly source: string; readonly at: string } | null;
}

export function emptyInventory(): Inventory {
  return {
    storeId: '',
    createdAt: '',
    root: null,
    intermediate: null,
    pendingRequest: null,
    intermediates: new Map(),
    certificates: new Map(),
    rootLeaves: new Map(),
    crls: { root: { lastNumber: 0 }, intermediate: { lastNumber: 0 } },
    imported: null,
  };
}

/** Replays entries onto an inventory; used on unlock (all of them) and after each append (the new ones). */
export function applyEntries(inventory: Inventory, entries: readonly JournalEntry[]): void {
  for (const entry of entries) {
    const problem = apply(inventory, entry.event);
    if (problem)
      throw new StoreDamagedError(JOURNAL_FILE, `it is authentic but inconsistent: ${problem}`, entry.sequence);
  }
}

/** Applies one event, or says why it does not fit. */
function apply(inventory: Inventory, event: JournalEvent): string | null {
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
      if (inventory.intermediates.has(event.serial)) return `intermediate serial ${event.serial} is issued twice`;
      inventory.intermediates.set(event.serial, {
        certificate: event.certificate,
        sha256: event.sha256,
        serial: event.serial,
        issuedAt: event.at,
      });
      inventory.intermediate = { certificate: event.certificate, sha256: event.sha256, origin: 'issued' };
      inventory.pendingRequest = null;
      return null;
    case 'intermediate-requested':
      inventory.pendingRequest = { csr: event.csr, subject: event.subject, at: event.at };
      return null;
    case 'intermediate-imported':
      if (!inventory.pendingRequest) return 'an intermediate is imported with no request pending';
      inventory.intermediate = { certificate: event.certificate, sha256: event.sha256, origin: 'imported' };
      inventory.pendingRequest = null;
      return null;
    case 'certificate-issued': {
      if (inventory.certificates.has(event.serial)) return `serial ${event.serial} is issued twice`;
      const { type: _type, at, ...record } = event;
      const searchText = [record.serial, record.subject, ...record.sans.map((san) => san.value)]
        .join('\n')
        .toLowerCase();
      inventory.certificates.set(event.serial, { ...record, issuedAt: at, searchText });
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
      return null;
    }
    case 'pki-imported':
      return applyImport(inventory, event);
    case 'certificate-imported':
      return applyImportedCertificate(inventory, event);
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
  return null;
}

/** The import's summary: the issuing intermediate and the CRL numbers carried on. */
function applyImport(inventory: Inventory, event: Extract<JournalEvent, { type: 'pki-imported' }>): string | null {
  if (inventory.imported || inventory.intermediate || inventory.certificates.size > 0)
    return 'an import into a store already in use';
  inventory.imported = { source: event.source, at: event.at };
  if (event.intermediate) inventory.intermediate = { ...event.intermediate, origin: 'issued' };
  for (const counter of event.counters) {
    if (!Number.isSafeInteger(counter.nextCrlNumber) || counter.nextCrlNumber < 1)
      return `the next CRL number ${counter.nextCrlNumber} is impossible`;
    inventory.crls[counter.ca] = { lastNumber: counter.nextCrlNumber - 1 };
  }
  return null;
}

function applyImportedCertificate(
  inventory: Inventory,
  event: Extract<JournalEvent, { type: 'certificate-imported' }>,
): string | null {
  if (!inventory.imported) return 'a certificate is imported outside an import';
  const revocation = event.revocation ? { ...event.revocation } : undefined;
  if (event.ca === 'root') {
    const map = event.kind === 'ca' ? inventory.intermediates : inventory.rootLeaves;
    if (inventory.intermediates.has(event.serial) || inventory.rootLeaves.has(event.serial))
      return `root serial ${event.serial} is imported twice`;
    map.set(event.serial, {
      certificate: event.certificate,
      sha256: event.sha256,
      serial: event.serial,
      issuedAt: event.at,
      ...(revocation ? { revocation } : {}),
    });
    return null;
  }
  if (inventory.certificates.has(event.serial)) return `serial ${event.serial} is imported twice`;
  const searchText = [event.serial, event.subject, ...event.sans.map((san) => san.value)].join('\n').toLowerCase();
  inventory.certificates.set(event.serial, {
    serial: event.serial,
    profile: event.profile,
    subject: event.subject,
    sans: event.sans,
    notBefore: event.notBefore,
    notAfter: event.notAfter,
    source: 'imported',
    certificate: event.certificate,
    issuedAt: event.at,
    searchText,
    ...(revocation ? { revocation } : {}),
  });
  return null;
}
