/**
 * Creating a store (the key ceremony), reading its public parts without a
 * passphrase, and unlocking it into a session. Unlocking verifies everything
 * before it writes anything: the store file, the whole journal chain and its
 * head, the certificates against the journal, the intermediate's key against
 * its certificate.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { removeCreated } from '../exports/reservation';
import { DEFAULT_CA_KEY, type KeyAlgorithm } from '../../shared/domain/pki';
import type { JournalEvent, JournalHead } from '../../shared/domain/journal';
import { RootkeeperError, rejected } from '../../shared/errors';
import { commonNameOf, type DistinguishedName } from '../../shared/validators/distinguished-name';
import { systemClock, type Clock } from '../clock';
import { fingerprints } from '../engine/formats/certificates';
import { toArrayBuffer } from '../engine/bytes';
import { generateKeyPair } from '../engine/keys';
import { createRootCertificate } from '../engine/profiles/root';
import { crypto, x509, type CryptoKey } from '../engine/x509';
import { DEFAULT_KDF_COST, PRODUCTION_KDF_POLICY, checkKdfFloor, type KdfCost, type KdfPolicy } from '../vault/kdf';
import { subkey, wipe } from '../vault/secrets';
import { keptInJournal, type CeremonyHook } from '../custody/ceremony-record';
import type { SharesSlot } from '../custody/custody-slot';
import { signerFromPkcs8, type RootKeySource, type RootSigner } from '../custody/root-source';
import type { TokenSlot } from '../custody/token/token-slot';
import { checkCustodyPlan, prepareCustody, type CustodyPlan, type ShareFileOut } from '../custody/share-delivery';
import { StoreDamagedError } from './damage';
import { inspectStoreFolder } from './folder';
import { IGNORED_ON_REPLAY, emptyInventory, applyEntries, type Inventory } from './inventory';
import { JournalWriter, scanJournal, type JournalScan, type WriteGuard } from './journal';
import { JournalIndex } from './journal-index';
import type { readKeyFile } from './key-file';
import { writeKeyFile } from './key-file';
import {
  STORE_FORMAT,
  STORE_VERSION,
  openSlot,
  readKeyring,
  sealSlot,
  sha256Hex,
  writeKeyring,
  type Keyring,
} from './keyring';
import { INTERMEDIATE_KEY_FILE, JOURNAL_HEAD_FILE, PENDING_KEY_FILE, STORE_FILE } from './layout';
import { acquireStoreLock } from './lock';
import { isRestoreStaged, resolveInterruptedRestore } from './restore-staging';
import { ChangeTracker, resolveChanges, type Resolution } from './transaction';
import { checkPassphraseStrength } from './passphrase-policy';
import { DEFAULT_IDLE_TIMEOUT_MS, Session } from './session';
import { checkPublicCopy, loadGenerationKeys } from './session/authorities';
import { UnlockThrottle, throttled, type FailureSummary } from './throttle';
import { Witness, witnessRollback, type WitnessEntry } from './witness';
import { PENDING_NOTES_FILE, clearPendingNotes, pendingEvents } from './pending-notes';
import type { OutsideEvent } from './session/journal-access';
import {
  bindKeyring,
  checkBindingMac,
  generationOf,
  journalKeysFor,
  readKeyFileOfAnyEpoch,
  rolledBack,
} from './epochs';

/** One throttle per process: wrong passphrases count across sessions and windows. */
const processThrottle = new UnlockThrottle(systemClock);

export interface StoreEnvironment {
  /** Production code never sets this; tests pass the low-cost policy from test/support/kdf.ts. */
  readonly kdfPolicy?: KdfPolicy;
  readonly clock?: Clock;
  readonly throttle?: UnlockThrottle;
  /**
   * The per-user rollback witness (witness.ts). Absent: the user's, at the
   * platform's path; null: none (scratch copies). Tests inject one by
   * pointing XDG_CONFIG_HOME at a temporary folder.
   */
  readonly witness?: Witness | null;
  /** The argon2id cost of a new store when the request names none: the default, except in tests. */
  readonly kdfCost?: KdfCost;
}

