/**
 * Data-key epochs and the store file's binding to the journal.
 *
 * Epochs: changing the operator passphrase makes a new data key. Journal
 * records from then on are sealed under it; the earlier data keys are kept
 * in the store file, wrapped under the new one, so the whole journal still
 * reads without re-encrypting it. An old copy of the store file and the old
 * passphrase give only the old key: no record, head or backup made after
 * the change opens with it.
 *
 * Binding: the store file carries the journal head as of its last write and
 * a generation counted up at every write; the head carries that generation.
 * A journal older than the store file, or a store file older than the
 * journal, no longer fits, and opening says "rolled back".
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { JournalHead } from '../../shared/domain/journal';
import { RootkeeperError } from '../../shared/errors';
import { open, seal } from '../vault/aead';
import { subkey, wipe } from '../vault/secrets';
import { StoreDamagedError } from './damage';
import { readKeyFile } from './key-file';
import type { JournalKeys } from './journal';
import { STORE_FILE } from './layout';
import { STORE_VERSION, type Keyring } from './keyring';

/** The generation of a store file: 0 for a version-1 file that never carried a binding. */
export function generationOf(keyring: Keyring): number {
  return keyring.binding?.generation ?? 0;
}

/** JSON with sorted keys: the MAC must not depend on the order in which a parser hands back fields. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The MAC covers the whole store file but the MAC itself: slots, certificates, epochs and the binding. */
function bindingMac(keyring: Keyring, dataKey: Buffer): string {
  const key = subkey(dataKey, 'store-binding', keyring.storeId);
  try {
    const { binding, ...rest } = keyring;
    const body = { ...rest, binding: binding ? { generation: binding.generation, journal: binding.journal } : null };
    return createHmac('sha256', key).update('rootkeeper-store-binding|').update(canonical(body)).digest('hex');
  } finally {
    wipe(key);
  }
}

/** The store file as it will be written: the next generation, bound to `head`. */
export function bindKeyring(keyring: Keyring, dataKey: Buffer, head: JournalHead): Keyring {
  const unsigned: Keyring = {
    ...keyring,
    version: STORE_VERSION,
    binding: { generation: generationOf(keyring) + 1, journal: { ...head }, mac: '0'.repeat(64) },
  };
  return { ...unsigned, binding: { ...unsigned.binding!, mac: bindingMac(unsigned, dataKey) } };
}

/** Checks the binding's MAC (a version-1 store file has none to check). */
export function checkBindingMac(keyring: Keyring, dataKey: Buffer): void {
  if (!keyring.binding) return;
  const expected = Buffer.from(bindingMac(keyring, dataKey), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(keyring.binding.mac, 'hex')))
    throw new StoreDamagedError(STORE_FILE, 'its binding to the journal does not authenticate');
}

export function rolledBack(detail: string): RootkeeperError {
  return new RootkeeperError(
    'STORE_DAMAGED',
    `The store was rolled back: ${detail}. Nothing was written. If this older copy is wanted on purpose, restore it from a backup; otherwise restore the current store from a backup.`,
  );
}

function epochAad(storeId: string, firstSequence: number, currentFirst: number): Buffer {
  return Buffer.from(`rootkeeper-epoch|${storeId}|${firstSequence}|${currentFirst}`);
}

/** The data keys of earlier epochs, oldest first (wipe them after use). */
export function previousDataKeys(keyring: Keyring, dataKey: Buffer): { firstSequence: number; dataKey: Buffer }[] {
  const epochs = keyring.epochs;
  if (!epochs) return [];
  const wrapKey = subkey(dataKey, 'epoch-keys', keyring.storeId);
  try {
    return epochs.previous.map((epoch) => {
      const opened = open(
        wrapKey,
        { nonce: Buffer.from(epoch.nonce, 'base64'), ciphertext: Buffer.from(epoch.ciphertext, 'base64') },
        epochAad(keyring.storeId, epoch.firstSequence, epochs.firstSequence),
      );
      if (!opened) throw new StoreDamagedError(STORE_FILE, 'an earlier data key does not authenticate');
      return { firstSequence: epoch.firstSequence, dataKey: opened };
    });
  } finally {
    wipe(wrapKey);
  }
}

/** The journal's keys: the current epoch's, and those of every earlier epoch. */
export function journalKeysFor(keyring: Keyring, dataKey: Buffer): JournalKeys {
  const storeId = keyring.storeId;
  const older = previousDataKeys(keyring, dataKey).map((epoch) => {
    const keys = {
      firstSequence: epoch.firstSequence,
      record: subkey(epoch.dataKey, 'journal', storeId),
      head: subkey(epoch.dataKey, 'journal-head', storeId),
    };
    wipe(epoch.dataKey);
    return keys;
  });
  return {
    record: subkey(dataKey, 'journal', storeId),
    head: subkey(dataKey, 'journal-head', storeId),
    firstSequence: keyring.epochs?.firstSequence ?? 1,
    older,
  };
}

/** The subkeys that may have sealed a key file: the current epoch's first, then earlier ones, newest first. */
export function keyFileKeys(keyring: Keyring, dataKey: Buffer): Buffer[] {
  const older = previousDataKeys(keyring, dataKey).reverse();
  const keys = [dataKey, ...older.map((epoch) => epoch.dataKey)].map((key) =>
    subkey(key, 'intermediate-key', keyring.storeId),
  );
  wipe(...older.map((epoch) => epoch.dataKey));
  return keys;
}

/**
 * The store file after an operator passphrase change: a new data key
 * (wrapped by the new slot, which the caller sets), the new epoch starting
 * at `firstSequence`, and every earlier data key re-wrapped under the new one.
 */
export function nextEpoch(keyring: Keyring, oldDataKey: Buffer, newDataKey: Buffer, firstSequence: number): Keyring {
  const earlier = previousDataKeys(keyring, oldDataKey);
  const all = [...earlier, { firstSequence: keyring.epochs?.firstSequence ?? 1, dataKey: Buffer.from(oldDataKey) }];
  const wrapKey = subkey(newDataKey, 'epoch-keys', keyring.storeId);
  try {
    const previous = all.map((epoch) => {
      const sealed = seal(wrapKey, epoch.dataKey, epochAad(keyring.storeId, epoch.firstSequence, firstSequence));
      return {
        firstSequence: epoch.firstSequence,
        nonce: sealed.nonce.toString('base64'),
        ciphertext: sealed.ciphertext.toString('base64'),
      };
    });
    return { ...keyring, epochs: { firstSequence, previous } };
  } finally {
    wipe(wrapKey, ...all.map((epoch) => epoch.dataKey));
  }
}

/** A key file sealed under any epoch's data key; `current` tells whether it is the current one's. */
export async function readKeyFileOfAnyEpoch(
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
