/**
 * The session core: what every capability of an unlocked store shares — the
 * keys in memory, the idle lock, the one-operation-at-a-time queue, and
 * `record(events)` into the journal. The capabilities (issuing, revocation
 * and CRLs, certificate authorities, passphrases, the journal on disk) are
 * functions of this core, one module each beside this file.
 */
import type { CaRole, JournalEvent, JournalHead } from '../../../shared/domain/journal';
import { RootkeeperError, rejected } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Issuer } from '../../engine/profiles/common';
import { normaliseSerial, randomSerialNumber } from '../../engine/serial';
import { x509, type CryptoKey } from '../../engine/x509';
import type { KdfPolicy } from '../../vault/kdf';
import { subkey, wipe } from '../../vault/secrets';
import { passphraseSource } from '../../custody/passphrase';
import type { RootKeySource, RootSigner, RootSlotAccess } from '../../custody/root-source';
import { applyEntries, type Inventory } from '../inventory';
import type { JournalKeys, JournalWriter } from '../journal';
import { sharesSlotOf, type Keyring } from '../keyring';
import { rootSlotAccess } from '../root-access';
import type { StoreLock } from '../lock';
import type { UnlockThrottle } from '../throttle';

export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

/** What a session is built from; store.ts assembles it on unlock. */
export interface SessionParts {
  readonly dir: string;
  keyring: Keyring;
  readonly dataKey: Buffer;
  readonly inventory: Inventory;
  readonly writer: JournalWriter;
  /** The signing keys of the intermediate generations that still sign (active and retired), by serial. */
  readonly intermediateKeys: ReadonlyMap<string, CryptoKey>;
  readonly lock: StoreLock;
  readonly clock: Clock;
  readonly throttle: UnlockThrottle;
  readonly kdfPolicy?: KdfPolicy;
  readonly idleTimeoutMs: number;
  /** Repairs made while opening, for the officer. */
  readonly notices: readonly string[];
}

type Lifecycle = 'open' | 'locked';

export class SessionCore {
  private state: Lifecycle = 'open';
  private timer: unknown = null;
  private queue: Promise<unknown> = Promise.resolve();
  private lastActivity = 0;
  private readonly lockListeners = new Set<() => void>();
  /** The generations' signing keys (non-extractable), while unlocked. */
  readonly intermediateKeys: Map<string, CryptoKey>;
  readonly keys: JournalKeys & { intermediate: Buffer };