export interface NewStorePassphrases extends StoreEnvironment {
  readonly dir: string;
  /** The root passphrase; absent when the root goes straight into custody. */
  readonly rootPassphrase?: string;
  readonly operatorPassphrase: string;
  /** The root key on a PKCS#11 token instead (token-ceremony.ts): no root passphrase, no custody. */
  readonly rootOnToken?: boolean;
  /** M-of-N custody instead of a root passphrase: the shares are delivered before the store exists. */
  readonly custody?: CustodyPlan & { deliver(files: readonly ShareFileOut[]): Promise<void> };
  /** A signed ceremony record, written once the store exists. */
  readonly ceremony?: CeremonyHook;
}

export interface CreateStoreOptions extends NewStorePassphrases {
  readonly rootSubject: DistinguishedName;
  readonly rootKey?: KeyAlgorithm;
  readonly rootDays?: number;
}

export interface CreatedStore {
  readonly storeId: string;
  readonly rootCertificate: Uint8Array;
  /** SHA-256 of the root certificate, colon-separated: for the officer's paper log. */
  readonly rootSha256: string;
  /** The journal's head after the ceremony, for the ceremony record. */
  readonly head: JournalHead;
}

/** The key ceremony: a new root, its key sealed under the root passphrase (or custody), and an empty journal. */
export async function createStore(options: CreateStoreOptions): Promise<CreatedStore> {
  if (!commonNameOf(options.rootSubject)) throw rejected('invalid-name', 'The root needs a common name (CN=…).');
  const context = options.rootSubject.map((component) => component.value);
  return withNewStoreFolder(options, context, (cost, guard) => ceremony(options, cost, guard));
}

/**
 * What every new store goes through, made here or imported: the passphrase
 * policy (or the custody plan), a folder that is empty (or missing), and the
 * store's lock held while `write` runs.
 */
export async function withNewStoreFolder<T>(
  options: NewStorePassphrases,
  context: readonly string[],
  write: (cost: KdfCost, guard: WriteGuard) => Promise<T>,
): Promise<T> {
  const policy = options.kdfPolicy ?? PRODUCTION_KDF_POLICY;
  const cost = options.kdfCost ?? DEFAULT_KDF_COST;
  checkKdfFloor(cost, policy);
  const ways = [options.rootPassphrase !== undefined, options.custody !== undefined, options.rootOnToken === true];
  if (ways.filter(Boolean).length !== 1) {
    throw rejected(
      'invalid-option',
      'The root needs exactly one of a root passphrase, custodians (M-of-N) or a PKCS#11 token.',
    );
  }
  if (options.custody) checkCustodyPlan(options.custody);
  if (options.rootPassphrase !== undefined) await checkPassphraseStrength('root', options.rootPassphrase, [...context]);
  await checkPassphraseStrength('operator', options.operatorPassphrase, [...context]);
  if (options.rootPassphrase === options.operatorPassphrase) {
    throw rejected('policy', 'The root and operator passphrases must differ.');
  }
  const state = await inspectStoreFolder(options.dir);
  if (state === 'initialized') throw rejected('exists', `${options.dir} already holds a Rootkeeper store.`);
  if (state === 'foreign')
    throw rejected('policy', `${options.dir} holds other files; choose an empty folder for the store.`);
  const created = await mkdir(options.dir, { recursive: true, mode: 0o700 });

  const lock = await acquireStoreLock(options.dir);
  let written = false;
  try {
    // Every write re-checks that the lock is still this process's.
    const result = await write(cost, () => lock.verify());
    written = true;
    return result;
  } finally {
    await lock.release();
    // A refused init leaves no trace: the folders it made go again while empty.
    if (!written) removeCreated(path.resolve(options.dir), created);
  }
}

async function ceremony(options: CreateStoreOptions, cost: KdfCost, guard: WriteGuard): Promise<CreatedStore> {
  let head: JournalHead;
  const log = options.ceremony?.log;
  log?.step(
    `The argon2id cost (${cost.memoryKiB / 1024} MiB, ${cost.passes} passes) and the passphrase policy were checked.`,
  );
  const storeId = randomUUID();
  const rootKeys = await generateKeyPair(options.rootKey ?? DEFAULT_CA_KEY, true);
  log?.step(`The root key pair (${options.rootKey ?? DEFAULT_CA_KEY}) was generated on this machine.`);
  const root = await createRootCertificate({
    subject: options.rootSubject,
    keys: rootKeys,
    ...(options.rootDays ? { days: options.rootDays } : {}),
  });
  log?.signed(`the root certificate ${root.certificate.subject} (self-signed)`, root.der);
  const rootPkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', rootKeys.privateKey));
  try {
    head = await sealNewStore(options, cost, { storeId, rootCertificate: root.der, rootPkcs8 }, guard);
  } finally {
    wipe(rootPkcs8);
  }
  return { storeId, rootCertificate: root.der, rootSha256: fingerprints(root.der).sha256, head };
}

