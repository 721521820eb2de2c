/**
 * An unlocked store: the data key, the intermediate's signing key and the
 * inventory, for as long as the officer works. It locks itself after an idle
 * timeout (and on an explicit lock, or a screen lock in Electron), dropping
 * every key. The root's key is never part of a session: the two operations
 * that need it take the root passphrase, unlock it, sign, and drop it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaRole, JournalEntry, JournalEvent, JournalHead } from '../../shared/domain/journal';
import type {
  CaPurpose,
  KeyAlgorithm,
  LeafProfile,
  NameConstraintsSpec,
  RevocationReason,
  SubjectAltName,
} from '../../shared/domain/pki';
import { DEFAULT_CA_KEY, DEFAULT_LEAF_KEY } from '../../shared/domain/pki';
import { RootkeeperError, rejected } from '../../shared/errors';
import type { DistinguishedName } from '../../shared/validators/distinguished-name';
import { formatDistinguishedName } from '../../shared/validators/distinguished-name';
import type { Clock } from '../clock';
import { certificateMatchesKey, createCaRequest } from '../engine/ca-request';
import { createCrl, type IssuedCrl } from '../engine/crl';
import { leafTemplate, signLeaf } from '../engine/batch';
import { planCsrSigning, type ParsedCsr } from '../engine/csr';
import { validityWindow } from '../engine/validity';
import type { SigningPlan } from '../../shared/domain/csr';
import { readSubjectAltNames } from '../engine/describe';
import { generateKeyPair, importSigningKey } from '../engine/keys';
import { fromX509Name } from '../engine/names';
import type { IssuedCertificate, Issuer } from '../engine/profiles/common';
import { createIntermediateCertificate } from '../engine/profiles/intermediate';
import { createLeafCertificate } from '../engine/profiles/leaf';
import { normaliseSerial, randomSerialNumber } from '../engine/serial';
import { crypto, x509, type CryptoKey } from '../engine/x509';
import type { KdfCost, KdfPolicy } from '../vault/kdf';
import { subkey, wipe } from '../vault/secrets';
import { applyEntries, type Inventory } from './inventory';
import { scanJournal, type JournalKeys, type JournalWriter } from './journal';
import { readKeyFile, writeKeyFile } from './key-file';
import { openSlot, sealSlot, sha256Hex, writeKeyring, type Keyring } from './keyring';
import { INTERMEDIATE_KEY_FILE, PENDING_KEY_FILE, STORE_FILES } from './layout';
import type { StoreLock } from './lock';
import { checkNewPassphrase } from './passphrase-policy';
import { throttled, type UnlockThrottle } from './throttle';

export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

/** What a session is built from; store.ts assembles it on unlock. */
export interface SessionParts {
  readonly dir: string;
  keyring: Keyring;
  readonly dataKey: Buffer;
  readonly inventory: Inventory;
  readonly writer: JournalWriter;
  readonly intermediateKey: CryptoKey | null;
  readonly lock: StoreLock;
  readonly clock: Clock;
  readonly throttle: UnlockThrottle;
  readonly kdfPolicy?: KdfPolicy;
  readonly idleTimeoutMs: number;
  /** Repairs made while opening, for the officer. */
  readonly notices: readonly string[];
}

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

export interface IntermediateOptions {
  readonly subject: DistinguishedName;
  readonly key?: KeyAlgorithm;
  readonly days?: number;
  readonly purpose?: CaPurpose;
  readonly nameConstraints?: NameConstraintsSpec;
  readonly crlDistributionUrl?: string;
}

type Lifecycle = 'open' | 'locked';

export class Session {
  private state: Lifecycle = 'open';
  private timer: unknown = null;
  private queue: Promise<unknown> = Promise.resolve();
  private intermediateKey: CryptoKey | null;
  private readonly keys: JournalKeys & { intermediate: Buffer };
  private readonly lockListeners = new Set<() => void>();

  constructor(private readonly parts: SessionParts) {
    this.intermediateKey = parts.intermediateKey;
    this.keys = {
      record: subkey(parts.dataKey, 'journal', parts.keyring.storeId),
      head: subkey(parts.dataKey, 'journal-head', parts.keyring.storeId),
      intermediate: subkey(parts.dataKey, 'intermediate-key', parts.keyring.storeId),
    };
    this.armTimer();
  }

