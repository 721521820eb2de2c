/**
 * Creating a store (the key ceremony), reading its public parts without a
 * passphrase, and unlocking it into a session. Unlocking verifies everything
 * before it writes anything: the store file, the whole journal chain and its
 * head, the certificates against the journal, the intermediate's key against
 * its certificate.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { DEFAULT_CA_KEY, type KeyAlgorithm } from '../../shared/domain/pki';
import { rejected } from '../../shared/errors';
import { commonNameOf, type DistinguishedName } from '../../shared/validators/distinguished-name';
import { systemClock, type Clock } from '../clock';
import { fingerprints } from '../engine/formats/certificates';
import { generateKeyPair, importSigningKey } from '../engine/keys';
import { createRootCertificate } from '../engine/profiles/root';
import { crypto, x509, type CryptoKey } from '../engine/x509';
import { DEFAULT_KDF_COST, PRODUCTION_KDF_POLICY, checkKdfFloor, type KdfCost, type KdfPolicy } from '../vault/kdf';
import { subkey, wipe } from '../vault/secrets';
import { StoreDamagedError } from './damage';
import { inspectStoreFolder } from './folder';
import { emptyInventory, applyEntries, type Inventory } from './inventory';
import { JournalWriter, scanJournal, type JournalScan } from './journal';
import { readKeyFile, writeKeyFile } from './key-file';
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
import { checkPassphraseStrength } from './passphrase-policy';
import { DEFAULT_IDLE_TIMEOUT_MS, Session } from './session';
import { UnlockThrottle, throttled, type FailureSummary } from './throttle';
import { Witness, witnessRollback, type WitnessEntry } from './witness';
import { PENDING_NOTES_FILE, clearPendingNotes, pendingEvents } from './pending-notes';
import type { OutsideEvent } from './session/journal-access';
import { bindKeyring, checkBindingMac, generationOf, journalKeysFor, keyFileKeys, rolledBack } from './epochs';
import type { JournalEvent, JournalHead } from '../../shared/domain/journal';

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

export interface CreateStoreOptions extends StoreEnvironment {
  readonly dir: string;
  readonly rootSubject: DistinguishedName;
  readonly rootKey?: KeyAlgorithm;
  readonly rootDays?: number;
  readonly rootPassphrase: string;
  readonly operatorPassphrase: string;
}

export interface CreatedStore {
  readonly storeId: string;
  readonly rootCertificate: Uint8Array;
  /** SHA-256 of the root certificate, colon-separated: for the officer's paper log. */
  readonly rootSha256: string;
  /** The journal's head after the ceremony, for the ceremony record. */
  readonly head: JournalHead;
}

/** The key ceremony: a new root, its key sealed under the root passphrase, and an empty journal. */
export async function createStore(options: CreateStoreOptions): Promise<CreatedStore> {
  const policy = options.kdfPolicy ?? PRODUCTION_KDF_POLICY;
  const cost = options.kdfCost ?? DEFAULT_KDF_COST;
  checkKdfFloor(cost, policy);
  const context = options.rootSubject.map((component) => component.value);
  checkPassphraseStrength('root', options.rootPassphrase, context);
  checkPassphraseStrength('operator', options.operatorPassphrase, context);
  if (options.rootPassphrase === options.operatorPassphrase) {
    throw rejected('policy', 'The root and operator passphrases must differ.');
  }
  if (!commonNameOf(options.rootSubject)) throw rejected('invalid-name', 'The root needs a common name (CN=…).');
  const state = await inspectStoreFolder(options.dir);
  if (state === 'initialized') throw rejected('exists', `${options.dir} already holds a Rootkeeper store.`);
  if (state === 'foreign')
    throw rejected('policy', `${options.dir} holds other files; choose an empty folder for the store.`);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });

  const lock = await acquireStoreLock(options.dir);
  try {
    return await ceremony(options, cost);
  } finally {
    await lock.release();
  }
}

