/**
 * The store file (rootkeeper-store.json): the keyring and the public
 * certificates. The operator slot wraps the random data key that encrypts
 * everything else; the root slot holds the root's private key, encrypted
 * under the root passphrase and nothing else. Each slot's header (format,
 * store, purpose, KDF parameters and salt) is its AEAD's associated data, so
 * a header edited to weaken the KDF no longer decrypts.
 */
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import * as v from 'valibot';
import { RootkeeperError, rejected } from '../../shared/errors';
import { SharesSlotSchema, type SharesSlot } from '../custody/custody-slot';
import { TokenSlotSchema, type TokenSlot } from '../custody/token/token-slot';
import { open, seal } from '../vault/aead';
import {
  KdfCeilingError,
  SALT_BYTES,
  checkKdfCeiling,
  deriveKey,
  type KdfCost,
  type KdfParams,
  type KdfPolicy,
} from '../vault/kdf';
import { wipe, withPassphraseBytes } from '../vault/secrets';
import { encodeChecked, readCheckedFile, writeCheckedFile } from './checked-file';
import { fault } from './fault';
import { StoreDamagedError } from './damage';
import { STORE_FILE } from './layout';

export const STORE_FORMAT = 'rootkeeper-store';
/**
 * Version 2 adds `binding` (the journal head as of the file's last write,
 * MACed) and `epochs` (earlier data keys after an operator passphrase
 * change). Version 1 files still open; they are written as version 2 at
 * their next change.
 */
export const STORE_VERSION = 2;
/** The slots' associated data keeps the version that introduced them, so version-1 slots still open. */
const SLOT_VERSION = 1;

const Base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const KdfSchema = v.strictObject({
  algorithm: v.literal('argon2id'),
  memoryKiB: v.number(),
  passes: v.number(),
  parallelism: v.number(),
  salt: Base64,
});
const SlotSchema = v.strictObject({ kdf: KdfSchema, nonce: Base64, ciphertext: Base64 });
const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** The journal head as of the store file's last write, and that write's generation; MACed with the data key. */
const BindingSchema = v.strictObject({
  generation: v.pipe(Count, v.minValue(1)),
  journal: v.strictObject({ sequence: Count, chainHash: Hex64 }),
  mac: Hex64,
});

/** Journal records from `firstSequence` on are sealed under the current data key; earlier ones under `previous`. */
const EpochsSchema = v.strictObject({
  firstSequence: v.pipe(Count, v.minValue(1)),
  previous: v.pipe(
    v.array(v.strictObject({ firstSequence: v.pipe(Count, v.minValue(1)), nonce: Base64, ciphertext: Base64 })),
    v.maxLength(1000),
  ),
});

export const KeyringSchema = v.strictObject({
  format: v.literal(STORE_FORMAT),
  version: v.picklist([1, STORE_VERSION]),
  storeId: v.pipe(v.string(), v.uuid()),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  /**
   * The root slot: sealed under the root passphrase, or (custody) under a key
   * held as M-of-N shares, or (a token) no key at all, only where it lives.
   */
  slots: v.strictObject({ operator: SlotSchema, root: v.union([SlotSchema, SharesSlotSchema, TokenSlotSchema]) }),
  certificates: v.strictObject({ root: Base64, intermediate: v.nullable(Base64) }),
  binding: v.optional(BindingSchema),
  epochs: v.optional(EpochsSchema),
});

export type Keyring = v.InferOutput<typeof KeyringSchema>;
export type Slot = Keyring['slots']['operator'];

/** The custody slot, when the root is held in shares. */
export function sharesSlotOf(keyring: Keyring): SharesSlot | null {
  const slot = keyring.slots.root;
  return 'kind' in slot && slot.kind === 'shares' ? slot : null;
}

/** The token slot, when the root key lives on a PKCS#11 token. */
export function tokenSlotOf(keyring: Keyring): TokenSlot | null {
  const slot = keyring.slots.root;
  return 'kind' in slot && slot.kind === 'token' ? slot : null;
}