export interface NewStoreContents {
  readonly storeId: string;
  readonly rootCertificate: Uint8Array;
  /** The root's PKCS#8; the caller wipes it. Absent when the root key is on a token. */
  readonly rootPkcs8?: Buffer;
  /** The root on a token: its slot, and a signer through the token for the ceremony record. */
  readonly rootToken?: { readonly slot: TokenSlot; readonly signer: RootSigner };
  /** An intermediate that issues from the start (an import); its PKCS#8 the caller wipes. */
  readonly intermediate?: { readonly certificate: Uint8Array; readonly pkcs8: Buffer };
  /** Events after store-created and root-created, in the same first append. */
  readonly events?: (at: string) => JournalEvent[];
}

/**
 * Seals the keys and writes a new store's files: the root key only under the
 * root passphrase (or a custody key split into shares, delivered first), a
 * fresh data key under the operator passphrase, the intermediate key (if any)
 * under the data key, the journal, and the store file last (bound to the
 * journal's head, generation 1): until it exists, the folder is not a store.
 * A ceremony record, if asked for, follows; the witness then records the
 * new store's head.
 */
export async function sealNewStore(
  options: NewStorePassphrases,
  cost: KdfCost,
  contents: NewStoreContents,
  guard: WriteGuard,
): Promise<JournalHead> {
  const { storeId } = contents;
  const log = options.ceremony?.log;
  const der = contents.rootCertificate;
  const root = { certificate: new x509.X509Certificate(toArrayBuffer(der)), der };
  const rootCertificate = Buffer.from(contents.rootCertificate).toString('base64');
  const dataKey = randomBytes(32);
  try {
    const partial = { storeId };
    const custody = options.custody
      ? await shareRootKey(options.custody, root, storeId, pkcs8Of(contents), cost)
      : null;
    for (const custodian of custody?.slot.custodians ?? []) {
      const names = custody!.files
        .map((file) => file.name)
        .filter((name) => name.startsWith(`share-${custodian.index}-`));
      log?.receiving(custodian, names);
    }
    const tokenSlot = contents.rootToken?.slot;
    const rootSlot =
      custody?.slot ??
      tokenSlot ??
      (await sealSlot(partial, 'root-private-key', options.rootPassphrase!, cost, pkcs8Of(contents), rootCertificate));
    log?.step(
      custody
        ? 'The root key was sealed under the custody key, then the custody key was wiped.'
        : tokenSlot
          ? `The root key stays on PKCS#11 token ${tokenSlot.serial} (key id ${tokenSlot.keyId}); the store keeps only where it is.`
          : 'The root key was sealed under the root passphrase.',
    );
    const operatorSlot = await sealSlot(partial, 'operator-data-key', options.operatorPassphrase, cost, dataKey);
    const intermediate = contents.intermediate;
    if (intermediate) await sealIntermediateKey(options.dir, storeId, dataKey, intermediate);
    const createdAt = new Date().toISOString();
    const writer = await JournalWriter.create(
      options.dir,
      storeId,
      journalKeys(dataKey, storeId),
      [
        { type: 'store-created', at: createdAt, storeId, kdf: { ...cost } },
        {
          type: 'root-created',
          at: createdAt,
          certificate: rootCertificate,
          sha256: sha256Hex(contents.rootCertificate),
        },
        ...(custody ? [custodyCreated(createdAt, custody.slot)] : []),
        ...(tokenSlot
          ? [
              {
                type: 'root-token' as const,
                at: createdAt,
                serial: tokenSlot.serial,
                keyId: tokenSlot.keyId,
                action: 'created' as const,
              },
            ]
          : []),
        ...(contents.events?.(createdAt) ?? []),
      ],
      1,
      guard,
    );
    await guard();
    // The store file goes last: until it exists, the folder is not a store.
    const unbound: Keyring = {
      format: STORE_FORMAT,
      version: STORE_VERSION,
      storeId,
      createdAt,
      slots: { operator: operatorSlot, root: rootSlot },
      certificates: {
        root: rootCertificate,
        intermediate: intermediate ? Buffer.from(intermediate.certificate).toString('base64') : null,
      },
    };
    await writeKeyring(options.dir, bindKeyring(unbound, dataKey, writer.current));
    log?.step('The store file was written: the store exists.');
    if (options.ceremony) {
      const signer =
        contents.rootToken?.signer ?? (await signerFromPkcs8(Buffer.from(pkcs8Of(contents)), root.certificate, []));
      await recordCeremony(options.ceremony, writer, root, signer, custody?.slot ?? null, storeId);
    }
    await witnessOf(options)?.record(storeId, writer.current);
    return writer.current;
  } finally {
    wipe(dataKey);
  }
}

