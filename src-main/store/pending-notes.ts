/**
 * Exports that need no passphrase (the root trust kit, the chain) cannot
 * write the encrypted journal. They leave a note in the store folder,
 * `pending-journal.jsonl`, one JSON line each; the next unlock checks the
 * files against the hashes where it still can, journals each note as
 * `export-written` marked as recorded while locked, and deletes the file.
 * The file is not authenticated (no secret is at hand when it is written):
 * it can be deleted or added to, and the journal says which records came
 * from it.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import type { JournalEvent } from '../../shared/domain/journal';

export const PENDING_NOTES_FILE = 'pending-journal.jsonl';
/** Notes are a few hundred bytes; a file far larger than this is not ours. */
const MAX_NOTES_BYTES = 1024 * 1024;
const MAX_CHECKED_FILE = 16 * 1024 * 1024;

const NoteSchema = v.strictObject({
  at: v.pipe(v.string(), v.isoTimestamp()),
  kind: v.pipe(v.string(), v.maxLength(64)),
  folder: v.pipe(v.string(), v.maxLength(4096)),
  files: v.pipe(
    v.array(
      v.strictObject({
        name: v.pipe(v.string(), v.maxLength(255)),
        sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
      }),
    ),
    v.maxLength(100),
  ),
});
export type PendingNote = v.InferOutput<typeof NoteSchema>;

/** Appends a note (O_APPEND, never through a link). */
export async function addPendingNote(dir: string, note: PendingNote): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);
  const handle = await open(path.join(dir, PENDING_NOTES_FILE), flags, 0o600);
  try {
    await handle.write(`${JSON.stringify(note)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The notes as journal events, each file checked against its hash; lines that are not notes are skipped. */
export async function pendingEvents(dir: string): Promise<{ events: JournalEvent[]; skipped: number } | null> {
  let text: string;
  try {
    const bytes = await readFile(path.join(dir, PENDING_NOTES_FILE));
    text = bytes.subarray(0, MAX_NOTES_BYTES).toString('utf8');
  } catch {
    return null;
  }
  const events: JournalEvent[] = [];
  let skipped = 0;
  for (const line of text.split('\n').filter((entry) => entry.trim() !== '')) {
    const parsed = v.safeParse(NoteSchema, parseJson(line));
    if (!parsed.success) {
      skipped++;
      continue;
    }
    const note = parsed.output;
    events.push({
      type: 'export-written',
      at: note.at,
      kind: note.kind,
      folder: note.folder,
      files: note.files,
      recordedWhileLocked: true,
      check: await checkFiles(note),
    });
  }
  return { events, skipped };
}

export async function clearPendingNotes(dir: string): Promise<void> {
  await rm(path.join(dir, PENDING_NOTES_FILE), { force: true });
}

/** Whether the exported files are still what the note says: all match, some changed, or some are gone. */
async function checkFiles(note: PendingNote): Promise<'matches' | 'changed' | 'missing'> {
  let result: 'matches' | 'changed' | 'missing' = 'matches';
  for (const file of note.files) {
    let bytes: Buffer;
    try {
      const handle = await open(path.join(note.folder, file.name), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
      try {
        if ((await handle.stat()).size > MAX_CHECKED_FILE) return 'changed';
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch {
      result = 'missing';
      continue;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) return 'changed';
  }
  return result;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
