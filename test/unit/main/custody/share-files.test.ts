/**
 * Share files and cards: the text file reads back, a PIN-protected file
 * needs its PIN and shows no word, and the printed card (read back with
 * Debian's pdftotext, its QR code with zbarimg) names the custodian, the
 * store and the root's fingerprint and carries the share.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeShare, type Share } from '../../../../src-main/custody/share-codec';
import { shareCard } from '../../../../src-main/custody/share-card';
import {
  readShareText,
  sealedShareText,
  shareFileName,
  shareText,
  type ShareFacts,
} from '../../../../src-main/custody/share-file';
import { splitKey, type ShareSet } from '../../../../src-main/custody/split';
import { TEST_KDF_COST, TEST_KDF_POLICY } from '../../../support/kdf';
import { run } from '../../../support/run';
import { makeTempDir } from '../../../support/temp-dir';

let set: ShareSet;
let dir: string;
let cleanup: () => Promise<void>;
const storeId = randomUUID();
const FINGERPRINT = Array.from(randomBytes(32), (byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
const facts = (custodian: string): ShareFacts => ({
  custodian,
  storeName: 'CN=Acme Root CA, O=Acme',
  storeId,
  rootSha256: FINGERPRINT,
  madeAt: '2026-11-29T12:00:00.000Z',
});

beforeAll(async () => {
  set = await splitKey(randomBytes(32), storeId, 2, 3);
  ({ dir, cleanup } = await makeTempDir('rootkeeper-share-files-'));
});
afterAll(() => cleanup());

/** The share's words in runs of three, as they would appear if printed. */
function groups(share: Share): string[] {
  const words = encodeShare(share);
  return words.slice(0, -2).map((_, index) => words.slice(index, index + 3).join(' '));
}

describe('share file names', () => {
  it('keep letters of any script and never a colon', () => {
    expect(shareFileName(1, 'Alan Turing', 'txt')).toBe('share-1-Alan-Turing.txt');
    expect(shareFileName(2, 'Zoë: Ωmega/../x', 'pdf')).toBe('share-2-Zoë-Ωmega-x.pdf');
    expect(shareFileName(3, '::', 'txt')).toBe('share-3-custodian.txt');
  });
});

describe('share files', () => {
  it('read back to the same share, and bare words do too', async () => {
    const text = shareText(set.shares[1]!, facts('Alan Turing'));
    expect(text).toMatch(/Custodian: +Alan Turing/);
    expect(text).toMatch(/Share: +2 of 3; any 2 rebuild the root key/);
    expect(text).toContain(FINGERPRINT);
    const read = await readShareText(text, 'share-2-Alan-Turing.txt');
    expect(Buffer.from(read.data).equals(Buffer.from(set.shares[1]!.data))).toBe(true);
    expect((await readShareText(encodeShare(set.shares[2]!).join(' '), 'stdin line 1')).index).toBe(3);
  });

  it('with a PIN: no word in the file, the PIN opens it, a wrong PIN is a wrong passphrase', async () => {
    const share = set.shares[0]!;
    const text = await sealedShareText(share, facts('Ada Lovelace'), 'tulip-4821', TEST_KDF_COST);
    // No group of words is there (single words can be ordinary English: "key", "root").
    for (const group of groups(share)) expect(text.replace(/\s+/g, ' ')).not.toContain(group);
    const read = await readShareText(text, 'share-1', async () => 'tulip-4821', TEST_KDF_POLICY);
    expect(Buffer.from(read.data).equals(Buffer.from(share.data))).toBe(true);
    await expect(readShareText(text, 'share-1', async () => 'tulip-4822', TEST_KDF_POLICY)).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
      message: 'The PIN for share-1 is wrong.',
    });
    await expect(readShareText(text, 'share-1')).rejects.toThrow(/PIN-protected/);
    await expect(sealedShareText(share, facts('Ada'), '12345', TEST_KDF_COST)).rejects.toThrow(/at least 6 characters/);
  });
});

describe('the printed card', () => {
  it('names the custodian in any script, the store, the root fingerprint and M-of-N, with the words and a QR code', async () => {
    const custodian = 'Андрей Колмогоров — Zoë';
    const share = set.shares[2]!;
    const file = path.join(dir, shareFileName(3, custodian, 'pdf'));
    await writeFile(file, await shareCard(share, facts(custodian)));
    const text = run('pdftotext', ['-layout', file, '-']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('Андрей Колмогоров — Zoë');
    expect(text.stdout).toContain('CN=Acme Root CA, O=Acme');
    expect(text.stdout).toContain('Share 3 of 3 — any 2 of the 3 shares rebuild the root key');
    const bytes = FINGERPRINT.split(':');
    expect(text.stdout).toContain(bytes.slice(0, 16).join(':'));
    expect(text.stdout).toContain(bytes.slice(16).join(':'));
    expect(text.stdout).toContain(storeId);
    expect(text.stdout).toContain('2026-11-29T12:00:00.000Z');
    expect(text.stdout).toMatch(/Custodian: Андрей Колмогоров/);
    expect(text.stdout).toMatch(/Witness/);
    const words = encodeShare(share);
    const printed = (text.stdout.match(/^\s*\d+\s+([a-z]+(?: [a-z]+){0,3})\s*$/gm) ?? [])
      .map((line) => line.trim().replace(/^\d+\s+/, ''))
      .join(' ');
    expect(printed).toBe(words.join(' '));
    if (!existsSync('/usr/bin/zbarimg')) throw new Error('zbarimg (Debian zbar-tools) is needed to read the QR code');
    const image = path.join(dir, 'card');
    expect(run('pdftoppm', ['-r', '150', '-png', '-singlefile', file, image]).status).toBe(0);
    const qr = run('zbarimg', ['--raw', '-q', `${image}.png`]);
    expect(qr.stdout.trim()).toBe(words.join(' '));
  });

  it('for a PIN-protected share carries the sealed block and no word', async () => {
    const share = set.shares[0]!;
    const sealed = await sealedShareText(share, facts('Ada Lovelace'), 'tulip-4821', TEST_KDF_COST);
    const file = path.join(dir, 'sealed.pdf');
    await writeFile(file, await shareCard(share, facts('Ada Lovelace'), sealed));
    const text = run('pdftotext', [file, '-']).stdout;
    expect(text).toContain('PIN-protected share');
    expect(text).toContain('BEGIN ROOTKEEPER PIN-PROTECTED SHARE');
    for (const group of groups(share)) expect(text.replace(/\s+/g, ' ')).not.toContain(group);
  });
});