  get locked(): boolean {
    return this.state === 'locked';
  }

  get storeId(): string {
    return this.parts.keyring.storeId;
  }

  get dir(): string {
    return this.parts.dir;
  }

  get notices(): readonly string[] {
    return this.parts.notices;
  }

  /** The inventory as replayed from the journal. */
  get inventory(): Inventory {
    this.active();
    return this.parts.inventory;
  }

  get head(): JournalHead {
    this.active();
    return this.parts.writer.current;
  }

  /** When the idle timer will lock the session, in ms since the epoch. */
  get locksAt(): number {
    return this.lastActivity + this.parts.idleTimeoutMs;
  }

  private lastActivity = 0;

  onLock(listener: () => void): () => void {
    this.lockListeners.add(listener);
    return () => this.lockListeners.delete(listener);
  }

  /** Drops every key and the data key, and releases the store. Safe to call twice. */
  async lock(): Promise<void> {
    if (this.state === 'locked') return;
    this.state = 'locked';
    if (this.timer !== null) this.parts.clock.clearTimeout(this.timer);
    this.intermediateKey = null;
    wipe(this.parts.dataKey, this.keys.record, this.keys.head, this.keys.intermediate);
    await this.parts.lock.release();
    for (const listener of this.lockListeners) listener();
  }

  /** Resets the idle timer; called by every operation. */
  touch(): void {
    this.active();
    this.armTimer();
  }

  private armTimer(): void {
    if (this.timer !== null) this.parts.clock.clearTimeout(this.timer);
    this.lastActivity = this.parts.clock.now();
    this.timer = this.parts.clock.setTimeout(() => void this.lock(), this.parts.idleTimeoutMs);
  }

  private active(): void {
    if (this.state === 'locked') {
      throw new RootkeeperError('LOCKED', 'The store is locked. Unlock it with the operator passphrase to continue.');
    }
  }

  /** One operation at a time, so two clicks cannot interleave journal appends. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    try {
      this.touch();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const run = this.queue.then(() => {
      this.active();
      return operation();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Appends events durably, then applies them to the inventory. */
  private async record(events: JournalEvent[]): Promise<JournalHead> {
    const before = this.parts.writer.current.sequence;
    const head = await this.parts.writer.append(events);
    applyEntries(
      this.parts.inventory,
      events.map((event, index) => ({ sequence: before + index + 1, event })),
    );
    return head;
  }

  private rootCertificate(): x509.X509Certificate {
    const root = this.parts.inventory.root;
    if (!root) throw new RootkeeperError('INTERNAL', 'The store has no root certificate.');
    return parsedCertificate(root.certificate);
  }

  private intermediateIssuer(): Issuer {
    const intermediate = this.parts.inventory.intermediate;
    if (!intermediate || !this.intermediateKey) {
      throw rejected(
        'policy',
        'There is no intermediate CA yet: create one (or import one) before issuing certificates.',
      );
    }
    return {
      certificate: parsedCertificate(intermediate.certificate),
      signingKey: this.intermediateKey,
      ancestors: [this.rootCertificate()],
    };
  }

  /** A serial no certificate of this CA has: random, and checked against the journal. */
  private freshSerial(ca: CaRole): string {
    const taken = ca === 'root' ? this.parts.inventory.intermediates : this.parts.inventory.certificates;
    for (;;) {
      const serial = normaliseSerial(randomSerialNumber())!;
      if (!taken.has(serial)) return serial;
    }
  }

  /**
   * Unlocks the root for one operation: decrypt, import as a non-extractable
   * key, run, drop. The decrypted bytes are wiped before `use` even starts.
   */
  private async withRoot<T>(rootPassphrase: string, use: (issuer: Issuer) => Promise<T>): Promise<T> {
    const { value: pkcs8 } = await throttled(this.parts.throttle, `${this.parts.dir}#root`, () =>
      openSlot(this.parts.keyring, 'root-private-key', rootPassphrase, this.parts.kdfPolicy, 'root'),
    );
    let signingKey: CryptoKey;
    try {
      signingKey = await importSigningKey(pkcs8, false);
    } finally {
      wipe(pkcs8);
    }
    // The key lives in this frame only: when `use` returns, nothing refers to it.
    return use({ certificate: this.rootCertificate(), signingKey });
  }

