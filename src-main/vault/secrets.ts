/**
 * Secret bytes in Buffers, never strings, so they can be overwritten when
 * done. JavaScript cannot promise more: V8 may have copied them, and a
 * passphrase typed into a form was a string before it reached us
 * (docs/vault.md says what is and is not wiped).
 */
import { hkdfSync } from 'node:crypto';

export function wipe(...buffers: (Buffer | Uint8Array | null | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}

/** The passphrase as UTF-8 bytes (NFC-normalised, so the same words typed on two systems give one key). */
export function passphraseBytes(passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFC'), 'utf8');
}

/** Runs `use` with the passphrase's bytes and wipes them afterwards, whatever happens. */
export async function withPassphraseBytes<T>(passphrase: string, use: (bytes: Buffer) => Promise<T>): Promise<T> {
  const bytes = passphraseBytes(passphrase);
  try {
    return await use(bytes);
  } finally {
    wipe(bytes);
  }
}

/** The data key's purposes; each gets its own subkey so no key is used for two things. */
export type SubkeyPurpose =
  | 'journal'
  | 'journal-head'
  | 'intermediate-key'
  | 'backup'
  /** MACs the store file's binding to the journal head (rollback detection). */
  | 'store-binding'
  /** Wraps the data keys of earlier epochs, after passphrase changes. */
  | 'epoch-keys';

export function subkey(dataKey: Buffer, purpose: SubkeyPurpose, storeId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.from(storeId, 'utf8'), `rootkeeper/${purpose}`, 32));
}
