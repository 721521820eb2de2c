/**
 * The root slot of a store under M-of-N custody: the root's PKCS#8 sealed
 * (AES-256-GCM) under a random 256-bit custody key that exists only as
 * shares. The slot keeps, per share, its custodian and a digest, so a share
 * is checked on its own — a custodian learns their card is genuine, and a
 * damaged share is named — while the digests reveal nothing of the key
 * (each share is 256 random bits to anyone holding fewer than M).
 */
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { open, seal } from '../vault/aead';
import type { Share } from './share-codec';

const Base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const Hex8 = v.pipe(v.string(), v.regex(/^[0-9a-f]{8}$/));

export const CustodianSchema = v.strictObject({
  index: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  /** SHA-256 of the share, bound to the store, the set and the index. */
  digest: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  /** Whether the share file is sealed under the custodian's PIN. */
  pin: v.boolean(),
});

export const SharesSlotSchema = v.strictObject({
  kind: v.literal('shares'),
  threshold: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(16)),
  total: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(16)),
  setId: Hex8,
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  custodians: v.pipe(v.array(CustodianSchema), v.minLength(2), v.maxLength(16)),
  nonce: Base64,
  ciphertext: Base64,
});

export type SharesSlot = v.InferOutput<typeof SharesSlotSchema>;
export type Custodian = v.InferOutput<typeof CustodianSchema>;

/** Who is named where: a custodian by share index and name. */
export interface CustodianRef {
  readonly index: number;
  readonly name: string;
}

export function shareDigest(storeId: string, share: Pick<Share, 'setId' | 'index' | 'data'>): string {
  return createHash('sha256')
    .update('rootkeeper/share-digest/v1\0')
    .update(`${storeId}\0${share.setId}\0${share.index}\0`)
    .update(share.data)
    .digest('hex');
}

/** The associated data: the store, the purpose, the custody (custodians and digests included) and the root. */
function slotHeader(storeId: string, slot: Omit<SharesSlot, 'nonce' | 'ciphertext'>, rootSha256: string): Buffer {
  const { kind, threshold, total, setId, createdAt, custodians } = slot;
  return Buffer.from(
    JSON.stringify({
      format: 'rootkeeper-store',
      version: 1,
      storeId,
      purpose: 'root-private-key',
      custody: { kind, threshold, total, setId, createdAt, custodians },
      rootCertificateSha256: rootSha256,
    }),
  );
}

export function sealSharesSlot(
  storeId: string,
  description: Omit<SharesSlot, 'nonce' | 'ciphertext'>,
  rootSha256: string,
  custodyKey: Buffer,
  pkcs8: Buffer,
): SharesSlot {
  const sealed = seal(custodyKey, pkcs8, slotHeader(storeId, description, rootSha256));
  return { ...description, nonce: sealed.nonce.toString('base64'), ciphertext: sealed.ciphertext.toString('base64') };
}

/** The root's PKCS#8, or null when the key is not this slot's (or the slot was edited). */
export function openSharesSlot(
  storeId: string,
  slot: SharesSlot,
  rootSha256: string,
  custodyKey: Buffer,
): Buffer | null {
  const { nonce, ciphertext, ...description } = slot;
  return open(
    custodyKey,
    { nonce: Buffer.from(nonce, 'base64'), ciphertext: Buffer.from(ciphertext, 'base64') },
    slotHeader(storeId, description, rootSha256),
  );
}
