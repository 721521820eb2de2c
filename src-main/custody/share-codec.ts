/**
 * One custodian's share as 34 words: a header (format, M, N, the share's
 * index, the store's tag and the share set's id), the 33 bytes of the
 * Shamir share, and a 30-bit checksum. The header lets a share be named
 * ("share 2 of 3, of another store") and the checksum catches a mistyped
 * word before anything is tried, so a typing slip is never reported as a
 * wrong share.
 */
import { createHash } from 'node:crypto';
import { rejected } from '../../shared/errors';
import { WORD_BITS, WORDS, bitsToWords, readBit, valuesToBytes, wordValue } from './words';

export const SHARE_FORMAT = 1;
export const SHARE_BYTES = 33;
const HEADER_BYTES = 10;
const PAYLOAD_BYTES = HEADER_BYTES + SHARE_BYTES;
const CHECKSUM_BITS = 30;
const TOTAL_BITS = PAYLOAD_BYTES * 8 + CHECKSUM_BITS;
export const SHARE_WORDS = TOTAL_BITS / WORD_BITS;
/** Words per line on the card and in the file: short enough to read aloud and check. */
export const WORDS_PER_GROUP = 4;
export const MAX_SHARES = 16;
const CHECKSUM_DOMAIN = Buffer.from('rootkeeper/share-checksum/v1\0');

export interface ShareHeader {
  /** M: how many shares rebuild the key. */
  readonly threshold: number;
  /** N: how many shares were made. */
  readonly total: number;
  /** K, from 1. */
  readonly index: number;
  /** The first 8 hex digits of the store id. */
  readonly storeTag: string;
  /** 8 hex digits naming the share set; resharing makes a new one. */
  readonly setId: string;
}

export interface Share extends ShareHeader {
  /** The Shamir share (shamir-secret-sharing's 32 bytes and its x coordinate). */
  readonly data: Uint8Array;
}

export function storeTagOf(storeId: string): string {
  return storeId.replace(/-/g, '').slice(0, 8).toLowerCase();
}

export function encodeShare(share: Share): string[] {
  checkHeader(share, 'the share');
  if (share.data.length !== SHARE_BYTES) throw new RangeError(`a share is ${SHARE_BYTES} bytes`);
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload[0] = (SHARE_FORMAT << 4) | (share.threshold - 1);
  payload[1] = ((share.total - 1) << 4) | (share.index - 1);
  Buffer.from(share.storeTag, 'hex').copy(payload, 2);
  Buffer.from(share.setId, 'hex').copy(payload, 6);
  Buffer.from(share.data).copy(payload, HEADER_BYTES);
  const bits = new Uint8Array(Math.ceil(TOTAL_BITS / 8));
  bits.set(payload);
  const checksum = checksumOf(payload);
  for (let bit = 0; bit < CHECKSUM_BITS; bit += 1) {
    if (readBit(checksum, bit)) bits[(PAYLOAD_BYTES * 8 + bit) >> 3]! |= 1 << (7 - ((PAYLOAD_BYTES * 8 + bit) & 7));
  }
  return bitsToWords(bits, TOTAL_BITS);
}

/** The words in lines of four, numbered by their first word, for reading aloud. */
export function groupWords(words: readonly string[]): string[] {
  const lines: string[] = [];
  for (let start = 0; start < words.length; start += WORDS_PER_GROUP) {
    const number = String(start + 1).padStart(2, ' ');
    lines.push(`${number}  ${words.slice(start, start + WORDS_PER_GROUP).join(' ')}`);
  }
  return lines;
}

/**
 * Reads a share typed or pasted as words (numbers, punctuation and line
 * breaks are ignored). `label` says where it came from, for the messages.
 * On a checksum mismatch it looks for the one word that would fix it (a
 * second or two of hashing) unless `locate` is false.
 */
