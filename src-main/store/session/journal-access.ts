/**
 * The journal and the store's files read back from disk under the session's
 * exclusivity: the audit timeline, verification, backups.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEntry, JournalEvent, JournalHead } from '../../../shared/domain/journal';
import { RootkeeperError } from '../../../shared/errors';
import type { RootKeySource } from '../../custody/root-source';
import { subkey } from '../../vault/secrets';
import { scanJournal } from '../journal';
import { STORE_FILES } from '../layout';
import type { SessionCore } from './core';

/** What happened outside the journal that it records: exports, backups, repairs, failed unlocks, changes resolved on opening. */
export type OutsideEvent = Extract<
  JournalEvent,
  {
    type:
      | 'export-written'
      | 'backup-made'
      | 'journal-recovered'
      | 'unlock-failed'
      | 'change-ended'
      | 'store-restored'
      | 'rollback-accepted';
  }
>;

export function note(core: SessionCore, events: OutsideEvent[]): Promise<JournalHead> {
  return core.exclusive(() => core.record(events));
}

/**
 * Journal entries `first` to `last` (sequence numbers, inclusive), read
 * and verified from disk: the inventory keeps only what the events built.
 */
export function readJournal(core: SessionCore, first = 1, last = Number.MAX_SAFE_INTEGER): Promise<JournalEntry[]> {
  return core.exclusive(async () => {
    const entries: JournalEntry[] = [];
    await scanJournal(core.parts.dir, core.storeId, core.keys, (entry) => {
      if (entry.sequence >= first && entry.sequence <= last) entries.push(entry);
    });
    return entries;
  });
}

/**
 * Every journal entry, read and verified from disk, handed to `use` one at a
 * time and not kept: a search of a 100,000-certificate store's journal must
 * not hold its hundred thousand events at once.
 */
export function eachJournalEntry(core: SessionCore, use: (entry: JournalEntry) => void): Promise<void> {
  return core.exclusive(async () => {
    await scanJournal(core.parts.dir, core.storeId, core.keys, use);
  });
}

/**
 * Re-reads and re-verifies the whole journal from disk; returns its head.
 * With `expectHead` (a chain hash from the paper log), also the record that
 * hash belongs to: a journal that does not pass through it was rolled back
 * or rewritten since it was written down.
 */
export function verifyJournal(
  core: SessionCore,
  expectHead?: string,
): Promise<{ head: JournalHead; expected: number | null }> {
  return core.exclusive(async () => {
    const scan = await scanJournal(
      core.parts.dir,
      core.storeId,
      core.keys,
      () => {},
      expectHead ? { findHash: expectHead } : {},
    );
    if (scan.needsTruncate || scan.needsHeadWrite) {
      throw new RootkeeperError(
        'STORE_DAMAGED',
        'The journal on disk no longer matches this session: another process changed it.',
      );
    }
    if (expectHead && scan.found === null) {
      throw new RootkeeperError(
        'STORE_DAMAGED',
        `The journal does not pass through the head ${expectHead} written down earlier: it was rolled back or rewritten since. Its head now is record ${scan.head.sequence}, ${scan.head.chainHash}.`,
      );
    }
    return { head: scan.head, expected: scan.found };
  });
}

/** The chain hash after record `sequence`, or null when the journal does not reach it. */
export function chainHashAt(core: SessionCore, sequence: number): Promise<string | null> {
  return core.exclusive(async () => {
    const scan = await scanJournal(core.parts.dir, core.storeId, core.keys, () => {}, { checkpoints: [sequence] });
    return scan.hashes.get(sequence) ?? null;
  });
}

/** Proves the root (passphrase, quorum or token; throttled and journaled like any root unlock) without signing anything. */
export function confirmRoot(core: SessionCore, root: string | RootKeySource): Promise<void> {
  return core.exclusive(() => core.withRoot(root, () => Promise.resolve()));
}

/** The store's files as they are between operations, for a backup. */
export function snapshot(core: SessionCore): Promise<Map<string, Buffer>> {
  return core.exclusive(async () => {
    const files = new Map<string, Buffer>();
    // Every generation's key file, besides the fixed files.
    const keyFiles = [...core.parts.inventory.intermediates.values()].flatMap((record) =>
      record.keyFile ? [record.keyFile] : [],
    );
    for (const name of new Set([...STORE_FILES, ...keyFiles])) {
      const bytes = await readFile(path.join(core.parts.dir, name)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      if (bytes) files.set(name, bytes);
    }
    return files;
  });
}

/** The data key's backup subkey, for backup.ts; never leaves the main side. */
export function backupKey(core: SessionCore): Buffer {
  core.active();
  return subkey(core.parts.dataKey, 'backup', core.storeId);
}
