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
import type { CeremonyHook } from '../custody/ceremony-record';
import type { SharesSlot } from '../custody/custody-slot';
import { signerFromPkcs8 } from '../custody/root-source';
import { checkCustodyPlan, prepareCustody, type CustodyPlan, type ShareFileOut } from '../custody/share-delivery';
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
import { INTERMEDIATE_KEY_FILE, PENDING_KEY_FILE, STORE_FILE } from './layout';
import { acquireStoreLock } from './lock';
import { checkPassphraseStrength } from './passphrase-policy';
import { DEFAULT_IDLE_TIMEOUT_MS, Session } from './session';
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
  /** The root passphrase; absent when the root goes straight into custody. */
  readonly rootPassphrase?: string;
  readonly operatorPassphrase: string;
  /** M-of-N custody instead of a root passphrase: the shares are delivered before the store exists. */
  readonly custody?: CustodyPlan & { deliver(files: readonly ShareFileOut[]): Promise<void> };
  /** A signed ceremony record, written once the store exists. */
  readonly ceremony?: CeremonyHook;
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
  if ((options.rootPassphrase === undefined) === (options.custody === undefined)) {
    throw rejected('invalid-option', 'The root needs either a root passphrase or custodians (M-of-N), and not both.');
  }
  if (options.custody) checkCustodyPlan(options.custody);
  if (options.rootPassphrase !== undefined) checkPassphraseStrength('root', options.rootPassphrase, context);
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
  const rootCertificate = Buffer.from(root.der).toString('base64');
  const rootPkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', rootKeys.privateKey));
  const dataKey = randomBytes(32);
  const rootSha256 = fingerprints(root.der).sha256;
  try {
    const partial = { storeId };
    const custody = options.custody
      ? await prepareCustody(
          options.custody,
          {
            storeId,
            rootCertificateSha256: sha256Hex(root.der),
            facts: { storeName: root.certificate.subject, storeId, rootSha256 },
          },
          rootPkcs8,
          cost,
        )
      : null;
    if (custody && options.custody) {
      await options.custody.deliver(custody.files);
      for (const custodian of custody.slot.custodians) {
        log?.receiving(
          custodian,
          custody.files.map((file) => file.name).filter((name) => name.startsWith(`share-${custodian.index}-`)),
        );
      }
    }
    const rootSlot =
      custody?.slot ??
      (await sealSlot(partial, 'root-private-key', options.rootPassphrase!, cost, rootPkcs8, rootCertificate));
    log?.step(
      custody
        ? 'The root key was sealed under the custody key, then the custody key was wiped.'
        : 'The root key was sealed under the root passphrase.',
    );
    const operatorSlot = await sealSlot(partial, 'operator-data-key', options.operatorPassphrase, cost, dataKey);
    const createdAt = new Date().toISOString();
    const writer = await JournalWriter.create(options.dir, storeId, journalKeys(dataKey, storeId), [
      { type: 'store-created', at: createdAt, storeId, kdf: { ...cost } },
      { type: 'root-created', at: createdAt, certificate: rootCertificate, sha256: sha256Hex(root.der) },
      ...(custody
        ? [
            {
              type: 'custody-created' as const,
              at: createdAt,
              threshold: custody.slot.threshold,
              total: custody.slot.total,
              setId: custody.slot.setId,
              custodians: custody.slot.custodians.map(({ index, name }) => ({ index, name })),
              replaces: null,
            },
          ]
        : []),
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
    log?.step('The store file was written: the store exists.');
    if (options.ceremony)
      await recordCeremony(options.ceremony, writer, root, rootPkcs8, custody?.slot ?? null, storeId);
  } finally {
    wipe(rootPkcs8, dataKey);
  }
  return { storeId, rootCertificate: root.der, rootSha256 };
}

/** The key ceremony's record, signed by the new root before its key is dropped, then journaled. */
async function recordCeremony(
  hook: CeremonyHook,
  writer: JournalWriter,
  root: { certificate: x509.X509Certificate; der: Uint8Array },
  rootPkcs8: Buffer,
  slot: SharesSlot | null,
  storeId: string,
): Promise<void> {
  const signer = await signerFromPkcs8(Buffer.from(rootPkcs8), root.certificate, []);
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
    },
  ]);
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
        intermediateKey: verified.intermediateKey,
        lock,
        clock: env.clock ?? systemClock,
        throttle,
        ...(env.kdfPolicy ? { kdfPolicy: env.kdfPolicy } : {}),
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        notices: verified.scan.notices,
      });
      await recordOpening(session, verified.scan.notices, opened.failures);
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
  readonly intermediateKey: CryptoKey | null;
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
  const key = subkey(dataKey, 'intermediate-key', keyring.storeId);
  const pkcs8 = await readKeyFile(
    dir,
    INTERMEDIATE_KEY_FILE,
    { storeId: keyring.storeId, purpose: 'intermediate-key', boundTo: sha256Hex(der) },
    key,
  );
  try {
    const certificate = new x509.X509Certificate(der);
    const signingKey = await importSigningKey(pkcs8, false);
    if (!(await signsFor(signingKey, certificate)))
      throw new StoreDamagedError(INTERMEDIATE_KEY_FILE, 'it is not the key of the intermediate certificate');
    return signingKey;
  } finally {
    wipe(pkcs8, key);
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
  const key = subkey(dataKey, 'intermediate-key', keyring.storeId);
  const pkcs8 = await readKeyFile(
    dir,
    PENDING_KEY_FILE,
    { storeId: keyring.storeId, purpose: 'pending-intermediate-key', boundTo: sha256Hex(Buffer.from(csr, 'base64')) },
    key,
  );
  wipe(pkcs8, key);
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