async function ceremony(options: CreateStoreOptions, cost: KdfCost): Promise<CreatedStore> {
  let head: JournalHead;
  const storeId = randomUUID();
  const rootKeys = await generateKeyPair(options.rootKey ?? DEFAULT_CA_KEY, true);
  const root = await createRootCertificate({
    subject: options.rootSubject,
    keys: rootKeys,
    ...(options.rootDays ? { days: options.rootDays } : {}),
  });
  const rootCertificate = Buffer.from(root.der).toString('base64');
  const rootPkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', rootKeys.privateKey));
  const dataKey = randomBytes(32);
  try {
    const partial = { storeId };
    const rootSlot = await sealSlot(
      partial,
      'root-private-key',
      options.rootPassphrase,
      cost,
      rootPkcs8,
      rootCertificate,
    );
    const operatorSlot = await sealSlot(partial, 'operator-data-key', options.operatorPassphrase, cost, dataKey);
    const createdAt = new Date().toISOString();
    const writer = await JournalWriter.create(
      options.dir,
      storeId,
      journalKeys(dataKey, storeId),
      [
        { type: 'store-created', at: createdAt, storeId, kdf: { ...cost } },
        { type: 'root-created', at: createdAt, certificate: rootCertificate, sha256: sha256Hex(root.der) },
      ],
      1,
    );
    // The store file goes last: until it exists, the folder is not a store.
    const unbound: Keyring = {
      format: STORE_FORMAT,
      version: STORE_VERSION,
      storeId,
      createdAt,
      slots: { operator: operatorSlot, root: rootSlot },
      certificates: { root: rootCertificate, intermediate: null },
    };
    await writeKeyring(options.dir, bindKeyring(unbound, dataKey, writer.current));
    head = writer.current;
    await witnessOf(options)?.record(storeId, head);
  } finally {
    wipe(rootPkcs8, dataKey);
  }
  return { storeId, rootCertificate: root.der, rootSha256: fingerprints(root.der).sha256, head };
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
  ) {}

  static async open(dir: string, environment: StoreEnvironment = {}): Promise<ClosedStore> {
    const keyring = await readKeyring(dir);
    if (!keyring) throw rejected('not-found', `${dir} does not hold a Rootkeeper store.`);
    return new ClosedStore(dir, keyring, environment);
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
      const verified = await verifyStore(this.dir, keyring, dataKey, seen);
      const keys = journalKeysFor(keyring, dataKey);
      const writer = await JournalWriter.resume(this.dir, keyring.storeId, keys, verified.scan, generationOf(keyring));
      const resealed = await resealKeyFiles(this.dir, keyring, dataKey, verified.inventory);
      const notices = [...verified.scan.notices, ...resealed];
      const session = new Session({
        dir: this.dir,
        keyring,
        dataKey,
        inventory: verified.inventory,
        writer,
        intermediateKey: verified.intermediateKey,
        lock,
        clock: env.clock ?? systemClock,
        throttle,
        witness,
        ...(env.kdfPolicy ? { kdfPolicy: env.kdfPolicy } : {}),
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        notices,
      });
      await recordOpening(session, notices, opened.failures);
      await opened.clear();
      await recordPendingNotes(session);
      await witness?.record(keyring.storeId, session.head);
      return session;
    } catch (error) {
      wipe(dataKey);
      await lock.release();
      throw error;
    }
  }
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
 * accept), needs the operator and the root passphrase, is journaled, and
 * moves the witness back to it.
 */
export async function acceptRollback(
  dir: string,
  operatorPassphrase: string,
  rootPassphrase: string,
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
    await session.confirmRoot(rootPassphrase);
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
  readonly intermediateKey: CryptoKey | null;
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
  checkBindingMac(keyring, dataKey);
  const inventory = emptyInventory();
  const bound = keyring.binding?.journal.sequence;
  const checkpoints = [bound, seen?.sequence].filter((n) => n !== undefined);
  let boundEvent = null as JournalEvent | null;
  // Applied as read: a 100,000-record journal is never held in memory as events.
  const scan = await scanJournal(
    dir,
    keyring.storeId,
    journalKeysFor(keyring, dataKey),
    (entry) => {
      if (entry.sequence === bound) boundEvent = entry.event;
      applyEntries(inventory, [entry]);
    },
    { checkpoints },
  );
  const notice = checkBinding(keyring, scan, boundEvent);
  if (notice) scan.notices.push(notice);
  if (seen) checkWitness(scan, seen);
  if (inventory.storeId !== keyring.storeId)
    throw new StoreDamagedError(STORE_FILE, 'its store id is not the journal’s');
  if (!inventory.root || inventory.root.certificate !== keyring.certificates.root) {
    throw new StoreDamagedError(STORE_FILE, 'its root certificate is not the one the journal recorded');
  }
  if ((inventory.intermediate?.certificate ?? null) !== keyring.certificates.intermediate) {
    throw new StoreDamagedError(STORE_FILE, 'its intermediate certificate is not the one the journal recorded');
  }
  const intermediateKey = await loadIntermediateKey(dir, keyring, dataKey, inventory);
  if (inventory.pendingRequest) await checkPendingKey(dir, keyring, dataKey, inventory.pendingRequest.csr);
  return { scan, inventory, intermediateKey };
}