export function decodeShare(text: string, label: string, locate = true): Share {
  const tokens = text.toLowerCase().match(/[a-z]+/g) ?? [];
  if (tokens.length !== SHARE_WORDS) {
    throw rejected('malformed', `${label} has ${tokens.length} words; a share has ${SHARE_WORDS}.`);
  }
  const values = tokens.map((token, index) => {
    const value = wordValue(token);
    if (value === undefined)
      throw rejected(
        'malformed',
        `${label}: word ${index + 1} "${token}" is not on the word list${suggestion(token)}.`,
      );
    return value;
  });
  const bytes = valuesToBytes(values);
  const payload = Buffer.from(bytes.subarray(0, PAYLOAD_BYTES));
  if (!checksumMatches(bytes)) {
    const suspect = locate ? suspectWord(values) : null;
    throw rejected(
      'malformed',
      `${label} is mistyped: its checksum does not match${suspect ? ` (word ${suspect} looks wrong)` : ''}. Check each word against the card.`,
    );
  }
  if (payload[0]! >> 4 !== SHARE_FORMAT)
    throw rejected('malformed', `${label} is not a Rootkeeper share of a format this version reads.`);
  const share: Share = {
    threshold: (payload[0]! & 0x0f) + 1,
    total: (payload[1]! >> 4) + 1,
    index: (payload[1]! & 0x0f) + 1,
    storeTag: payload.subarray(2, 6).toString('hex'),
    setId: payload.subarray(6, 10).toString('hex'),
    data: new Uint8Array(payload.subarray(HEADER_BYTES)),
  };
  payload.fill(0);
  bytes.fill(0);
  checkHeader(share, label);
  return share;
}

function checkHeader(header: ShareHeader, label: string): void {
  const { threshold, total, index } = header;
  if (!(threshold >= 2 && threshold <= total && total <= MAX_SHARES && index >= 1 && index <= total)) {
    throw rejected(
      'malformed',
      `${label} claims to be share ${index} of ${total} with ${threshold} needed, which cannot be.`,
    );
  }
  if (!/^[0-9a-f]{8}$/.test(header.storeTag) || !/^[0-9a-f]{8}$/.test(header.setId)) {
    throw new RangeError('the store tag and set id are 8 hex digits');
  }
}

function checksumOf(payload: Uint8Array): Buffer {
  return createHash('sha256').update(CHECKSUM_DOMAIN).update(payload).digest();
}

function checksumMatches(bytes: Uint8Array): boolean {
  const expected = checksumOf(bytes.subarray(0, PAYLOAD_BYTES));
  for (let bit = 0; bit < CHECKSUM_BITS; bit += 1) {
    if (readBit(expected, bit) !== readBit(bytes, PAYLOAD_BYTES * 8 + bit)) return false;
  }
  return true;
}

/** The one position where another word would make the checksum match, if there is exactly one. */
function suspectWord(values: readonly number[]): number | null {
  const trial = valuesToBytes(values);
  let found: number | null = null;
  for (let position = 0; position < values.length; position += 1) {
    for (let value = 0; value < WORDS.length; value += 1) {
      if (value === values[position]) continue;
      setWord(trial, position, value);
      if (checksumMatches(trial)) {
        if (found !== null) return null;
        found = position + 1;
        break;
      }
    }
    setWord(trial, position, values[position]!);
  }
  return found;
}

function setWord(bytes: Uint8Array, position: number, value: number): void {
  for (let bit = 0; bit < WORD_BITS; bit += 1) {
    const at = position * WORD_BITS + bit;
    const mask = 1 << (7 - (at & 7));
    if ((value >> (WORD_BITS - 1 - bit)) & 1) bytes[at >> 3]! |= mask;
    else bytes[at >> 3]! &= ~mask;
  }
}

/** BIP-39 words are unique in their first four letters: a near miss usually has one match. */
function suggestion(token: string): string {
  if (token.length < 3) return '';
  const matches = WORDS.filter((word) => word.startsWith(token.slice(0, 4)));
  return matches.length === 1 ? ` (did you mean "${matches[0]}"?)` : '';
}