  /** A server or client certificate with a key generated here. */
  issue(options: IssueOptions): Promise<IssuedWithKey> {
    return this.exclusive(async () => {
      const keys = await generateKeyPair(options.key ?? DEFAULT_LEAF_KEY, true);
      const issued = await createLeafCertificate({
        ...options,
        publicKey: keys.publicKey,
        issuer: this.intermediateIssuer(),
        serialNumber: this.freshSerial('intermediate'),
      });
      const privateKey = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
      await this.record([issuedEvent(issued, options.profile, 'generated-key')]);
      return { issued, privateKey };
    });
  }

  /** What would be issued for a request, without signing: the comparison the officer confirms. */
  planRequest(
    request: ParsedCsr,
    options: { profile: LeafProfile; days?: number; sans?: readonly SubjectAltName[] },
  ): SigningPlan {
    this.touch();
    return planCsrSigning(request, { ...options, issuer: this.intermediateIssuer() });
  }

  /** The store's root certificate, DER. */
  chainRoot(): Uint8Array {
    return Buffer.from(this.rootCertificate().rawData);
  }

  /** The certificates issuing needs in bundles: the intermediate and the root, as DER. */
  chain(): { intermediate: Uint8Array; root: Uint8Array } {
    const inventory = this.inventory;
    if (!inventory.intermediate || !inventory.root) throw rejected('policy', 'There is no intermediate CA yet.');
    return {
      intermediate: Buffer.from(inventory.intermediate.certificate, 'base64'),
      root: Buffer.from(inventory.root.certificate, 'base64'),
    };
  }

  /**
   * Signs many requests with one journal append (one fsync for the batch)
   * and the issuer's side of every certificate encoded once. Every request is
   * planned first: one refusal refuses the batch before anything is signed.
   */
  signRequests(
    requests: readonly ParsedCsr[],
    options: { profile: LeafProfile; days?: number; sans?: readonly SubjectAltName[] },
    /** Called with the plans before anything is signed; throwing there refuses the batch. */
    beforeSigning: (plans: readonly SigningPlan[]) => void = () => undefined,
  ): Promise<BatchIssued[]> {
    return this.exclusive(async () => {
      const issuer = this.intermediateIssuer();
      const now = new Date();
      const plans = requests.map((request, index) =>
        this.plannedOrRefused(request, { ...options, issuer, now }, index),
      );
      beforeSigning(plans);
      const window = validityWindow(plans[0]?.days ?? 1, now, issuer.certificate.notAfter);
      const template = leafTemplate(issuer, options.profile, window);
      const serials = new Set<string>();
      const issued = requests.map((request, index): BatchIssued => {
        let serial = this.freshSerial('intermediate');
        while (serials.has(serial)) serial = this.freshSerial('intermediate');
        serials.add(serial);
        const plan = plans[index]!;
        const der = signLeaf(template, {
          subject: request.subject,
          spki: new Uint8Array(request.request.publicKey.rawData),
          keyFamily: request.key.family,
          sans: plan.sans,
          serialNumber: serial,
        });
        return { der, serialNumber: serial, plan, warnings: plan.warnings };
      });
      await this.record(issued.map((certificate) => plannedEvent(certificate, options.profile)));
      return issued;
    });
  }