async function loadIntermediateKey(
  dir: string,
  keyring: Keyring,
  dataKey: Buffer,
  inventory: Inventory,
): Promise<CryptoKey | null> {
  if (!inventory.intermediate) return null;
  const der = Buffer.from(inventory.intermediate.certificate, 'base64');
  const { pkcs8 } = await readKeyFileOfAnyEpoch(
    dir,
    INTERMEDIATE_KEY_FILE,
    { storeId: keyring.storeId, purpose: 'intermediate-key', boundTo: sha256Hex(der) },
    keyring,
    dataKey,
  );
  try {
    const certificate = new x509.X509Certificate(der);
    const signingKey = await importSigningKey(pkcs8, false);
    if (!(await signsFor(signingKey, certificate)))
      throw new StoreDamagedError(INTERMEDIATE_KEY_FILE, 'it is not the key of the intermediate certificate');
    return signingKey;
  } finally {
    wipe(pkcs8);
  }
}

function publicAlgorithm(certificate: x509.X509Certificate): { name: string; namedCurve?: string; hash?: string } {
  const algorithm = certificate.publicKey.algorithm as { name: string; namedCurve?: string };
  return algorithm.name === 'ECDSA'
    ? { name: 'ECDSA', namedCurve: algorithm.namedCurve! }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

/** Proves the key file's key belongs to the certificate by signing and verifying a challenge. */
async function signsFor(signingKey: CryptoKey, certificate: x509.X509Certificate): Promise<boolean> {
  const challenge = randomBytes(32);
  const algorithm =
    signingKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
  const signature = await crypto.subtle.sign(algorithm, signingKey, challenge);
  const publicKey = await crypto.subtle.importKey(
    'spki',
    certificate.publicKey.rawData,
    publicAlgorithm(certificate),
    false,
    ['verify'],
  );
  return crypto.subtle.verify(algorithm, publicKey, signature, challenge);
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
 * Checks the store file and the journal against each other (epochs.ts):
 * equal generations, and the journal passing through the head the store
 * file was written at. The one mismatch accepted is the head one generation
 * behind at exactly that position: a change stopped after the store file was
 * written, before the head followed it. That returns a notice.
 */
function checkBinding(keyring: Keyring, scan: JournalScan, boundEvent: JournalEvent | null): string | null {
  const stored = generationOf(keyring);
  const { generation, sequence, chainHash } = scan.headFile;
  if (generation > stored)
    throw rolledBack(
      `the store file is older than the journal (the journal's head names store-file write ${generation}, the store file is write ${stored})`,
    );
  const bound = keyring.binding?.journal;
  if (!bound) return null;
  const intent =
    boundEvent?.type === 'store-file-changing' && boundEvent.generation === stored && scan.head.sequence === sequence;
  if (generation === stored - 1 && sequence === bound.sequence && chainHash === bound.chainHash && intent)
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
  if (scan.hashes.get(bound.sequence) !== bound.chainHash)
    throw rolledBack(`the journal's record ${bound.sequence} is not the one the store file was written after`);
  return null;
}

function checkWitness(scan: JournalScan, seen: WitnessEntry): void {
  if (scan.head.sequence < seen.sequence) throw witnessRollback(scan.head.sequence, seen, false);
  if (scan.hashes.get(seen.sequence) !== seen.chainHash) throw witnessRollback(scan.head.sequence, seen, true);
}

/** A key file sealed under any epoch's data key; `current` tells whether it is the current one's. */
async function readKeyFileOfAnyEpoch(
  dir: string,
  name: string,
  binding: Parameters<typeof readKeyFile>[2],
  keyring: Keyring,
  dataKey: Buffer,
): Promise<{ pkcs8: Buffer; current: boolean }> {
  const keys = keyFileKeys(keyring, dataKey);
  try {
    for (const [index, key] of keys.entries()) {
      try {
        return { pkcs8: await readKeyFile(dir, name, binding, key), current: index === 0 };
      } catch (error) {
        if (!(error instanceof StoreDamagedError) || index === keys.length - 1) throw error;
      }
    }
    throw new StoreDamagedError(name, 'it does not authenticate');
  } finally {
    wipe(...keys);
  }
}

/**
 * Key files still sealed under an earlier data key (a passphrase change
 * stopped before it re-sealed them) are re-sealed under the current one.
 */
async function resealKeyFiles(dir: string, keyring: Keyring, dataKey: Buffer, inventory: Inventory): Promise<string[]> {
  const notices: string[] = [];
  const certificate = keyring.certificates.intermediate;
  const files: [string, Parameters<typeof readKeyFile>[2]][] = [];
  if (certificate)
    files.push([
      INTERMEDIATE_KEY_FILE,
      {
        storeId: keyring.storeId,
        purpose: 'intermediate-key',
        boundTo: sha256Hex(Buffer.from(certificate, 'base64')),
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

/** Journals what the opening found: repairs made, and wrong passphrases tried before. */
async function recordOpening(
  session: Session,
  notices: readonly string[],
  failures: FailureSummary | null,
): Promise<void> {
  const at = new Date().toISOString();
  const events = [
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
