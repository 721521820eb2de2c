/**
 * A custodian's share as a text file (share-K-<custodian>.txt): who it is
 * for, which store and root, M-of-N, and the words between BEGIN/END lines.
 * With a PIN, the words are sealed instead (argon2id and AES-256-GCM, the
 * vault's own primitives), and the header fields are the associated data.
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { RootkeeperError, rejected } from '../../shared/errors';
import { open, seal } from '../vault/aead';
import { SALT_BYTES, checkKdfCeiling, deriveKey, type KdfCost, type KdfParams, type KdfPolicy } from '../vault/kdf';
import { passphraseBytes, wipe } from '../vault/secrets';
import { decodeShare, encodeShare, groupWords, type Share } from './share-codec';
import { MIN_SHARE_PIN_LENGTH } from '../../shared/domain/custody';

export const BEGIN = '-----BEGIN ROOTKEEPER SHARE-----';
export const END = '-----END ROOTKEEPER SHARE-----';
export const BEGIN_SEALED = '-----BEGIN ROOTKEEPER PIN-PROTECTED SHARE-----';
export const END_SEALED = '-----END ROOTKEEPER PIN-PROTECTED SHARE-----';
export const MIN_PIN_LENGTH = MIN_SHARE_PIN_LENGTH;

/** What a share file and card say about the share besides its words. */
export interface ShareFacts {
  readonly custodian: string;
  /** The root's subject, as the officer knows the store. */
  readonly storeName: string;
  readonly storeId: string;
  /** SHA-256 of the root certificate, colon-separated hex. */
  readonly rootSha256: string;
  /** ISO time the share set was made. */
  readonly madeAt: string;
}

/** `share-K-<custodian>.<ext>`: letters and digits of any script kept, everything else (colons too) a hyphen. */
export function shareFileName(index: number, custodian: string, ext: 'txt' | 'pdf'): string {
  const slug =
    custodian
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'custodian';
  return `share-${index}-${slug}.${ext}`;
}

function header(share: Share, facts: ShareFacts, sealed: boolean): string[] {
  return [
    'Rootkeeper root key share',
    '',
    `Custodian:     ${facts.custodian}`,
    `Store:         ${facts.storeName}`,
    `Store id:      ${facts.storeId}`,
    `Root SHA-256:  ${facts.rootSha256}`,
    `Share:         ${share.index} of ${share.total}; any ${share.threshold} rebuild the root key`,
    `Share set:     ${share.setId}`,
    `Made:          ${facts.madeAt}`,
    '',
    sealed
      ? 'The words are sealed under the custodian’s PIN: the file and the PIN are both needed.'
      : 'Keep this share apart from the others. Read the words exactly; the numbers are for reading aloud.',
    '',
  ];
}

export function shareText(share: Share, facts: ShareFacts): string {
  return [...header(share, facts, false), BEGIN, ...groupWords(encodeShare(share)), END, ''].join('\n');
}

const Base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const SealedSchema = v.strictObject({
  format: v.literal('rootkeeper-share-pin'),
  version: v.literal(1),
  index: v.number(),
  storeTag: v.string(),
  setId: v.string(),
  kdf: v.strictObject({
    algorithm: v.literal('argon2id'),
    memoryKiB: v.number(),
    passes: v.number(),
    parallelism: v.number(),
    salt: Base64,
  }),
  nonce: Base64,
  ciphertext: Base64,
});
type SealedShare = v.InferOutput<typeof SealedSchema>;

function sealedHeader(sealed: Omit<SealedShare, 'nonce' | 'ciphertext'>): Buffer {
  const { format, version, index, storeTag, setId, kdf } = sealed;
  return Buffer.from(JSON.stringify({ format, version, index, storeTag, setId, kdf }));
}

export function checkPin(pin: string, custodian: string): void {
  if ([...pin].length < MIN_PIN_LENGTH) {
    throw rejected('policy', `The PIN for ${custodian} must be at least ${MIN_PIN_LENGTH} characters.`);
  }
}

/** The share file with the words sealed under the custodian's PIN. */
export async function sealedShareText(share: Share, facts: ShareFacts, pin: string, cost: KdfCost): Promise<string> {
  checkPin(pin, facts.custodian);
  const kdf: KdfParams = { algorithm: 'argon2id', ...cost, salt: randomBytes(SALT_BYTES).toString('base64') };
  const head = {
    format: 'rootkeeper-share-pin' as const,
    version: 1 as const,
    index: share.index,
    storeTag: share.storeTag,
    setId: share.setId,
    kdf,
  };
  const words = Buffer.from(encodeShare(share).join(' '));
  const pinBytes = passphraseBytes(pin);
  const key = await deriveKey(pinBytes, kdf);
  try {
    const sealed = seal(key, words, sealedHeader(head));
    const body = Buffer.from(
      JSON.stringify({
        ...head,
        nonce: sealed.nonce.toString('base64'),
        ciphertext: sealed.ciphertext.toString('base64'),
      }),
    ).toString('base64');
    return [...header(share, facts, true), BEGIN_SEALED, ...(body.match(/.{1,64}/g) ?? []), END_SEALED, ''].join('\n');
  } finally {
    wipe(key, words, pinBytes);
  }
}

/** Whether a share text needs its custodian's PIN to be read. */
export function needsPin(text: string): boolean {
  return text.includes(BEGIN_SEALED);
}

/**
 * Reads a share: a share file (plain or PIN-protected) or bare words.
 * `pin` is asked only for a sealed share; a wrong PIN is WRONG_PASSPHRASE.
 */
export async function readShareText(
  text: string,
  label: string,
  pin?: () => Promise<string>,
  policy?: KdfPolicy,
): Promise<Share> {
  if (needsPin(text)) return openSealed(between(text, BEGIN_SEALED, END_SEALED, label), label, pin, policy);
  const words = text.includes(BEGIN) ? between(text, BEGIN, END, label) : text;
  return decodeShare(words, label);
}

function between(text: string, begin: string, end: string, label: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end, start);
  if (stop < 0) throw rejected('malformed', `${label} is cut short: its ${end} line is missing.`);
  return text.slice(start + begin.length, stop);
}

async function openSealed(
  body: string,
  label: string,
  pin: (() => Promise<string>) | undefined,
  policy: KdfPolicy | undefined,
): Promise<Share> {
  let sealed: SealedShare;
  try {
    sealed = v.parse(SealedSchema, JSON.parse(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')));
  } catch {
    throw rejected('malformed', `${label} is a PIN-protected share whose sealed block is damaged.`);
  }
  try {
    checkKdfCeiling(sealed.kdf, policy);
  } catch {
    throw rejected('malformed', `${label} asks for argon2id parameters out of bounds.`);
  }
  if (!pin) throw rejected('policy', `${label} is PIN-protected: its custodian's PIN is needed.`);
  const pinBytes = passphraseBytes(await pin());
  let key: Buffer | undefined;
  try {
    key = await deriveKey(pinBytes, sealed.kdf);
    const words = open(
      key,
      { nonce: Buffer.from(sealed.nonce, 'base64'), ciphertext: Buffer.from(sealed.ciphertext, 'base64') },
      sealedHeader(sealed),
    );
    if (!words) throw new RootkeeperError('WRONG_PASSPHRASE', `The PIN for ${label} is wrong.`);
    try {
      return decodeShare(words.toString('utf8'), label);
    } finally {
      wipe(words);
    }
  } finally {
    wipe(key, pinBytes);
  }
}
