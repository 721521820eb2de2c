/**
 * Bytes as words of the BIP-39 English list, 11 bits a word, so a share can
 * be read aloud and typed back. Only the list is BIP-39's: a share is not
 * 16–32 bytes, so the mnemonic functions (and their checksum) do not apply;
 * share-codec.ts adds its own.
 */
import { BIP39_ENGLISH_TEXT } from './bip39-english';

export const WORD_BITS = 11;

export const WORDS: readonly string[] = BIP39_ENGLISH_TEXT.trim().split('\n');
const INDEX = new Map(WORDS.map((word, index) => [word, index]));

/** The word's 11-bit value, or undefined for a word not on the list. */
export function wordValue(word: string): number | undefined {
  return INDEX.get(word.toLowerCase());
}

/** `bits` bits of `bytes` (most significant first) as 11-bit words; `bits` must be a multiple of 11. */
export function bitsToWords(bytes: Uint8Array, bits: number): string[] {
  if (bits % WORD_BITS !== 0 || bits > bytes.length * 8) throw new RangeError('bits must fit the bytes in whole words');
  const words: string[] = [];
  for (let offset = 0; offset < bits; offset += WORD_BITS) {
    let value = 0;
    for (let bit = 0; bit < WORD_BITS; bit += 1) value = (value << 1) | readBit(bytes, offset + bit);
    words.push(WORDS[value]!);
  }
  return words;
}

/** The words' values packed back into bytes (the last byte padded with zero bits). */
export function valuesToBytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(Math.ceil((values.length * WORD_BITS) / 8));
  values.forEach((value, index) => {
    for (let bit = 0; bit < WORD_BITS; bit += 1) {
      if ((value >> (WORD_BITS - 1 - bit)) & 1) writeBit(bytes, index * WORD_BITS + bit);
    }
  });
  return bytes;
}

export function readBit(bytes: Uint8Array, position: number): number {
  return (bytes[position >> 3]! >> (7 - (position & 7))) & 1;
}

function writeBit(bytes: Uint8Array, position: number): void {
  bytes[position >> 3]! |= 1 << (7 - (position & 7));
}
