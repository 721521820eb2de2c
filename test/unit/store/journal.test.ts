/**
 * The journal's write-side check: replay trusts an authentic record's shape
 * (only its kind is re-checked), so nothing malformed may ever be sealed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../shared/domain/journal';
import { encodeRecords, genesisHash, journalHeader, scanJournal, writeHead } from '../../../src-main/store/journal';
import { JOURNAL_FILE } from '../../../src-main/store/layout';
import { makeTempDir } from '../../support/temp-dir';

const STORE_ID = '0f8a3c1e-5b7d-4e2a-9c61-2d4b8e7f1a30';
const keys = { record: randomBytes(32), head: randomBytes(32) };
const at = '2026-11-27T12:00:00.000Z';

describe('journal records', () => {
  it('refuses to seal an event that does not match its schema, naming the field', () => {
    const malformed = { type: 'certificate-revoked', at, ca: 'intermediate', serial: 'NOT-HEX', reason: 'superseded' };
    expect(() => encodeRecords(STORE_ID, keys.record, 1, genesisHash(STORE_ID), [malformed as JournalEvent])).toThrow(
      /malformed certificate-revoked event: "serial"/,
    );
  });

  it('refuses to seal a record longer than replay accepts, so no store is ever written that cannot be opened', () => {
    const huge = { type: 'journal-recovered', at, notice: 'x'.repeat(1_100_000) } as const;
    expect(() => encodeRecords(STORE_ID, keys.record, 1, genesisHash(STORE_ID), [huge])).toThrow(
      /refusing to journal a journal-recovered record of \d+ bytes/,
    );
  });

  it('replays what it sealed, event for event', async () => {
    const temp = await makeTempDir('rootkeeper-journal-');
    try {
      const dir = path.join(temp.dir, 'store');
      await mkdir(dir);
      const events: JournalEvent[] = [
        { type: 'certificate-revoked', at, ca: 'intermediate', serial: '0abc', reason: 'superseded' },
        { type: 'passphrase-changed', at, which: 'operator' },
      ];
      const { bytes, chainHash } = encodeRecords(STORE_ID, keys.record, 1, genesisHash(STORE_ID), events);
      await writeFile(path.join(dir, JOURNAL_FILE), Buffer.concat([journalHeader(STORE_ID), bytes]));
      await writeHead(dir, STORE_ID, keys.head, { sequence: 2, chainHash: chainHash.toString('hex') }, 0);
      const replayed: JournalEvent[] = [];
      const scan = await scanJournal(dir, STORE_ID, keys, (entry) => replayed.push(entry.event));
      expect(replayed).toEqual(events);
      expect(scan.head).toEqual({ sequence: 2, chainHash: chainHash.toString('hex') });
      expect(scan.notices).toEqual([]);
    } finally {
      await temp.cleanup();
    }
  });

  it('replays a journal of several megabytes, records straddling every read boundary', async () => {
    const temp = await makeTempDir('rootkeeper-journal-');
    try {
      const dir = path.join(temp.dir, 'store');
      await mkdir(dir);
      // Sizes vary so that records end at many different offsets within a read.
      const events: JournalEvent[] = Array.from({ length: 3000 }, (_, index) => ({
        type: 'journal-recovered',
        at,
        notice: `notice ${index} ${'x'.repeat(500 + ((index * 37) % 1500))}`,
      }));
      const { bytes, chainHash } = encodeRecords(STORE_ID, keys.record, 1, genesisHash(STORE_ID), events);
      expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024);
      await writeFile(path.join(dir, JOURNAL_FILE), Buffer.concat([journalHeader(STORE_ID), bytes]));
      await writeHead(dir, STORE_ID, keys.head, { sequence: events.length, chainHash: chainHash.toString('hex') }, 0);
      const replayed: JournalEvent[] = [];
      await scanJournal(dir, STORE_ID, keys, (entry) => replayed.push(entry.event));
      expect(replayed).toEqual(events);
    } finally {
      await temp.cleanup();
    }
  });
});