  constructor(readonly parts: SessionParts) {
    this.intermediateKeys = new Map(parts.intermediateKeys);
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

  /** When the idle timer will lock the session, in ms since the epoch. */
  get locksAt(): number {
    return this.lastActivity + this.parts.idleTimeoutMs;
  }

  onLock(listener: () => void): () => void {
    this.lockListeners.add(listener);
    return () => this.lockListeners.delete(listener);
  }

  /** Drops every key and the data key, and releases the store. Safe to call twice. */
  async lock(): Promise<void> {
    if (this.state === 'locked') return;
    this.state = 'locked';
    if (this.timer !== null) this.parts.clock.clearTimeout(this.timer);
    this.intermediateKeys.clear();
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

  active(): void {
    if (this.state === 'locked') {
      throw new RootkeeperError('LOCKED', 'The store is locked. Unlock it with the operator passphrase to continue.');
    }
  }

  /** One operation at a time, so two clicks cannot interleave journal appends. */
  exclusive<T>(operation: () => Promise<T>): Promise<T> {
    try {
      this.touch();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const run = this.queue.then(async () => {
      this.active();
      // A stolen lock stops the operation before its first write (key file, store file or journal).
      await this.parts.lock.verify();
      return operation();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Appends events durably, then applies them to the inventory. */
  async record(events: JournalEvent[]): Promise<JournalHead> {
    const before = this.parts.writer.current.sequence;
    const head = await this.parts.writer.append(events);
    applyEntries(
      this.parts.inventory,
      events.map((event, index) => ({ sequence: before + index + 1, event })),
    );
    return head;
  }

  rootCertificate(): x509.X509Certificate {
    const root = this.parts.inventory.root;
    if (!root) throw new RootkeeperError('INTERNAL', 'The store has no root certificate.');
    return parsedCertificate(root.certificate);
  }

  intermediateIssuer(): Issuer {
    const intermediate = this.parts.inventory.intermediate;
    if (!intermediate) {
      const revoked = [...this.parts.inventory.intermediates.values()].some((record) => record.revocation);
      throw rejected(
        'policy',
        revoked
          ? 'No intermediate CA is active (the last one was revoked): rotate to a new one before issuing certificates.'
          : 'There is no intermediate CA yet: create one (or import one) before issuing certificates.',
      );
    }
    return this.generationIssuer(intermediate.serial);
  }

  /** One generation as an issuer (for its own CRLs once retired). */
  generationIssuer(serial: string): Issuer {
    const record = this.parts.inventory.intermediates.get(serial);
    const signingKey = this.intermediateKeys.get(serial);
    if (!record || !signingKey)
      throw rejected('policy', `The intermediate ${serial} cannot sign here: its key is not in this store.`);
    return {
      certificate: parsedCertificate(record.certificate),
      signingKey,
      ancestors: [this.rootCertificate()],
    };
  }

  /** The links the active generation writes into every certificate it issues. */
  issuedLinks(): { crlDistributionUrl?: string; authorityInfoAccessUrl?: string } {
    const active = this.parts.inventory.intermediate;
    const record = active ? this.parts.inventory.intermediates.get(active.serial) : undefined;
    return {
      ...(record?.issuedCrlUrl ? { crlDistributionUrl: record.issuedCrlUrl } : {}),
      ...(record?.issuedAiaUrl ? { authorityInfoAccessUrl: record.issuedAiaUrl } : {}),
    };
  }

  /** A serial no certificate of this CA has: random, and checked against the journal. */
  freshSerial(ca: CaRole): string {
    const inventory = this.parts.inventory;
    const taken = ca === 'root' ? [inventory.intermediates, inventory.rootLeaves] : [inventory.certificates];
    for (;;) {
      const serial = normaliseSerial(randomSerialNumber())!;
      if (!taken.some((map) => map.has(serial)) && !inventory.abandonedSerials.has(serial)) return serial;
    }
  }

  /**
   * Unlocks the root for one operation through a root key source (a string
   * is the root passphrase): the source wipes the decrypted bytes before
   * `use` starts, the signer is released when `use` ends however it ends
   * (a token logs out), and nothing keeps it. Shares that opened it are
   * journaled at once: the root was in use.
   */
  async withRoot<T>(root: string | RootKeySource, use: (issuer: Issuer, signer: RootSigner) => Promise<T>): Promise<T> {
    const source = typeof root === 'string' ? passphraseSource(root) : root;
    const signer = await source.signer(rootAccessOf(this));
    try {
      const slot = sharesSlotOf(this.parts.keyring);
      if (slot && signer.present.length > 0) {
        await this.record([
          { type: 'root-quorum', at: new Date().toISOString(), setId: slot.setId, custodians: [...signer.present] },
        ]);
      }
      if (signer.token) {
        const { serial, keyId } = signer.token;
        await this.record([{ type: 'root-token', at: new Date().toISOString(), serial, keyId, action: 'used' }]);
      }
      return await use(signer.issuer, signer);
    } finally {
      await signer.release();
    }
  }
}

/** What a root key source may see of this session's store (a function, so the core hands out nothing root-ish). */
export function rootAccessOf(core: SessionCore): RootSlotAccess {
  return rootSlotAccess(core.parts.dir, core.parts.keyring, core.parts.throttle, core.parts.kdfPolicy);
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** The CA certificates are parsed once, not on every issue: a batch asks for them thousands of times. */
const parsedCertificates = new Map<string, x509.X509Certificate>();
export function parsedCertificate(base64Der: string): x509.X509Certificate {
  let certificate = parsedCertificates.get(base64Der);
  if (!certificate) {
    certificate = new x509.X509Certificate(Buffer.from(base64Der, 'base64'));
    parsedCertificates.set(base64Der, certificate);
  }
  return certificate;
}
