/**
 * An unlocked store: the data key, the intermediate's signing key and the
 * inventory, for as long as the officer works. It locks itself after an idle
 * timeout (and on an explicit lock, or a screen lock in Electron), dropping
 * every key. The root's key is never part of a session: the operations that
 * need it take the root passphrase, unlock it, sign, and drop it.
 *
 * This class is the one face the operations see. Each capability lives in
 * its own module under session/, as a function of the session core
 * (session/core.ts): issuing, revocation and CRLs, certificate authorities,
 * passphrases, and the journal read back from disk.
 */
import type { JournalEntry, JournalHead } from '../../shared/domain/journal';
import type { SigningPlan } from '../../shared/domain/csr';
import type { KeyAlgorithm, RevocationReason } from '../../shared/domain/pki';
import { rejected } from '../../shared/errors';
import type { DistinguishedName } from '../../shared/validators/distinguished-name';
import type { IssuedCrl } from '../engine/crl';
import type { ParsedCsr } from '../engine/csr';
import type { IssuedCertificate } from '../engine/profiles/common';
import type { x509 } from '../engine/x509';
import type { KdfCost } from '../vault/kdf';
import type { CertificateRecord, IntermediateRecord, Inventory } from './inventory';
import type { Keyring } from './keyring';
import type { CeremonyHook } from '../custody/ceremony-record';
import type { RootKeySource, SealedRootSource } from '../custody/root-source';
import * as authorities from './session/authorities';
import * as certificates from './session/certificates';
import * as csrBatch from './session/csr-batch';
import * as custody from './session/custody';
import { SessionCore, type SessionParts } from './session/core';
import * as external from './session/external';
import * as issuing from './session/issuing';
import * as renewal from './session/renewal';
import * as journal from './session/journal-access';
import * as passphrases from './session/passphrases';
import * as revocation from './session/revocation';
import * as toToken from './session/to-token';
import * as intermediateToken from './session/intermediate-token';

export { DEFAULT_IDLE_TIMEOUT_MS, type SessionParts } from './session/core';
export { BatchRefusal, issuedEvent, type BatchIssued, type IssueOptions, type IssuedWithKey } from './session/issuing';
export type { IntermediateOptions } from './session/authorities';

export class Session {
  private readonly core: SessionCore;

  constructor(parts: SessionParts) {
    this.core = new SessionCore(parts);
  }

  get locked(): boolean {
    return this.core.locked;
  }

  get storeId(): string {
    return this.core.storeId;
  }

  get dir(): string {
    return this.core.parts.dir;
  }

  get notices(): readonly string[] {
    return this.core.parts.notices;
  }

  /** The inventory as replayed from the journal. */
  get inventory(): Inventory {
    this.core.active();
    return this.core.parts.inventory;
  }

  get head(): JournalHead {
    this.core.active();
    return this.core.parts.writer.current;
  }

  get keyring(): Keyring {
    return this.core.parts.keyring;
  }

  /** When the idle timer will lock the session, in ms since the epoch. */
  get locksAt(): number {
    return this.core.locksAt;
  }

  onLock(listener: () => void): () => void {
    return this.core.onLock(listener);
  }

  /** Drops every key and the data key, and releases the store. Safe to call twice. */
  lock(): Promise<void> {
    return this.core.lock();
  }

  /** Resets the idle timer; called by every operation. */
  touch(): void {
    this.core.touch();
  }

  // Issuing (session/issuing.ts)
  issue(
    options: issuing.IssueOptions,
    beforeRecording?: issuing.BeforeRecording<issuing.IssuedWithKey>,
  ): Promise<issuing.IssuedWithKey> {
    return issuing.issue(this.core, options, beforeRecording);
  }

  planRequest(request: ParsedCsr, options: issuing.RequestOptions): SigningPlan {
    return issuing.planRequest(this.core, request, options);
  }

  signRequests(
    requests: readonly ParsedCsr[],
    options: issuing.RequestOptions,
    beforeSigning?: (plans: readonly SigningPlan[]) => void,
  ): Promise<issuing.BatchIssued[]> {
    return issuing.signRequests(this.core, requests, options, beforeSigning);
  }

  /** A batch from the requests' bytes: on a worker pool when it is large (session/csr-batch.ts). */
  signRequestBytes(
    csrs: readonly Uint8Array[],
    options: issuing.RequestOptions,
    beforeSigning?: (plans: readonly SigningPlan[]) => void,
  ): Promise<issuing.BatchIssued[]> {
    return csrBatch.signRequestBytes(this.core, csrs, options, beforeSigning);
  }

