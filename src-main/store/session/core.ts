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
import type { Issuer, SigningProvider } from '../../engine/profiles/common';
import { normaliseSerial, randomSerialNumber } from '../../engine/serial';
import { x509, type CryptoKey } from '../../engine/x509';
import type { KdfPolicy } from '../../vault/kdf';
import { subkey, wipe } from '../../vault/secrets';
import { passphraseSource } from '../../custody/passphrase';
import type { RootKeySource, RootSigner, RootSlotAccess } from '../../custody/root-source';
import { applyEntries, type Inventory } from '../inventory';
import type { JournalKeys, JournalWriter } from '../journal';
import { bindKeyring, generationOf, journalKeysFor } from '../epochs';
import { keyringText, sharesSlotOf, tokenSlotOf, type Keyring } from '../keyring';
import { STORE_FILE } from '../layout';
import { changeStoreFiles, type StagedFile } from '../transaction';
import type { Witness } from '../witness';
import { rootSlotAccess, type RootOpened } from '../root-access';
import type { StoreLock } from '../lock';
import type { FailureSummary, UnlockThrottle } from '../throttle';

export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * Records `changeKeyring` journals after the current head up to the first
 * one after the store file is in place: store-file-changing, change-begun,
 * the commit, then change-ended (the first of a new data key's epoch).
 */
export const KEYRING_CHANGE_RECORDS = 4;

/** What a session is built from; store.ts assembles it on unlock. */
export interface SessionParts {
  readonly dir: string;
  keyring: Keyring;
  /** Replaced (and the old one wiped) when the operator passphrase changes: a new epoch. */
  dataKey: Buffer;
  readonly inventory: Inventory;
  readonly writer: JournalWriter;
  /** The signing keys of the intermediate generations that still sign (active and retired), by serial. */
  readonly intermediateKeys: ReadonlyMap<string, CryptoKey>;
  readonly lock: StoreLock;
  readonly clock: Clock;
  readonly throttle: UnlockThrottle;
  /** Moved forward after every append; null for none. */
  readonly witness: Witness | null;
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
  /** Operations under way (exclusive ones): the idle timer does not lock during one. */
  private running = 0;
  private readonly lockListeners = new Set<() => void>();
  /** The generations' signing keys (non-extractable), while unlocked. */
  readonly intermediateKeys: Map<string, CryptoKey>;
  /** For a generation whose key stays on a PKCS#11 token: the token's provider, which signs with that key. */
  readonly intermediateProviders = new Map<string, SigningProvider>();
  /** Logs out of and closes the intermediates' tokens opened in this session, on lock. */
  private readonly tokenReleases: (() => void)[] = [];
  keys: JournalKeys & { intermediate: Buffer };

  constructor(readonly parts: SessionParts) {
    this.intermediateKeys = new Map(parts.intermediateKeys);
    this.keys = sessionKeys(parts.keyring, parts.dataKey);
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

  /** Keeps a token open until the session locks (an intermediate's key signs through it meanwhile). */
  holdUntilLock(release: () => void): void {
    this.tokenReleases.push(release);
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
    this.intermediateProviders.clear();
    for (const release of this.tokenReleases.splice(0)) release();
    wipe(this.parts.dataKey);
    wipeKeys(this.keys);
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
    this.timer = this.parts.clock.setTimeout(() => this.idle(), this.parts.idleTimeoutMs);
  }

  /** An operation still running is not idleness: a batch of thousands must not lose its session halfway. */
  private idle(): void {
    if (this.running > 0) this.armTimer();
    else void this.lock();
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
      this.running++;
      try {
        return await operation();
      } finally {
        this.running--;
        // The idle time counts from the end of the operation.
        if (this.state !== 'locked') this.armTimer();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Appends events durably, applies them to the inventory, and moves the witness on. */
  async record(events: JournalEvent[]): Promise<JournalHead> {
    const before = this.parts.writer.current.sequence;
    const head = await this.parts.writer.append(events);
    applyEntries(
      this.parts.inventory,
      events.map((event, index) => ({ sequence: before + index + 1, event })),
    );
    await this.parts.witness?.record(this.storeId, head);
    return head;
  }

  /**
   * Changes the store file, and the key files given with it, as one
   * transaction (transaction.ts) that writes the store file as its next
   * generation (epochs.ts), under `dataKey` (a new one after an operator
   * passphrase change):
   *   1. `store-file-changing` names the generation; the new store file is
   *      bound to the head that ends with it;
   *   2. the transaction journals `change-begun`, stages the files, journals
   *      `commit` and puts the files in place, the store file last;
   *   3. then the session takes the new store file (and data key), and the
   *      head is rewritten to name the new generation, under the new key,
   *      before `change-ended`: the first record of a new data key's epoch.
   * A crash before the commit rolls the change back on opening; one after it
   * is completed, and a head still one generation behind, its journal ending
   * with exactly these records, is recognised and brought up to date
   * (store.ts checkBinding).
   */
  async changeKeyring(
    kind: string,
    next: Keyring,
    commit: JournalEvent,
    keyFiles: readonly StagedFile[] = [],
    dataKey: Buffer = this.parts.dataKey,
  ): Promise<void> {
    const generation = generationOf(this.parts.keyring) + 1;
    const start = this.parts.writer.current.sequence;
    // The intent first: the store file is bound to the head that ends with it.
    await this.record([{ type: 'store-file-changing', at: new Date().toISOString(), generation }]);
    const bound = bindKeyring({ ...next, binding: this.parts.keyring.binding }, dataKey, this.parts.writer.current);
    const rekeyed = dataKey !== this.parts.dataKey;
    // change-begun, the commit, then change-ended: the first record under the new data key.
    if (rekeyed && bound.epochs?.firstSequence !== start + KEYRING_CHANGE_RECORDS)
      throw new RootkeeperError('INTERNAL', 'The new data key’s epoch does not start after the change’s records.');
    const files = [...keyFiles, { name: STORE_FILE, data: keyringText(bound) }];
    await changeStoreFiles(this, kind, files, commit, async () => {
      this.parts.keyring = bound;
      if (rekeyed) {
        const old = this.parts.dataKey;
        const oldKeys = this.keys;
        this.parts.dataKey = dataKey;
        this.keys = sessionKeys(bound, dataKey);
        wipe(old);
        wipeKeys(oldKeys);
      }
      await this.parts.writer.rebind(this.keys, generationOf(bound));
    });
  }

  /** Journals the wrong passphrases that came before a success (the throttle's count, with times). */
  async recordFailures(which: 'operator' | 'root', failures: FailureSummary | null): Promise<void> {
    if (failures) await this.record([{ type: 'unlock-failed', at: new Date().toISOString(), which, ...failures }]);
  }

  rootCertificate(): x509.X509Certificate {
    const root = this.parts.inventory.root;
    if (!root) throw new RootkeeperError('INTERNAL', 'The store has no root certificate.');
    return parsedCertificate(root.certificate);
  }

  intermediateIssuer(): Issuer {
    const intermediate = this.parts.inventory.intermediate;
    if (!intermediate) {
      const revoked = [...this.parts.inventory.intermediates.values()].some(
        (record) => record.revocation && !record.external,
      );
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
    if (record?.token && !signingKey)
      throw rejected(
        'policy',
        `The intermediate ${serial}'s key lives on PKCS#11 token ${record.token.serial} (key id ${record.token.keyId}): plug the token in and give its PIN (--intermediate-pin-passin) to sign with it.`,
      );
    if (!record || !signingKey)
      throw rejected('policy', `The intermediate ${serial} cannot sign here: its key is not in this store.`);
    const provider = this.intermediateProviders.get(serial);
    return {
      certificate: parsedCertificate(record.certificate),
      signingKey,
      ancestors: [this.rootCertificate()],
      ...(provider ? { provider } : {}),
    };
  }

  /** The journal record of a use of a generation's key on its token (none for a key in the store), to append with what it signed. */
  tokenUse(serial: string | undefined = this.parts.inventory.intermediate?.serial): JournalEvent[] {
    const token =
      serial !== undefined && this.intermediateProviders.has(serial)
        ? this.parts.inventory.intermediates.get(serial)?.token
        : undefined;
    if (!token) return [];
    return [
      {
        type: 'intermediate-token',
        at: new Date().toISOString(),
        intermediate: serial!,
        serial: token.serial,
        keyId: token.keyId,
        action: 'used',
      },
    ];
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
   * The store file's token slot must name the token and key the journal
   * recorded (at init, or the last copy onto a token), before any PIN
   * reaches a token. An edited version-2 store file is already refused on
   * opening (its binding MAC); a version-1 file has no MAC and still opens,
   * so this is what refuses one edited to name another token
   * (test/interop/token-gaps-cli.test.ts).
   */
  private checkRecordedToken(): void {
    const slot = tokenSlotOf(this.parts.keyring);
    if (!slot) return;
    const recorded = this.parts.inventory.rootToken;
    if (recorded && recorded.serial === slot.serial && recorded.keyId === slot.keyId) return;
    throw rejected(
      'policy',
      recorded
        ? `The store file names token ${slot.serial} (key id ${slot.keyId}) for the root, but the journal recorded token ${recorded.serial} (key id ${recorded.keyId}): refused.`
        : `The store file names token ${slot.serial} for the root, but the journal records no root key on a token: refused.`,
    );
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
    this.checkRecordedToken();
    let opened: RootOpened | null = null;
    const signer = await source.signer(rootAccessOf(this, (result) => (opened = result)));
    try {
      // The wrong root secrets before this success go on the record, then the count starts again.
      const result = opened as RootOpened | null;
      if (result) {
        await this.recordFailures('root', result.failures);
        await result.clear();
      }
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

function sessionKeys(keyring: Keyring, dataKey: Buffer): JournalKeys & { intermediate: Buffer } {
  return { ...journalKeysFor(keyring, dataKey), intermediate: subkey(dataKey, 'intermediate-key', keyring.storeId) };
}

function wipeKeys(keys: JournalKeys & { intermediate: Buffer }): void {
  wipe(keys.record, keys.head, keys.intermediate, ...(keys.older ?? []).flatMap((epoch) => [epoch.record, epoch.head]));
}

/** What a root key source may see of this session's store (a function, so the core hands out nothing root-ish). */
export function rootAccessOf(core: SessionCore, opened?: (result: RootOpened) => void): RootSlotAccess {
  return rootSlotAccess(core.parts.dir, core.parts.keyring, core.parts.throttle, core.parts.kdfPolicy, opened);
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