  private plannedOrRefused(
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
  renew(serial: string, days?: number): Promise<IssuedCertificate> {
    return this.exclusive(async () => {
      const previous = this.findCertificate(serial);
      const certificate = new x509.X509Certificate(Buffer.from(previous.certificate, 'base64'));
      const issued = await createLeafCertificate({
        profile: previous.profile,
        subject: subjectOf(certificate),
        sans: previous.sans,
        publicKey: certificate.publicKey,
        issuer: this.intermediateIssuer(),
        serialNumber: this.freshSerial('intermediate'),
        ...(days ? { days } : {}),
      });
      await this.record([issuedEvent(issued, previous.profile, 'renewal')]);
      return issued;
    });
  }

  /** Renewal with a new key made here: the same subject, names and profile; the key goes to the bundle. */
  renewWithNewKey(serial: string, key: KeyAlgorithm, days?: number): Promise<IssuedWithKey> {
    return this.exclusive(async () => {
      const previous = this.findCertificate(serial);
      const certificate = new x509.X509Certificate(Buffer.from(previous.certificate, 'base64'));
      const keys = await generateKeyPair(key, true);
      const issued = await createLeafCertificate({
        profile: previous.profile,
        subject: subjectOf(certificate),
        sans: previous.sans,
        publicKey: keys.publicKey,
        issuer: this.intermediateIssuer(),
        serialNumber: this.freshSerial('intermediate'),
        ...(days ? { days } : {}),
      });
      const privateKey = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
      await this.record([issuedEvent(issued, previous.profile, 'renewal')]);
      return { issued, privateKey };
    });
  }

  revoke(serialText: string, reason: RevocationReason = 'unspecified'): Promise<JournalHead> {
    return this.exclusive(async () => {
      const serial = this.findCertificate(serialText).serial;
      const existing = this.parts.inventory.certificates.get(serial)!;
      if (existing.revocation)
        throw rejected('exists', `Certificate ${serial} was already revoked on ${existing.revocation.at}.`);
      return this.record([
        { type: 'certificate-revoked', at: new Date().toISOString(), ca: 'intermediate', serial, reason },
      ]);
    });
  }

  /** Revokes an intermediate this store's root issued; the root's CRL lists it. */
  revokeIntermediate(serialText: string, reason: RevocationReason = 'unspecified'): Promise<JournalHead> {
    return this.exclusive(async () => {
      const serial = normaliseSerial(serialText);
      const existing = serial ? this.parts.inventory.intermediates.get(serial) : undefined;
      if (!serial || !existing)
        throw rejected('not-found', `No intermediate with serial ${serialText} was issued by this root.`);
      if (existing.revocation)
        throw rejected('exists', `Intermediate ${serial} was already revoked on ${existing.revocation.at}.`);
      return this.record([{ type: 'certificate-revoked', at: new Date().toISOString(), ca: 'root', serial, reason }]);
    });
  }

  findCertificate(serialText: string) {
    const serial = normaliseSerial(serialText);
    const record = serial ? this.parts.inventory.certificates.get(serial) : undefined;
    if (!record) throw rejected('not-found', `No certificate with serial ${serialText} was issued by this store.`);
    return record;
  }

  /** The intermediate's CRL, with the next CRL number. */
  generateCrl(days?: number): Promise<IssuedCrl> {
    return this.exclusive(async () => {
      const entries = [...this.parts.inventory.certificates.values()]
        .filter((record) => record.revocation)
        .map((record) => ({
          serialNumber: record.serial,
          revokedAt: new Date(record.revocation!.at),
          reason: record.revocation!.reason,
        }));
      const crl = await createCrl({
        issuer: this.intermediateIssuer(),
        crlNumber: this.parts.inventory.crls.intermediate.lastNumber + 1,
        entries,
        ...(days ? { days } : {}),
      });
      await this.record([crlEvent('intermediate', crl, entries.length)]);
      return crl;
    });
  }

  /** The root's CRL (revoked intermediates), signed by the root unlocked for this alone. */
  generateRootCrl(rootPassphrase: string, days = 365): Promise<IssuedCrl> {
    return this.exclusive(async () => {
      const entries = [...this.parts.inventory.intermediates.values()]
        .filter((record) => record.revocation)
        .map((record) => ({
          serialNumber: record.serial,
          revokedAt: new Date(record.revocation!.at),
          reason: record.revocation!.reason,
        }));
      const crl = await this.withRoot(rootPassphrase, (issuer) =>
        createCrl({ issuer, crlNumber: this.parts.inventory.crls.root.lastNumber + 1, entries, days }),
      );
      await this.record([crlEvent('root', crl, entries.length)]);
      return crl;
    });
  }

  /** A new intermediate signed by the root, which is unlocked for this alone. */
  createIntermediate(rootPassphrase: string, options: IntermediateOptions): Promise<IssuedCertificate> {
    return this.exclusive(async () => {
      const keys = await generateKeyPair(options.key ?? DEFAULT_CA_KEY, true);
      const issued = await this.withRoot(rootPassphrase, (issuer) =>
        createIntermediateCertificate({
          ...options,
          publicKey: keys.publicKey,
          issuer,
          serialNumber: this.freshSerial('root'),
        }),
      );
      await this.adoptIntermediateKey(keys.privateKey, issued.der);
      const sha256 = sha256Hex(issued.der);
      await this.record([
        {
          type: 'intermediate-issued',
          at: new Date().toISOString(),
          certificate: base64(issued.der),
          sha256,
          serial: issued.serialNumber,
        },
      ]);
      return issued;
    });
  }

  /** A key and CSR for an intermediate whose root lives on another machine. */
  requestIntermediate(subject: DistinguishedName, key: KeyAlgorithm = DEFAULT_CA_KEY): Promise<Uint8Array> {
    return this.exclusive(async () => {
      const keys = await generateKeyPair(key, true);
      const csr = await createCaRequest(subject, keys);
      const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
      try {
        await writeKeyFile(
          this.parts.dir,
          PENDING_KEY_FILE,
          { storeId: this.storeId, purpose: 'pending-intermediate-key', boundTo: sha256Hex(csr) },
          this.keys.intermediate,
          pkcs8,
        );
      } finally {
        wipe(pkcs8);
      }
      await this.record([
        {
          type: 'intermediate-requested',
          at: new Date().toISOString(),
          csr: base64(csr),
          subject: formatDistinguishedName(subject),
        },
      ]);
      return csr;
    });
  }

  /** Imports the certificate the other root signed: it must certify the pending key and chain to this store's root. */
  importIntermediate(
    certificateDer: Uint8Array,
    validate: (certificate: x509.X509Certificate) => Promise<void>,
  ): Promise<void> {
    return this.exclusive(async () => {
      const pending = this.parts.inventory.pendingRequest;
      if (!pending) throw rejected('policy', 'No intermediate request is pending: create one first.');
      const csr = Buffer.from(pending.csr, 'base64');
      const pkcs8 = await readKeyFile(
        this.parts.dir,
        PENDING_KEY_FILE,
        { storeId: this.storeId, purpose: 'pending-intermediate-key', boundTo: sha256Hex(csr) },
        this.keys.intermediate,
      );
      try {
        const certificate = new x509.X509Certificate(Buffer.from(certificateDer));
        const request = new x509.Pkcs10CertificateRequest(csr);
        if (!(await certificateMatchesKey(certificate, request.publicKey))) {
          throw rejected(
            'policy',
            'This certificate is not for the pending intermediate key: it certifies another key.',
          );
        }
        await validate(certificate);
        const key = await importSigningKey(pkcs8, false);
        await this.storeIntermediateKeyBytes(pkcs8, certificateDer);
        this.intermediateKey = key;
      } finally {
        wipe(pkcs8);
      }
      await this.record([
        {
          type: 'intermediate-imported',
          at: new Date().toISOString(),
          certificate: base64(certificateDer),
          sha256: sha256Hex(certificateDer),
        },
      ]);
    });
  }

  private async adoptIntermediateKey(privateKey: CryptoKey, certificateDer: Uint8Array): Promise<void> {
    const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', privateKey));
    try {
      const key = await importSigningKey(pkcs8, false);
      await this.storeIntermediateKeyBytes(pkcs8, certificateDer);
      this.intermediateKey = key;
    } finally {
      wipe(pkcs8);
    }
  }

  /** Writes the key file, then the public copy of the certificate in the store file. */
  private async storeIntermediateKeyBytes(pkcs8: Buffer, certificateDer: Uint8Array): Promise<void> {
    await writeKeyFile(
      this.parts.dir,
      INTERMEDIATE_KEY_FILE,
      { storeId: this.storeId, purpose: 'intermediate-key', boundTo: sha256Hex(certificateDer) },
      this.keys.intermediate,
      pkcs8,
    );
    this.parts.keyring = {
      ...this.parts.keyring,
      certificates: { ...this.parts.keyring.certificates, intermediate: base64(certificateDer) },
    };
    await writeKeyring(this.parts.dir, this.parts.keyring);
  }

  /** Journals what happened outside the journal: an export or backup written, a repair on opening, failed unlocks. */
  note(
    events: Extract<JournalEvent, { type: 'export-written' | 'backup-made' | 'journal-recovered' | 'unlock-failed' }>[],
  ): Promise<JournalHead> {
    return this.exclusive(() => this.record(events));
  }

  /** Changes a passphrase: only the store file's slot is rewritten; nothing else is re-encrypted. */
  changePassphrase(which: 'root' | 'operator', current: string, next: string, cost?: KdfCost): Promise<void> {
    return this.exclusive(async () => {
      const purpose = which === 'root' ? 'root-private-key' : 'operator-data-key';
      const { value: secret } = await throttled(this.parts.throttle, `${this.parts.dir}#${which}`, () =>
        openSlot(this.parts.keyring, purpose, current, this.parts.kdfPolicy, which),
      );
      try {
        await checkNewPassphrase(this.parts.keyring, which, next, this.parts.kdfPolicy, this.rootSubjectWords());
        const slot = await sealSlot(
          this.parts.keyring,
          purpose,
          next,
          cost ?? slotCost(this.parts.keyring, which),
          secret,
          this.parts.keyring.certificates.root,
        );
        this.parts.keyring = { ...this.parts.keyring, slots: { ...this.parts.keyring.slots, [which]: slot } };
        await writeKeyring(this.parts.dir, this.parts.keyring);
      } finally {
        wipe(secret);
      }
      await this.record([{ type: 'passphrase-changed', at: new Date().toISOString(), which }]);
    });
  }

  private rootSubjectWords(): string[] {
    return this.rootCertificate()
      .subject.split(/[=,\s]+/)
      .filter((word) => word.length > 2);
  }

  /**
   * Journal entries `first` to `last` (sequence numbers, inclusive), read
   * and verified from disk: the inventory keeps only what the events built.
   */
  readJournal(first = 1, last = Number.MAX_SAFE_INTEGER): Promise<JournalEntry[]> {
    return this.exclusive(async () => {
      const entries: JournalEntry[] = [];
      await scanJournal(this.parts.dir, this.storeId, this.keys, (entry) => {
        if (entry.sequence >= first && entry.sequence <= last) entries.push(entry);
      });
      return entries;
    });
  }

  /** Re-reads and re-verifies the whole journal from disk; returns its head. */
  verifyJournal(): Promise<JournalHead> {
    return this.exclusive(async () => {
      const scan = await scanJournal(this.parts.dir, this.storeId, this.keys);
      if (scan.needsTruncate || scan.needsHeadWrite) {
        throw new RootkeeperError(
          'STORE_DAMAGED',
          'The journal on disk no longer matches this session: another process changed it.',
        );
      }
      return scan.head;
    });
  }

  /** The store's files as they are between operations, read under the session's exclusivity, for a backup. */
  snapshot(): Promise<Map<string, Buffer>> {
    return this.exclusive(async () => {
      const files = new Map<string, Buffer>();
      for (const name of STORE_FILES) {
        const bytes = await readFile(path.join(this.parts.dir, name)).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        });
        if (bytes) files.set(name, bytes);
      }
      return files;
    });
  }

  /** The data key's backup subkey, for backup.ts; never leaves the main side. */
  backupKey(): Buffer {
    this.active();
    return subkey(this.parts.dataKey, 'backup', this.storeId);
  }

  get keyring(): Keyring {
    return this.parts.keyring;
  }
}

