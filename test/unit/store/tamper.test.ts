/**
 * Tampering: every byte of each small store file, and a dense sample of the
 * journal, flipped one at a time; truncation; records deleted and swapped.
 * Each time the store must refuse to open with STORE_DAMAGED naming the file
 * (and the record), never crash, never succeed, and write nothing.
 */
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RootkeeperError } from '../../../shared/errors';
import { parseSubject } from '../../../src-main/engine/names';
import { INTERMEDIATE_KEY_FILE, JOURNAL_FILE, JOURNAL_HEAD_FILE, STORE_FILE } from '../../../src-main/store/layout';
import { ClosedStore } from '../../../src-main/store/store';
import {
  OPERATOR_PASSPHRASE,
  makeIssuingStore,
  readFolder,
  snapshotFolder,
  testEnvironment,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
let pristine: Map<string, Buffer>;
/** The sequence number of the export record. */
let exportRecord: number;

beforeAll(async () => {
  const temp = await makeTempDir('rootkeeper-tamper-');
  cleanup = temp.cleanup;
  dir = path.join(temp.dir, 'store');
  const session = await makeIssuingStore(dir);
  for (let i = 0; i < 3; i++) {
    const { issued } = await session.issue({
      profile: 'server',
      subject: parseSubject(`CN=host${i}.example.com`),
      sans: [],
    });
    if (i === 1) await session.revoke(issued.serialNumber, 'keyCompromise');
  }
  // An export record: opening a store authenticates it but does not parse it (IGNORED_ON_REPLAY).
  await session.note([
    {
      type: 'export-written',
      at: new Date().toISOString(),
      kind: 'bundle',
      folder: '/media/usb/host0.example.com',
      files: [{ name: 'host0.example.com.cert.pem', sha256: 'ab'.repeat(32) }],
    },
  ]);
  exportRecord = session.head.sequence;
  await session.generateCrl();
  await session.lock();
  pristine = await readFolder(dir);
});
afterAll(() => cleanup());

async function restorePristine(): Promise<void> {
  for (const name of await readdir(dir)) if (!pristine.has(name)) await rm(path.join(dir, name));
  for (const [name, bytes] of pristine) await writeFile(path.join(dir, name), bytes);
}

/** Opens the altered store: it must fail as damage naming `file`, and leave every file as it found it. */
async function expectDamage(file: string, record?: number): Promise<RootkeeperError> {
  const before = await snapshotFolder(dir);
  let error: unknown;
  try {
    const session = await (await ClosedStore.open(dir, testEnvironment())).unlock(OPERATOR_PASSPHRASE);
    await session.lock();
  } catch (caught) {
    error = caught;
  }
  expect(error, `${file} altered yet the store opened`).toBeInstanceOf(RootkeeperError);
  const damage = error as RootkeeperError;
  expect(damage.code, damage.message).toBe('STORE_DAMAGED');
  expect(damage.message).toContain(file);
  if (record !== undefined) expect(damage.message).toContain(`record ${record}`);
  expect(await snapshotFolder(dir)).toEqual(before);
  return damage;
}

async function flip(file: string, offsets: Iterable<number>): Promise<number> {
  const original = pristine.get(file)!;
  let count = 0;
  for (const offset of offsets) {
    const altered = Buffer.from(original);
    altered[offset]! ^= 0x01;
    await writeFile(path.join(dir, file), altered);
    await expectDamage(file);
    count++;
  }
  await restorePristine();
  return count;
}

function every(length: number, step = 1): number[] {
  return Array.from({ length: Math.ceil(length / step) }, (_, index) => index * step);
}

/** Record boundaries of the journal: [start, end) of each length-prefixed record after the 47-byte header. */
function records(journal: Buffer): [number, number][] {
  const bounds: [number, number][] = [];
  for (let offset = 47; offset < journal.length;) {
    const end = offset + 4 + journal.readUInt32BE(offset);
    bounds.push([offset, end]);
    offset = end;
  }
  return bounds;
}

describe('a tampered store', () => {
  it('opens when untouched (the baseline)', async () => {
    const session = await (await ClosedStore.open(dir, testEnvironment())).unlock(OPERATOR_PASSPHRASE);
    expect(session.inventory.certificates.size).toBe(3);
    await session.lock();
    await restorePristine();
  });

  it.each([STORE_FILE, JOURNAL_HEAD_FILE, INTERMEDIATE_KEY_FILE])(
    'refuses every single flipped byte of %s',
    async (file) => {
      const count = await flip(file, every(pristine.get(file)!.length));
      expect(count).toBe(pristine.get(file)!.length);
    },
    // A few thousand openings on a shared two-core machine.
    180_000,
  );

  it('refuses flipped bytes across the journal: header, every byte of the first and last records, and a dense sample between', async () => {
    const journal = pristine.get(JOURNAL_FILE)!;
    const bounds = records(journal);
    const [firstStart, firstEnd] = bounds[0]!;
    const [lastStart, lastEnd] = bounds.at(-1)!;
    const offsets = new Set([
      ...every(firstEnd),
      ...every(lastEnd - lastStart).map((i) => lastStart + i),
      ...every(journal.length, 7),
    ]);
    expect(firstStart).toBe(47);
    await flip(JOURNAL_FILE, offsets);
    // Hundreds of openings on a shared two-core machine.
  }, 180_000);

  it('refuses every flipped byte of an export record, which opening does not parse, naming it', async () => {
    const journal = pristine.get(JOURNAL_FILE)!;
    const [start, end] = records(journal)[exportRecord - 1]!;
    for (const offset of every(end - start)) {
      const altered = Buffer.from(journal);
      altered[start + offset]! ^= 0x01;
      await writeFile(path.join(dir, JOURNAL_FILE), altered);
      // A flip in the length field can make the record look cut short: then the error names no record.
      await expectDamage(JOURNAL_FILE, offset >= 4 ? exportRecord : undefined);
    }
    await restorePristine();
  }, 180_000);

  it('names the record whose bytes were changed', async () => {
    const journal = pristine.get(JOURNAL_FILE)!;
    const bounds = records(journal);
    for (const index of [0, 3, bounds.length - 1]) {
      const altered = Buffer.from(journal);
      altered[bounds[index]![0] + 30]! ^= 0x80;
      await writeFile(path.join(dir, JOURNAL_FILE), altered);
      await expectDamage(JOURNAL_FILE, index + 1);
    }
    await restorePristine();
  });

  it('refuses a truncated journal, whether cut mid-record or at a record boundary', async () => {
    const journal = pristine.get(JOURNAL_FILE)!;
    const bounds = records(journal);
    for (const length of [
      journal.length - 1,
      bounds.at(-1)![0] + 10,
      bounds.at(-1)![0],
      bounds.at(-3)![0],
      47,
      20,
      0,
    ]) {
      await writeFile(path.join(dir, JOURNAL_FILE), journal.subarray(0, length));
      const error = await expectDamage(JOURNAL_FILE);
      if (length === bounds.at(-1)![0]) expect(error.message).toMatch(/records were cut from the end/);
    }
    await restorePristine();
  });

  it('refuses a record deleted from the middle, and two records swapped', async () => {
    const journal = pristine.get(JOURNAL_FILE)!;
    const bounds = records(journal);
    const [aStart, aEnd] = bounds[2]!;
    const [bStart, bEnd] = bounds[3]!;
    await writeFile(path.join(dir, JOURNAL_FILE), Buffer.concat([journal.subarray(0, aStart), journal.subarray(aEnd)]));
    await expectDamage(JOURNAL_FILE, 3);
    const swapped = Buffer.concat([
      journal.subarray(0, aStart),
      journal.subarray(bStart, bEnd),
      journal.subarray(aStart, aEnd),
      journal.subarray(bEnd),
    ]);
    await writeFile(path.join(dir, JOURNAL_FILE), swapped);
    await expectDamage(JOURNAL_FILE, 3);
    await writeFile(path.join(dir, JOURNAL_FILE), Buffer.concat([journal, journal.subarray(aStart, aEnd)]));
    // A duplicated record at the end is beyond the head and does not authenticate: it is cut off, not accepted.
    const session = await (await ClosedStore.open(dir, testEnvironment())).unlock(OPERATOR_PASSPHRASE);
    expect(session.notices).toEqual([expect.stringMatching(/cut off/)]);
    expect(session.inventory.certificates.size).toBe(3);
    await session.lock();
    await restorePristine();
  });

  it('refuses missing files', async () => {
    for (const file of [JOURNAL_FILE, JOURNAL_HEAD_FILE, INTERMEDIATE_KEY_FILE]) {
      await rm(path.join(dir, file));
      await expectDamage(file);
      await restorePristine();
    }
  });

  it('refuses a store file whose root certificate was swapped, even with a recomputed checksum', async () => {
    const other = await makeTempDir('rootkeeper-tamper-other-');
    try {
      const otherStore = path.join(other.dir, 'store');
      const otherSession = await makeIssuingStore(otherStore);
      await otherSession.lock();
      const { body } = JSON.parse(pristine.get(STORE_FILE)!.toString('utf8'));
      const { body: otherBody } = JSON.parse(await readFile(path.join(otherStore, STORE_FILE), 'utf8'));
      body.certificates.root = otherBody.certificates.root;
      const text = JSON.stringify(body);
      const { createHash } = await import('node:crypto');
      await writeFile(
        path.join(dir, STORE_FILE),
        `${JSON.stringify({ sha256: createHash('sha256').update(text).digest('hex'), body })}\n`,
      );
      const error = await expectDamage(STORE_FILE);
      // The store file's MAC over its binding to the journal (epochs.ts) catches it first.
      expect(error.message).toMatch(
        /binding to the journal does not authenticate|root certificate is not the one the journal recorded/,
      );
    } finally {
      await other.cleanup();
      await restorePristine();
    }
  });
});
