/**
 * The share encoding and the Shamir split, as properties: any M of N shares
 * rebuild the key, no M−1 do, and one changed word is always caught by the
 * checksum before a share is used.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BIP39_ENGLISH_TEXT } from '../../../../src-main/custody/bip39-english';
import {
  SHARE_WORDS,
  decodeShare,
  encodeShare,
  groupWords,
  storeTagOf,
} from '../../../../src-main/custody/share-codec';
import { checkQuorum, combineShares, splitKey } from '../../../../src-main/custody/split';
import { WORDS } from '../../../../src-main/custody/words';

const quorum = fc
  .integer({ min: 2, max: 16 })
  .chain((total) => fc.record({ total: fc.constant(total), threshold: fc.integer({ min: 2, max: total }) }));

/** A subset of 1..total of exactly `size` indices, in a random order. */
const subsetOf = (total: number, size: number) =>
  fc.shuffledSubarray(
    Array.from({ length: total }, (_, index) => index),
    { minLength: size, maxLength: size },
  );

describe('the word list', () => {
  it('is the BIP-39 English list, byte for byte', () => {
    expect(WORDS).toHaveLength(2048);
    const file = BIP39_ENGLISH_TEXT.replace(/^\n/, '');
    expect(createHash('sha256').update(file).digest('hex')).toBe(
      '2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda',
    );
  });
});

describe('splitting and rebuilding the custody key', () => {
  it('any M of N shares rebuild the key, read back from their words', async () => {
    await fc.assert(
      fc.asyncProperty(
        quorum.chain(({ total, threshold }) =>
          fc.record({
            total: fc.constant(total),
            threshold: fc.constant(threshold),
            chosen: subsetOf(total, threshold),
          }),
        ),
        async ({ total, threshold, chosen }) => {
          const key = randomBytes(32);
          const storeId = randomUUID();
          const set = await splitKey(key, storeId, threshold, total);
          const read = chosen.map((position) =>
            decodeShare(groupWords(encodeShare(set.shares[position]!)).join('\n'), `share ${position + 1}`),
          );
          for (const [offset, share] of read.entries()) {
            expect(share).toMatchObject({
              threshold,
              total,
              index: chosen[offset]! + 1,
              storeTag: storeTagOf(storeId),
            });
            expect(share.setId).toBe(set.setId);
          }
          expect(Buffer.from(await combineShares(read)).equals(key)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('no M−1 shares rebuild it', async () => {
    await fc.assert(
      fc.asyncProperty(
        quorum
          .filter(({ threshold }) => threshold >= 3)
          .chain(({ total, threshold }) =>
            fc.record({
              total: fc.constant(total),
              threshold: fc.constant(threshold),
              chosen: subsetOf(total, threshold - 1),
            }),
          ),
        async ({ total, threshold, chosen }) => {
          const key = randomBytes(32);
          const set = await splitKey(key, randomUUID(), threshold, total);
          const rebuilt = await combineShares(chosen.map((position) => set.shares[position]!));
          expect(Buffer.from(rebuilt).equals(key)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('one share alone is refused by the library (a quorum is at least two)', async () => {
    const set = await splitKey(randomBytes(32), randomUUID(), 2, 3);
    await expect(combineShares([set.shares[0]!])).rejects.toThrow();
  });

  it('refuses quorums the encoding cannot carry', () => {
    for (const [threshold, total] of [
      [1, 3],
      [4, 3],
      [2, 17],
      [0, 0],
    ] as const) {
      expect(() => checkQuorum(threshold, total)).toThrow(/2 ≤ M ≤ N ≤ 16/);
    }
    expect(() => checkQuorum(3, 5)).not.toThrow();
  });
});

describe('the words of a share', () => {
  it('are 34 words of the list, in lines of four', async () => {
    const set = await splitKey(randomBytes(32), randomUUID(), 2, 3);
    const words = encodeShare(set.shares[0]!);
    expect(words).toHaveLength(SHARE_WORDS);
    expect(SHARE_WORDS).toBe(34);
    for (const word of words) expect(WORDS).toContain(word);
    const lines = groupWords(words);
    expect(lines[0]).toMatch(/^ 1 {2}[a-z]+ [a-z]+ [a-z]+ [a-z]+$/);
    expect(lines).toHaveLength(9);
  });

  it('a changed word is caught by the checksum, never read as another share', async () => {
    const set = await splitKey(randomBytes(32), randomUUID(), 3, 5);
    await fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: SHARE_WORDS - 1 }),
        fc.integer({ min: 1, max: 2047 }),
        (which, position, shift) => {
          const words = encodeShare(set.shares[which]!);
          const original = WORDS.indexOf(words[position]!);
          words[position] = WORDS[(original + shift) % 2048]!;
          expect(() => decodeShare(words.join(' '), 'the share from card 1', false)).toThrow(
            /the share from card 1 is mistyped: its checksum does not match/,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('names the word that looks wrong, and a word not on the list by its place', async () => {
    const set = await splitKey(randomBytes(32), randomUUID(), 2, 2);
    const words = encodeShare(set.shares[1]!);
    const changed = [...words];
    changed[11] = WORDS[(WORDS.indexOf(words[11]!) + 7) % 2048]!;
    expect(() => decodeShare(changed.join(' '), 'share.txt')).toThrow(/word 12 looks wrong/);
    const typo = [...words];
    typo[4] = 'zzzzq';
    expect(() => decodeShare(typo.join(' '), 'share.txt')).toThrow(/share.txt: word 5 "zzzzq" is not on the word list/);
    expect(() => decodeShare(words.slice(1).join(' '), 'share.txt')).toThrow(/has 33 words; a share has 34/);
    // Case, numbering and punctuation do not matter.
    expect(decodeShare(groupWords(words).join('\n').toUpperCase(), 'x').index).toBe(2);
  });
});
