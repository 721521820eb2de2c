/**
 * The Shamir split of the custody key over GF(256), by the independently
 * audited shamir-secret-sharing package: nothing here does field arithmetic.
 */
import { randomBytes } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { rejected } from '../../shared/errors';
import { MAX_SHARES, SHARE_BYTES, storeTagOf, type Share } from './share-codec';

export const CUSTODY_KEY_BYTES = 32;

export interface ShareSet {
  readonly setId: string;
  readonly threshold: number;
  readonly total: number;
  readonly shares: readonly Share[];
}

/** Refuses an M-of-N the share encoding cannot carry or that is no custody at all. */
export function checkQuorum(threshold: number, total: number): void {
  if (
    !Number.isInteger(threshold) ||
    !Number.isInteger(total) ||
    threshold < 2 ||
    threshold > total ||
    total > MAX_SHARES
  ) {
    throw rejected(
      'invalid-option',
      `Custody must be M-of-N with 2 ≤ M ≤ N ≤ ${MAX_SHARES}; ${threshold}-of-${total} was asked for.`,
    );
  }
}

/** Splits a 32-byte key into `total` shares, any `threshold` of which rebuild it. */
export async function splitKey(key: Uint8Array, storeId: string, threshold: number, total: number): Promise<ShareSet> {
  checkQuorum(threshold, total);
  if (key.length !== CUSTODY_KEY_BYTES) throw new RangeError('the custody key is 32 bytes');
  const setId = randomBytes(4).toString('hex');
  // The library checks `constructor === Uint8Array`: a Buffer is refused, so it gets a plain copy.
  const plain = Uint8Array.from(key);
  const parts = await split(plain, total, threshold).finally(() => plain.fill(0));
  const storeTag = storeTagOf(storeId);
  const shares = parts.map((data, position) => {
    if (data.length !== SHARE_BYTES) throw new RangeError('unexpected share length');
    return { threshold, total, index: position + 1, storeTag, setId, data };
  });
  return { setId, threshold, total, shares };
}

/** Rebuilds the key from distinct shares of one set; the caller checks they are genuine first. */
export async function combineShares(shares: readonly Share[]): Promise<Uint8Array> {
  const plain = shares.map((share) => Uint8Array.from(share.data));
  try {
    return await combine(plain);
  } finally {
    for (const data of plain) data.fill(0);
  }
}