function pkcs8Of(contents: NewStoreContents): Buffer {
  if (!contents.rootPkcs8)
    throw rejected('invalid-option', 'The root key is on a token: it cannot be sealed or shared.');
  return contents.rootPkcs8;
}

/** Splits a custody key into the plan's shares and delivers their files before anything of the store is written. */
async function shareRootKey(
  plan: NonNullable<NewStorePassphrases['custody']>,
  root: { certificate: x509.X509Certificate; der: Uint8Array },
  storeId: string,
  rootPkcs8: Buffer,
  cost: KdfCost,
) {
  const facts = { storeName: root.certificate.subject, storeId, rootSha256: fingerprints(root.der).sha256 };
  const custody = await prepareCustody(
    plan,
    { storeId, rootCertificateSha256: sha256Hex(root.der), facts },
    rootPkcs8,
    cost,
  );
  await plan.deliver(custody.files);
  return custody;
}

function custodyCreated(at: string, slot: SharesSlot): JournalEvent {
  return {
    type: 'custody-created',
    at,
    threshold: slot.threshold,
    total: slot.total,
    setId: slot.setId,
    custodians: slot.custodians.map(({ index, name }) => ({ index, name })),
    replaces: null,
  };
}

async function sealIntermediateKey(
  dir: string,
  storeId: string,
  dataKey: Buffer,
  intermediate: { readonly certificate: Uint8Array; readonly pkcs8: Buffer },
): Promise<void> {
  const key = subkey(dataKey, 'intermediate-key', storeId);
  try {
    await writeKeyFile(
      dir,
      INTERMEDIATE_KEY_FILE,
      { storeId, purpose: 'intermediate-key', boundTo: sha256Hex(intermediate.certificate) },
      key,
      intermediate.pkcs8,
    );
  } finally {
    wipe(key);
  }
}

/** The key ceremony's record, signed by the new root before its key is dropped, then journaled. */
async function recordCeremony(
  hook: CeremonyHook,
  writer: JournalWriter,
  root: { certificate: x509.X509Certificate; der: Uint8Array },
  signer: RootSigner,
  slot: SharesSlot | null,
  storeId: string,
): Promise<void> {
  const written = await hook.write(
    {
      store: { id: storeId, rootSubject: root.certificate.subject, rootSha256: fingerprints(root.der).sha256 },
      custody: slot ? { threshold: slot.threshold, total: slot.total, setId: slot.setId } : null,
      journal: { before: null, after: writer.current },
    },
    signer,
    root.der,
  );
  await writer.append([
    {
      type: 'ceremony-recorded',
      at: new Date().toISOString(),
      operation: 'init',
      file: written.json,
      sha256: written.sha256,
      ...keptInJournal(hook),
    },
  ]);
}

export function journalKeys(dataKey: Buffer, storeId: string) {
  return { record: subkey(dataKey, 'journal', storeId), head: subkey(dataKey, 'journal-head', storeId) };
}

/** The environment's witness: the user's unless one (or none) is given. */
export function witnessOf(environment: StoreEnvironment): Witness | null {
  return environment.witness === undefined ? Witness.forUser() : environment.witness;
}

/** A store opened without a passphrase: its public certificates, as the store file holds them. */
export class ClosedStore {
  private constructor(
    readonly dir: string,
    private readonly keyring: Keyring,
    private readonly environment: StoreEnvironment,
    /** What opening repaired before the store file was read (an interrupted restore finished). */
    private readonly openingNotices: readonly string[],
  ) {}