  renew(
    serial: string,
    days?: number,
    beforeRecording?: issuing.BeforeRecording<IssuedCertificate>,
  ): Promise<IssuedCertificate> {
    return issuing.renew(this.core, serial, days, beforeRecording);
  }

  renewWithNewKey(
    serial: string,
    key: KeyAlgorithm,
    days?: number,
    beforeRecording?: issuing.BeforeRecording<issuing.IssuedWithKey>,
  ): Promise<issuing.IssuedWithKey> {
    return issuing.renewWithNewKey(this.core, serial, key, days, beforeRecording);
  }

  /** Many certificates renewed in one append; `beforeSigning` claims their destinations first. */
  renewBatch(
    serials: readonly string[],
    options: renewal.BatchRenewalOptions,
    beforeSigning: (records: readonly CertificateRecord[]) => void,
  ): Promise<renewal.Renewed[]> {
    return renewal.renewBatch(this.core, serials, options, beforeSigning);
  }

  findCertificate(serial: string) {
    return issuing.findCertificate(this.core, serial);
  }

  /** A certificate's DER, read back from its journal record and authenticated again (session/certificates.ts). */
  certificateDer(record: Pick<CertificateRecord, 'serial' | 'record'>): Promise<certificates.Der> {
    return certificates.certificateDer(this.core, record);
  }

  /** Many certificates' DER, each handed to `use` as it is read back (journal order), none kept. */
  forEachCertificate<R extends Pick<CertificateRecord, 'serial' | 'record'>>(
    records: readonly R[],
    use: (record: R, der: certificates.Der) => void,
  ): Promise<void> {
    return certificates.forEachCertificate(this.core, records, use);
  }

  /** The store's root certificate, DER. */
  chainRoot(): Uint8Array {
    return Buffer.from(this.core.rootCertificate().rawData);
  }

  /**
   * The certificates bundles carry: an intermediate and the root, as DER —
   * the given generation's (the one that signed a leaf), else the active one.
   */
  chain(issuerSerial?: string): { intermediate: Uint8Array; root: Uint8Array } {
    const { intermediate: active, intermediates, root } = this.inventory;
    const intermediate = (issuerSerial && intermediates.get(issuerSerial)) || active;
    if (!intermediate || !root) throw rejected('policy', 'No intermediate CA is active.');
    return {
      intermediate: Buffer.from(intermediate.certificate, 'base64'),
      root: Buffer.from(root.certificate, 'base64'),
    };
  }

  // Revocation and CRLs (session/revocation.ts)
  revoke(serial: string, reason?: RevocationReason): Promise<JournalHead> {
    return revocation.revoke(this.core, serial, reason);
  }

  /** Revokes an intermediate and signs the root's new CRL in the same root ceremony. */
  revokeIntermediate(
    serial: string,
    reason: RevocationReason,
    root: string | RootKeySource,
    days?: number,
    ceremony?: CeremonyHook,
  ): Promise<revocation.RevokedIntermediate> {
    return revocation.revokeIntermediate(this.core, serial, reason, root, days, ceremony);
  }

  findIntermediate(serial: string): IntermediateRecord {
    return revocation.findIntermediate(this.core, serial);
  }

  /**
   * One generation's CRL: the active one's unless a serial is given.
   * `beforeRecording` claims its destination before the number is used up.
   */
  generateCrl(
    days?: number,
    issuerSerial?: string,
    beforeRecording?: (crl: IssuedCrl) => Promise<void>,
  ): Promise<IssuedCrl> {
    return revocation.generateCrl(this.core, days, issuerSerial, beforeRecording);
  }

  /** The CRL of every generation that still signs. */
  generateIssuerCrls(days?: number): Promise<revocation.IssuerCrl[]> {
    return revocation.generateIssuerCrls(this.core, days);
  }

  /** Whether a generation's key is here and it can sign (active or retired, not revoked). */
  canSign(serial: string): boolean {
    return this.core.intermediateKeys.has(serial);
  }

  /** `root`: the root passphrase, or a root key source (shares). */
  generateRootCrl(
    root: string | RootKeySource,
    days?: number,
    beforeRecording?: (crl: IssuedCrl) => Promise<void>,
    ceremony?: CeremonyHook,
  ): Promise<IssuedCrl> {
    return revocation.generateRootCrl(this.core, root, days, beforeRecording, ceremony);
  }

