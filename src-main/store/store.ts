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
import { generateKeyPair } from '../engine/keys';
import { createRootCertificate } from '../engine/profiles/root';
import { crypto, type CryptoKey } from '../engine/x509';
import { DEFAULT_KDF_COST, PRODUCTION_KDF_POLICY, checkKdfFloor, type KdfCost, type KdfPolicy } from '../vault/kdf';
import { subkey, wipe } from '../vault/secrets';
import { StoreDamagedError } from './damage';
import { inspectStoreFolder } from './folder';
import { emptyInventory, applyEntries, type Inventory } from './inventory';
import { JournalWriter, scanJournal, type JournalScan } from './journal';
import { readKeyFile } from './key-file';
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
import { PENDING_KEY_FILE, STORE_FILE } from './layout';
import { acquireStoreLock } from './lock';
import { checkPassphraseStrength } from './passphrase-policy';
import { DEFAULT_IDLE_TIMEOUT_MS, Session } from './session';
import { checkPublicCopy, loadGenerationKeys } from './session/authorities';
import { UnlockThrottle, throttled } from './throttle';

/** One throttle per process: wrong passphrases count across sessions and windows. */
const processThrottle = new UnlockThrottle(systemClock);

export interface StoreEnvironment {
  /** Production code never sets this; tests pass the low-cost policy from test/support/kdf.ts. */
  readonly kdfPolicy?: KdfPolicy;
  readonly clock?: Clock;
  readonly throttle?: UnlockThrottle;
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
    await JournalWriter.create(options.dir, storeId, journalKeys(dataKey, storeId), [
      { type: 'store-created', at: createdAt, storeId, kdf: { ...cost } },
      { type: 'root-created', at: createdAt, certificate: rootCertificate, sha256: sha256Hex(root.der) },
    ]);
    // The store file goes last: until it exists, the folder is not a store.
    await writeKeyring(options.dir, {
      format: STORE_FORMAT,
      version: STORE_VERSION,
      storeId,
      createdAt,
      slots: { operator: operatorSlot, root: rootSlot },
      certificates: { root: rootCertificate, intermediate: null },
    });
  } finally {
    wipe(rootPkcs8, dataKey);
  }
  return { storeId, rootCertificate: root.der, rootSha256: fingerprints(root.der).sha256 };
}

export function journalKeys(dataKey: Buffer, storeId: string) {
  return { record: subkey(dataKey, 'journal', storeId), head: subkey(dataKey, 'journal-head', storeId) };
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

  /** Opens an operator session, after verifying the whole store. A wrong passphrase touches no file. */
  async unlock(operatorPassphrase: string, options: { idleTimeoutMs?: number } = {}): Promise<Session> {
    const env = this.environment;
    const throttle = env.throttle ?? processThrottle;
    const lock = await acquireStoreLock(this.dir);
    let dataKey: Buffer | null = null;
    try {
      // Re-read under the lock: another process may have changed it since open().
      const keyring = (await readKeyring(this.dir)) ?? missing();
      const opened = await throttled(throttle, `${this.dir}#operator`, () =>
        openSlot(keyring, 'operator-data-key', operatorPassphrase, env.kdfPolicy, 'operator'),
      );
      dataKey = opened.value;
      const verified = await verifyStore(this.dir, keyring, dataKey);
      const writer = await JournalWriter.resume(
        this.dir,
        keyring.storeId,
        journalKeys(dataKey, keyring.storeId),
        verified.scan,
      );
      const session = new Session({
        dir: this.dir,
        keyring,
        dataKey,
        inventory: verified.inventory,
        writer,
        intermediateKeys: verified.intermediateKeys,
        lock,
        clock: env.clock ?? systemClock,
        throttle,
        ...(env.kdfPolicy ? { kdfPolicy: env.kdfPolicy } : {}),
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        notices: verified.scan.notices,
      });
      await recordOpening(session, verified.scan.notices, opened.failures);
      await settleOpening(session);
      return session;
    } catch (error) {
      wipe(dataKey);
      await lock.release();
      throw error;
    }
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

/** Everything checked, nothing written. */
export async function verifyStore(dir: string, keyring: Keyring, dataKey: Buffer): Promise<VerifiedStore> {
  const inventory = emptyInventory();
  // Applied as read: a 100,000-record journal is never held in memory as events.
  const scan = await scanJournal(dir, keyring.storeId, journalKeys(dataKey, keyring.storeId), (entry) =>
    applyEntries(inventory, [entry]),
  );
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
  const key = subkey(dataKey, 'intermediate-key', keyring.storeId);
  const pkcs8 = await readKeyFile(
    dir,
    PENDING_KEY_FILE,
    { storeId: keyring.storeId, purpose: 'pending-intermediate-key', boundTo: sha256Hex(Buffer.from(csr, 'base64')) },
    key,
  );
  wipe(pkcs8, key);
}

/** Finishes or abandons an intermediate generation an interruption cut short (session/authorities.ts). */
async function settleOpening(session: Session): Promise<void> {
  try {
    await session.settle();
  } catch (error) {
    await session.lock();
    throw error;
  }
}

/** Journals what the opening found: repairs made, and wrong passphrases tried before. */
async function recordOpening(
  session: Session,
  notices: readonly string[],
  failures: { attempts: number; first: string; last: string } | null,
): Promise<void> {
  const at = new Date().toISOString();
  const events = [
    ...notices.map((notice) => ({ type: 'journal-recovered' as const, at, notice })),
    ...(failures ? [{ type: 'unlock-failed' as const, at, ...failures }] : []),
  ];
  if (events.length === 0) return;
  try {
    await session.note(events);
  } catch (error) {
    await session.lock();
    throw error;
  }
}