  static async open(dir: string, environment: StoreEnvironment = {}): Promise<ClosedStore> {
    const restored = await finishInterruptedRestore(dir);
    const keyring = await readKeyring(dir);
    if (!keyring) throw rejected('not-found', `${dir} does not hold a Rootkeeper store.`);
    return new ClosedStore(dir, keyring, environment, restored ? [restored] : []);
  }

  get storeId(): string {
    return this.keyring.storeId;
  }

  /** The root certificate's clear copy. Unlocking re-checks it against the journal. */
  get rootCertificate(): Uint8Array {
    return Buffer.from(this.keyring.certificates.root, 'base64');
  }

  get intermediateCertificate(): Uint8Array | null {
    const intermediate = this.keyring.certificates.intermediate;
    return intermediate ? Buffer.from(intermediate, 'base64') : null;
  }

  /**
   * Opens an operator session, after verifying the whole store, its binding
   * to the journal and the witness. A wrong passphrase changes no file but
   * the throttle's. `ignoreWitness` is for `acceptRollback` alone.
   */
  async unlock(
    operatorPassphrase: string,
    options: { idleTimeoutMs?: number; ignoreWitness?: boolean } = {},
  ): Promise<Session> {
    const env = this.environment;
    const throttle = env.throttle ?? processThrottle;
    const witness = witnessOf(env);
    const lock = await acquireStoreLock(this.dir);
    let dataKey: Buffer | null = null;
    try {
      // Re-read under the lock: another process may have changed it since open().
      const keyring = (await readKeyring(this.dir)) ?? missing();
      const opened = await throttled(throttle, { dir: this.dir, which: 'operator' }, () =>
        openSlot(keyring, 'operator-data-key', operatorPassphrase, env.kdfPolicy, 'operator'),
      );
      dataKey = opened.value;
      const seen = options.ignoreWitness ? null : ((await witness?.read(keyring.storeId)) ?? null);
      // The binding and the witness are checked before anything is written.
      let scanned = await scanStore(this.dir, keyring, dataKey, seen);
      // A change a crash interrupted is finished or undone before anything is checked against the files.
      const resolution = await resolveChanges(this.dir, scanned.changes.open);
      let current = keyring;
      if (resolution.events.length > 0) {
        current = (await readKeyring(this.dir)) ?? missing();
        if (dataKeyChanged(keyring, current)) throw rekeyCompleted();
        // The store file may now be the change's new generation, bound to another head: checked afresh.
        scanned = await scanStore(this.dir, current, dataKey, seen);
      }
      const verified = await checkStore(this.dir, current, dataKey, scanned);
      const writer = await JournalWriter.resume(
        this.dir,
        current.storeId,
        journalKeysFor(current, dataKey),
        verified.scan,
        generationOf(current),
        () => lock.verify(),
      );
      const resealed = await resealKeyFiles(this.dir, current, dataKey, verified.inventory);
      const notices = [
        ...this.openingNotices,
        ...lock.notices,
        ...verified.scan.notices,
        ...resolution.notices,
        ...resealed,
      ];
      const session = new Session({
        dir: this.dir,
        keyring: current,
        dataKey,
        inventory: verified.inventory,
        writer,
        intermediateKeys: verified.intermediateKeys,
        lock,
        clock: env.clock ?? systemClock,
        throttle,
        witness,
        ...(env.kdfPolicy ? { kdfPolicy: env.kdfPolicy } : {}),
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        notices,
      });
      await recordOpening(session, notices, opened.failures, resolution.events);
      await opened.clear();
      // The session shares this array: what settling did is shown with the other notices.
      notices.push(...(await settleOpening(session)));
      await recordPendingNotes(session);
      await witness?.record(current.storeId, session.head);
      return session;
    } catch (error) {
      wipe(dataKey);
      await lock.release();
      throw error;
    }
  }
}

/** A restore a crash interrupted is finished or undone, under the lock, before the store file is read. */
async function finishInterruptedRestore(dir: string): Promise<string | null> {
  if (!(await isRestoreStaged(dir))) return null;
  const lock = await acquireStoreLock(dir);
  try {
    return await resolveInterruptedRestore(dir);
  } finally {
    await lock.release();
  }
}