  /** Root CRLs signed ahead in one root ceremony. */
  generateRootCrlSchedule(
    root: string | RootKeySource,
    schedule: { count: number; intervalDays: number; graceDays: number },
    ceremony?: CeremonyHook,
  ): Promise<revocation.ScheduledCrl[]> {
    return revocation.generateRootCrlSchedule(this.core, root, schedule, ceremony);
  }

  // Certificate authorities (session/authorities.ts)
  createIntermediate(
    root: string | RootKeySource,
    options: authorities.IntermediateOptions,
    ceremony?: CeremonyHook,
  ): Promise<IssuedCertificate> {
    return authorities.createIntermediate(this.core, root, options, ceremony);
  }

  requestIntermediate(
    subject: DistinguishedName,
    key?: KeyAlgorithm,
    options?: authorities.IssuedLinks & { rotate?: boolean },
  ): Promise<Uint8Array> {
    return authorities.requestIntermediate(this.core, subject, key, options);
  }

  importIntermediate(
    certificateDer: Uint8Array,
    validate: (certificate: x509.X509Certificate) => Promise<void>,
    options?: { rotate?: boolean },
  ): Promise<void> {
    return authorities.importIntermediate(this.core, certificateDer, validate, options);
  }

  /** The root signs an online CA's request: an external intermediate, recorded, never issuing here. */
  signExternalIntermediate(
    root: string | RootKeySource,
    options: external.ExternalIntermediateOptions,
    beforeRecording?: (issued: IssuedCertificate) => Promise<void>,
  ): Promise<external.ExternalIntermediate> {
    return external.signExternalIntermediate(this.core, root, options, beforeRecording);
  }

  /** On opening: finishes or abandons an interrupted generation, and repairs the public copy. */
  settle(): Promise<string[]> {
    return this.core.exclusive(() => authorities.settle(this.core));
  }

  // Custody of the root (session/custody.ts)
  changeCustody(
    source: SealedRootSource,
    change: custody.CustodyChange,
    ceremony?: CeremonyHook,
  ): Promise<custody.CustodyResult> {
    return custody.changeCustody(this.core, source, change, ceremony);
  }

  // The root onto a token (session/to-token.ts)
  moveRootToToken(source: SealedRootSource, target: toToken.TokenTarget, replaceSlot: boolean) {
    return toToken.moveRootToToken(this.core, source, target, replaceSlot);
  }

  /** Opens the token an intermediate's key lives on, with its PIN, until the session locks (session/intermediate-token.ts). */
  openIntermediateToken(credential: intermediateToken.IntermediateTokenCredential) {
    return intermediateToken.openIntermediateToken(this.core, credential);
  }

  // Passphrases (session/passphrases.ts)
  changePassphrase(which: 'root' | 'operator', current: string, next: string, cost?: KdfCost): Promise<void> {
    return passphrases.changePassphrase(this.core, which, current, next, cost);
  }

  // The journal on disk (session/journal-access.ts)
  note(events: journal.OutsideEvent[]): Promise<JournalHead> {
    return journal.note(this.core, events);
  }

  readJournal(first?: number, last?: number): Promise<JournalEntry[]> {
    return journal.readJournal(this.core, first, last);
  }

  /** Every journal entry, read and verified from disk, one at a time, none kept. */
  /** The journal records that note a ceremony record, oldest first, read through the index. */
  ceremonyRecordEntries(): Promise<JournalEntry[]> {
    return certificates.readRecords(this.core, [...this.core.parts.inventory.ceremonyRecords]);
  }

  eachJournalEntry(use: (entry: JournalEntry) => void): Promise<void> {
    return journal.eachJournalEntry(this.core, use);
  }

  verifyJournal(expectHead?: string): Promise<{ head: JournalHead; expected: number | null }> {
    return journal.verifyJournal(this.core, expectHead);
  }

  chainHashAt(sequence: number): Promise<string | null> {
    return journal.chainHashAt(this.core, sequence);
  }

  confirmRoot(root: string | RootKeySource): Promise<void> {
    return journal.confirmRoot(this.core, root);
  }

  snapshot(): Promise<Map<string, Buffer>> {
    return journal.snapshot(this.core);
  }

  backupKey(): Buffer {
    return journal.backupKey(this.core);
  }
}