/** Why a root slot has no root passphrase, or null when it has one. */
export function noRootPassphrase(slot: Keyring['slots']['root']): string | null {
  if (!('kind' in slot)) return null;
  return slot.kind === 'token'
    ? `The root key lives on PKCS#11 token ${slot.serial}: it has no root passphrase; give the token's PIN (--root-pin-passin).`
    : 'The root is held by custodians in shares: it has no root passphrase.';
}
export type SlotPurpose = 'operator-data-key' | 'root-private-key';

export function keyringPath(dir: string): string {
  return path.join(dir, STORE_FILE);
}

export async function readKeyring(dir: string): Promise<Keyring | null> {
  return readCheckedFile(keyringPath(dir), KeyringSchema);
}

export async function writeKeyring(dir: string, keyring: Keyring): Promise<void> {
  await fault('keyring.before-write');
  await writeCheckedFile(keyringPath(dir), keyring);
}

/** The store file's bytes, for a transaction that stages it before it replaces the live one. */
export function keyringText(keyring: Keyring): string {
  return encodeChecked(keyring);
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The associated data of a slot: everything that decides how it is opened, and what it is for. */
function slotHeader(
  keyring: Pick<Keyring, 'storeId'>,
  purpose: SlotPurpose,
  kdf: KdfParams,
  rootCertificate?: string,
): Buffer {
  const bound =
    purpose === 'root-private-key'
      ? { rootCertificateSha256: sha256Hex(Buffer.from(rootCertificate ?? '', 'base64')) }
      : {};
  return Buffer.from(
    JSON.stringify({ format: STORE_FORMAT, version: SLOT_VERSION, storeId: keyring.storeId, purpose, kdf, ...bound }),
  );
}

export function newKdfParams(cost: KdfCost): KdfParams {
  return { algorithm: 'argon2id', ...cost, salt: randomBytes(SALT_BYTES).toString('base64') };
}

/** Seals `secret` under a key derived from the passphrase, with a fresh salt. */
export async function sealSlot(
  keyring: Pick<Keyring, 'storeId'>,
  purpose: SlotPurpose,
  passphrase: string,
  cost: KdfCost,
  secret: Buffer,
  rootCertificate?: string,
): Promise<Slot> {
  const kdf = newKdfParams(cost);
  return withPassphraseBytes(passphrase, async (bytes) => {
    const kek = await deriveKey(bytes, kdf);
    try {
      const sealed = seal(kek, secret, slotHeader(keyring, purpose, kdf, rootCertificate));
      return { kdf, nonce: sealed.nonce.toString('base64'), ciphertext: sealed.ciphertext.toString('base64') };
    } finally {
      wipe(kek);
    }
  });
}

/** Opens a slot; a wrong passphrase is a WRONG_PASSPHRASE error and nothing else happens. */
export async function openSlot(
  keyring: Keyring,
  purpose: SlotPurpose,
  passphrase: string,
  policy: KdfPolicy | undefined,
  what: string,
): Promise<Buffer> {
  const slot = purpose === 'operator-data-key' ? keyring.slots.operator : keyring.slots.root;
  if ('kind' in slot) throw rejected('policy', noRootPassphrase(slot)!);
  try {
    checkKdfCeiling(slot.kdf, policy);
  } catch (error) {
    if (error instanceof KdfCeilingError)
      throw new StoreDamagedError(STORE_FILE, `the ${what} slot is refused: ${error.message}`);
    throw error;
  }
  return withPassphraseBytes(passphrase, async (bytes) => {
    let kek: Buffer | undefined;
    try {
      kek = await deriveKey(bytes, slot.kdf);
    } catch (error) {
      if (error instanceof KdfCeilingError)
        throw new StoreDamagedError(STORE_FILE, `the ${what} slot is refused: ${error.message}`);
      throw error;
    }
    try {
      const header = slotHeader(keyring, purpose, slot.kdf, keyring.certificates.root);
      const secret = open(
        kek,
        { nonce: Buffer.from(slot.nonce, 'base64'), ciphertext: Buffer.from(slot.ciphertext, 'base64') },
        header,
      );
      if (!secret) throw new RootkeeperError('WRONG_PASSPHRASE', `The ${what} passphrase is wrong.`);
      return secret;
    } finally {
      wipe(kek);
    }
  });
}