/**
 * Whether the store file a resolution put in place wraps another data key
 * than the one unlocked: a committed operator passphrase change (a new
 * epoch) was completed, and only its new passphrase opens the store now.
 */
function dataKeyChanged(before: Keyring, after: Keyring): boolean {
  return (before.epochs?.firstSequence ?? 1) !== (after.epochs?.firstSequence ?? 1);
}

function rekeyCompleted(): RootkeeperError {
  return new RootkeeperError(
    'WRONG_PASSPHRASE',
    'An operator passphrase change was interrupted after it was journaled; it was completed on opening, so the store now opens with the new operator passphrase only. Unlock again with the new one.',
  );
}
export interface AcceptedRollback {
  /** The older copy's head, as found. */
  readonly from: JournalHead;
  /** The head after the acceptance was journaled. */
  readonly head: JournalHead;
  readonly lastSeen: WitnessEntry;
}

/**
 * `audit accept-rollback`: an older copy of a store, put back on purpose,
 * opens again. It must be behind the witness (else there is nothing to
 * accept), needs the operator and the root (its passphrase, a quorum of its
 * custodians' shares or its token's PIN), is journaled, and
 * moves the witness back to it.
 */
export async function acceptRollback(
  dir: string,
  operatorPassphrase: string,
  root: string | RootKeySource,
  environment: StoreEnvironment = {},
): Promise<AcceptedRollback> {
  const witness = witnessOf(environment);
  const store = await ClosedStore.open(dir, environment);
  const lastSeen = await witness?.read(store.storeId);
  if (!witness || !lastSeen)
    throw rejected('policy', 'There is no rollback to accept: no witness has seen this store.');
  const session = await store.unlock(operatorPassphrase, { ignoreWitness: true });
  try {
    const head = session.head;
    const behind = head.sequence < lastSeen.sequence;
    const matches = !behind && (await session.chainHashAt(lastSeen.sequence)) === lastSeen.chainHash;
    if (matches)
      throw rejected('policy', 'There is no rollback to accept: this store is not behind what was last seen.');
    await session.confirmRoot(root);
    await session.note([
      {
        type: 'rollback-accepted',
        at: new Date().toISOString(),
        sequence: head.sequence,
        chainHash: head.chainHash,
        lastSeen: lastSeen.sequence,
        lastSeenHash: lastSeen.chainHash,
      },
    ]);
    await witness.record(store.storeId, session.head, { back: true });
    return { from: head, head: session.head, lastSeen };
  } finally {
    await session.lock();
  }
}

function missing(): never {
  throw new StoreDamagedError(STORE_FILE, 'it disappeared while the store was being opened');
}

export interface VerifiedStore {
  readonly scan: JournalScan;
  readonly inventory: Inventory;
  readonly intermediateKeys: Map<string, CryptoKey>;
}

/**
 * Everything checked, nothing written: the journal, its binding to the store
 * file and, when `seen` is given, the witness's last sight of it.
 */
export async function verifyStore(
  dir: string,
  keyring: Keyring,
  dataKey: Buffer,
  seen: WitnessEntry | null = null,
): Promise<VerifiedStore> {
  const scanned = await scanStore(dir, keyring, dataKey, seen);
  if (scanned.changes.open.length > 0)
    throw new StoreDamagedError(STORE_FILE, 'a change of its files was interrupted; unlock the store to finish it');
  return checkStore(dir, keyring, dataKey, scanned);
}

interface ScannedStore {
  readonly scan: JournalScan;
  readonly inventory: Inventory;
  readonly changes: ChangeTracker;
}

/**
 * The journal read and verified against its head, replayed into the
 * inventory; then checked against the store file's binding and the witness.
 */