function slotCost(keyring: Keyring, which: 'root' | 'operator'): KdfCost {
  const { memoryKiB, passes, parallelism } = keyring.slots[which].kdf;
  return { memoryKiB, passes, parallelism };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** A renewal keeps the subject as issued. */
function subjectOf(certificate: x509.X509Certificate): DistinguishedName {
  return fromX509Name(certificate.subjectName).dn;
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

/** The CA certificates are parsed once, not on every issue: a batch asks for them thousands of times. */
const parsedCertificates = new Map<string, x509.X509Certificate>();
function parsedCertificate(base64: string): x509.X509Certificate {
  let certificate = parsedCertificates.get(base64);
  if (!certificate) {
    certificate = new x509.X509Certificate(Buffer.from(base64, 'base64'));
    parsedCertificates.set(base64, certificate);
  }
  return certificate;
}

/** A certificate of a batch: its DER and the plan it was signed from. */
export interface BatchIssued {
  readonly der: Uint8Array;
  readonly serialNumber: string;
  readonly plan: SigningPlan;
  readonly warnings: readonly string[];
}

/** The journal event of a batch certificate, from its plan: nothing is parsed back. */
function plannedEvent(issued: BatchIssued, profile: LeafProfile): JournalEvent {
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
  };
}

function crlEvent(ca: CaRole, crl: IssuedCrl, entries: number): JournalEvent {
  return {
    type: 'crl-generated',
    at: new Date().toISOString(),
    ca,
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    entries,
    sha256: sha256Hex(crl.der),
  };
}
