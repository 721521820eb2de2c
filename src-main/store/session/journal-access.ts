/**
 * The journal and the store's files read back from disk under the session's
 * exclusivity: the audit timeline, verification, backups.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEntry, JournalEvent, JournalHead } from '../../../shared/domain/journal';
import { RootkeeperError } from '../../../shared/errors';
import { subkey } from '../../vault/secrets';
import { scanJournal } from '../journal';
import { STORE_FILES } from '../layout';
import type { SessionCore } from './core';

/** What happened outside the journal that it records: exports, backups, repairs, failed unlocks, changes resolved on opening. */
export type OutsideEvent = Extract<
  JournalEvent,
  { type: 'export-written' | 'backup-made' | 'journal-recovered' | 'unlock-failed' | 'change-ended' }
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

/** Re-reads and re-verifies the whole journal from disk; returns its head. */
export function verifyJournal(core: SessionCore): Promise<JournalHead> {
  return core.exclusive(async () => {
    const scan = await scanJournal(core.parts.dir, core.storeId, core.keys);
    if (scan.needsTruncate || scan.needsHeadWrite) {
      throw new RootkeeperError(
        'STORE_DAMAGED',
        'The journal on disk no longer matches this session: another process changed it.',
      );
    }
    return scan.head;
  });
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