async function scanStore(
  dir: string,
  keyring: Keyring,
  dataKey: Buffer,
  seen: WitnessEntry | null,
): Promise<ScannedStore> {
  checkBindingMac(keyring, dataKey);
  const inventory = emptyInventory();
  const changes = new ChangeTracker();
  const bound = keyring.binding?.journal.sequence;
  const checkpoints = [bound, seen?.sequence].filter((n) => n !== undefined);
  let boundEvent = null as JournalEvent | null;
  // The records after the bound one, as far as an interrupted change of the store file reaches (checkBinding).
  const afterBound: JournalEvent[] = [];
  // Applied as read: a 100,000-record journal is never held in memory as events.
  const scan = await scanJournal(
    dir,
    keyring.storeId,
    journalKeysFor(keyring, dataKey),
    (entry) => {
      if (entry.sequence === bound) boundEvent = entry.event;
      else if (bound !== undefined && entry.sequence > bound && afterBound.length <= CHANGE_RECORDS)
        afterBound.push(entry.event);
      applyEntries(inventory, [entry]);
      changes.observe(entry);
    },
    {
      checkpoints,
      // Where each record lies: the certificates are read back from the journal when asked for, not kept.
      index: new JournalIndex(),
      // What replay ignores is not parsed, except where the store file's binding looks at the records.
      skip: {
        kinds: IGNORED_ON_REPLAY,
        keep: (sequence) =>
          sequence === bound || (bound !== undefined && sequence > bound && afterBound.length <= CHANGE_RECORDS),
      },
    },
  );
  const notice = checkBinding(keyring, scan, boundEvent, afterBound);
  if (notice) scan.notices.push(notice);
  if (seen) checkWitness(scan, seen);
  return { scan, inventory, changes };
}

/** The store file and the key files checked against the replayed journal. */
async function checkStore(
  dir: string,
  keyring: Keyring,
  dataKey: Buffer,
  { scan, inventory }: ScannedStore,
): Promise<VerifiedStore> {
  if (inventory.storeId !== keyring.storeId)
    throw new StoreDamagedError(STORE_FILE, 'its store id is not the journal’s');
  if (!inventory.root || inventory.root.certificate !== keyring.certificates.root) {
    throw new StoreDamagedError(STORE_FILE, 'its root certificate is not the one the journal recorded');
  }
  checkPublicCopy(keyring, inventory);
  const intermediateKeys = await loadGenerationKeys(dir, keyring, dataKey, inventory);
  if (inventory.pendingRequest) await checkPendingKey(dir, keyring, dataKey, inventory.pendingRequest.csr);
  return { scan, inventory, intermediateKeys };
}

async function checkPendingKey(dir: string, keyring: Keyring, dataKey: Buffer, csr: string): Promise<void> {
  const { pkcs8 } = await readKeyFileOfAnyEpoch(
    dir,
    PENDING_KEY_FILE,
    { storeId: keyring.storeId, purpose: 'pending-intermediate-key', boundTo: sha256Hex(Buffer.from(csr, 'base64')) },
    keyring,
    dataKey,
  );
  wipe(pkcs8);
}

/**
 * The records a change of the store file journals after its
 * `store-file-changing` intent and before the store file's rename: the
 * transaction's `change-begun` and its commit event (transaction.ts).
 */
const CHANGE_RECORDS = 2;

/** Whether `after` is exactly an unfinished transaction that puts a new store file in place. */
function storeFileChangeInFlight(after: readonly JournalEvent[]): boolean {
  if (after.length !== CHANGE_RECORDS) return false;
  const [begun, commit] = after;
  return (
    begun?.type === 'change-begun' &&
    begun.files.some((file) => file.name === STORE_FILE) &&
    commit?.type === begun.commit
  );
}

/**
 * Checks the store file and the journal against each other (epochs.ts):
 * equal generations, and the journal passing through the head the store
 * file was written at. The one mismatch accepted is the head one generation
 * behind, its journal ending with the store file's intent and the
 * transaction that put it in place (its begin and its commit): a change
 * stopped after the store file's rename, before the head followed it. That
 * returns a notice; the head is rewritten as the store opens.
 */
function checkBinding(
  keyring: Keyring,
  scan: JournalScan,
  boundEvent: JournalEvent | null,
  afterBound: readonly JournalEvent[],
): string | null {
  const stored = generationOf(keyring);
  const { generation } = scan.headFile;
  if (generation > stored)
    throw rolledBack(
      `the store file is older than the journal (the journal's head names store-file write ${generation}, the store file is write ${stored})`,
    );
  const bound = keyring.binding?.journal;
  if (!bound) return null;
  const intent = boundEvent?.type === 'store-file-changing' && boundEvent.generation === stored;
  const reached = scan.hashes.get(bound.sequence) === bound.chainHash;
  if (generation === stored - 1 && intent && reached && storeFileChangeInFlight(afterBound))
    return 'A change of the store file was interrupted before the journal head followed it; the head was brought up to date.';
  if (generation < stored)
    throw rolledBack(
      `the journal and its head are older than the store file (the head names store-file write ${generation}, the store file is write ${stored})`,
    );
  if (scan.headFile.underOlderKey)
    throw new StoreDamagedError(JOURNAL_HEAD_FILE, 'it was authenticated with a data key this store no longer uses');
  if (scan.head.sequence < bound.sequence)
    throw rolledBack(
      `the journal ends at record ${scan.head.sequence}, but the store file was written when it had ${bound.sequence}`,
    );
  if (!reached)
    throw rolledBack(`the journal's record ${bound.sequence} is not the one the store file was written after`);
  return null;
}

function checkWitness(scan: JournalScan, seen: WitnessEntry): void {
  if (scan.head.sequence < seen.sequence) throw witnessRollback(scan.head.sequence, seen, false);
  if (scan.hashes.get(seen.sequence) !== seen.chainHash) throw witnessRollback(scan.head.sequence, seen, true);
}

/**
 * Key files still sealed under an earlier data key (a passphrase change
 * stopped before it re-sealed them) are re-sealed under the current one.
 */
async function resealKeyFiles(dir: string, keyring: Keyring, dataKey: Buffer, inventory: Inventory): Promise<string[]> {
  const notices: string[] = [];
  const files: [string, Parameters<typeof readKeyFile>[2]][] = [];
  // Every generation's key file still on disk (loadGenerationKeys reads only those that still sign).
  for (const generation of inventory.intermediates.values())
    if (generation.keyFile && existsSync(path.join(dir, generation.keyFile)))
      files.push([
        generation.keyFile,
        {
          storeId: keyring.storeId,
          purpose: 'intermediate-key',
          boundTo: sha256Hex(Buffer.from(generation.certificate, 'base64')),
        },
      ]);
  const pending = inventory.pendingRequest?.csr;
  if (pending)
    files.push([
      PENDING_KEY_FILE,
      {
        storeId: keyring.storeId,
        purpose: 'pending-intermediate-key',
        boundTo: sha256Hex(Buffer.from(pending, 'base64')),
      },
    ]);
  for (const [name, binding] of files) {
    const { pkcs8, current } = await readKeyFileOfAnyEpoch(dir, name, binding, keyring, dataKey);
    try {
      if (current) continue;
      const key = subkey(dataKey, 'intermediate-key', keyring.storeId);
      await writeKeyFile(dir, name, binding, key, pkcs8);
      wipe(key);
      notices.push(`${name} was still sealed under the data key before the last passphrase change; it was re-sealed.`);
    } finally {
      wipe(pkcs8);
    }
  }
  return notices;
}

/** Journals the exports made while the store was locked (pending-notes.ts), then drops their notes. */
async function recordPendingNotes(session: Session): Promise<void> {
  const pending = await pendingEvents(session.dir);
  if (!pending) return;
  const at = new Date().toISOString();
  const skipped = pending.skipped
    ? [
        {
          type: 'journal-recovered' as const,
          at,
          notice: `${pending.skipped} line(s) of ${PENDING_NOTES_FILE} were not export notes and were dropped.`,
        },
      ]
    : [];
  try {
    if (pending.events.length + skipped.length > 0)
      await session.note([...pending.events, ...skipped] as OutsideEvent[]);
    await clearPendingNotes(session.dir);
  } catch (error) {
    await session.lock();
    throw error;
  }
}

/** Finishes or abandons an intermediate generation an interruption cut short (session/authorities.ts). */
async function settleOpening(session: Session): Promise<string[]> {
  try {
    return await session.settle();
  } catch (error) {
    await session.lock();
    throw error;
  }
}

/** Journals what the opening found: repairs made, and wrong passphrases tried before. */
async function recordOpening(
  session: Session,
  notices: readonly string[],
  failures: FailureSummary | null,
  resolved: readonly Resolution['events'][number][],
): Promise<void> {
  const at = new Date().toISOString();
  const events = [
    ...resolved,
    ...notices.map((notice) => ({ type: 'journal-recovered' as const, at, notice })),
    ...(failures ? [{ type: 'unlock-failed' as const, at, which: 'operator' as const, ...failures }] : []),
  ];
  if (events.length === 0) return;
  try {
    await session.note(events);
  } catch (error) {
    await session.lock();
    throw error;
  }
}
