/**
 * Changes of several store files (a new intermediate and its key, a new
 * passphrase slot) made crash-safe. The protocol, in order:
 *
 *   1. journal an intent: `change-begun` names the change, the files and the
 *      SHA-256 of each one's new bytes, and the event type that commits it;
 *   2. stage each new file beside the live one (`.NAME.change-ID`), durably:
 *      the live files, old keys included, are untouched;
 *   3. journal the commit event(s): from here on the change counts;
 *   4. rename each staged file over the live one (the store file last);
 *   5. journal `change-ended`.
 *
 * A crash anywhere leaves an intent without its end. Opening the store
 * (store.ts) replays the journal with a ChangeTracker, then `resolveChanges`
 * finishes a committed change (renames what is still staged) or rolls back
 * one that never committed (deletes what was staged), and says so in a
 * notice that is journaled. Every step is idempotent, so a crash during the
 * resolution itself is resolved the same way next time.
 *
 * Kinds of change register how they are described (and, if they need more
 * than the files, what to do after completing or undoing) in `changeKinds`.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEntry, JournalEvent } from '../../shared/domain/journal';
import { RootkeeperError } from '../../shared/errors';
import { fsyncDirectory, writeFileAtomic } from './atomic-write';
import { StoreDamagedError } from './damage';
import { fault } from './fault';
import { sha256Hex } from './keyring';
import { IGNORED_ON_REPLAY } from './inventory';

export interface StagedFile {
  /** A store file's name (layout.ts). */
  readonly name: string;
  readonly data: string | Uint8Array;
}

export interface ChangeSpec {
  /** The change's kind, a key of `changeKinds` ("intermediate", "passphrase", …). */
  readonly kind: string;
  /** In the order they are put in place: the store file last. */
  readonly files: readonly StagedFile[];
  /** The events that commit the change, journaled after staging; the first's type marks the commit. */
  readonly commit: readonly JournalEvent[];
  /**
   * Runs once the files are in place, before `change-ended`: a new store
   * file's session state and journal head follow it (core.ts changeKeyring).
   */
  readonly placed?: () => Promise<void>;
}

/** What a change needs of the journal: the session core's `record`. */
export interface ChangeJournal {
  record(events: JournalEvent[]): Promise<unknown>;
}

export interface ChangeKind {
  /** For notices: "the creation of an intermediate". */
  readonly label: string;
  /** Runs after a committed change's files are in place on opening. */
  readonly completed?: (dir: string) => Promise<void>;
  /** Runs after an uncommitted change's staged files are removed on opening. */
  readonly rolledBack?: (dir: string) => Promise<void>;
}

/** The open-time resolvers: one entry per kind of change. */
export const changeKinds = new Map<string, ChangeKind>([
  ['intermediate', { label: 'the creation of an intermediate' }],
  ['intermediate-request', { label: 'the request of an intermediate' }],
  ['intermediate-import', { label: 'the import of an intermediate' }],
  ['passphrase', { label: 'a passphrase change' }],
  ['intermediate-generation', { label: 'the installation of an intermediate generation' }],
  ['intermediate-revocation', { label: 'the revocation of an intermediate' }],
  ['intermediate-public-copy', { label: "the update of the store file's intermediate copy" }],
  ['custody', { label: 'a change of the root’s custody' }],
  ['root-token', { label: 'the move of the root onto a token' }],
]);

/** The change was committed to the journal but its files are not all in place; the next opening finishes it. */
export class IncompleteChangeError extends RootkeeperError {
  constructor(label: string, cause: unknown) {
    super(
      'PARTIAL',
      `${capitalised(label)} was journaled but could not be put in place (${reasonOf(cause)}). The store was locked: unlock it again to finish the change.`,
    );
  }
}

export function stagedName(name: string, id: string): string {
  return `.${name}.change-${id}`;
}

type Begun = Extract<JournalEvent, { type: 'change-begun' }>;
type Ended = Extract<JournalEvent, { type: 'change-ended' }>;

export async function runChange(dir: string, journal: ChangeJournal, spec: ChangeSpec): Promise<void> {
  // Opening a store does not read the kinds replay ignores: one of them must never commit a change.
  if (IGNORED_ON_REPLAY.has(spec.commit[0]!.type))
    throw new TypeError(`a ${spec.commit[0]!.type} cannot commit a change`);
  const id = randomBytes(8).toString('hex');
  const at = new Date().toISOString();
  const intent: Begun = {
    type: 'change-begun',
    at,
    id,
    change: spec.kind,
    commit: spec.commit[0]!.type,
    files: spec.files.map((file) => ({ name: file.name, sha256: sha256Hex(toBytes(file.data)) })),
  };
  await journal.record([intent]);
  try {
    for (const file of spec.files) await writeFileAtomic(path.join(dir, stagedName(file.name, id)), file.data);
    await journal.record([...spec.commit]);
  } catch (error) {
    await removeStaged(dir, id).catch(() => undefined);
    // Best effort: if this fails too, the next opening rolls the change back.
    await journal.record([{ type: 'change-ended', at, id, outcome: 'rolled-back' }]).catch(() => undefined);
    throw error;
  }
  try {
    await putInPlace(dir, intent);
    await spec.placed?.();
    await fault('transaction.before-end');
    await journal.record([{ type: 'change-ended', at: new Date().toISOString(), id, outcome: 'completed' }]);
  } catch (error) {
    throw new IncompleteChangeError(labelOf(spec.kind), error);
  }
}

/** What `changeStoreFiles` needs of an unlocked session: the session core fits. */
export interface ChangeSession extends ChangeJournal {
  readonly parts: { readonly dir: string };
  lock(): Promise<void>;
}

/**
 * A change of store files from inside a session (call it within the
 * session's one-at-a-time section). One journaled but not put in place locks
 * the session, so the next unlock finishes it.
 */
export async function changeStoreFiles(
  session: ChangeSession,
  kind: string,
  files: readonly StagedFile[],
  commit: JournalEvent,
  placed?: () => Promise<void>,
): Promise<void> {
  try {
    await runChange(session.parts.dir, session, { kind, files, commit: [commit], ...(placed ? { placed } : {}) });
  } catch (error) {
    if (error instanceof IncompleteChangeError) await session.lock();
    throw error;
  }
}

/** Watches the journal as it is replayed for changes begun and not ended, and whether each committed. */
export class ChangeTracker {
  private readonly changes = new Map<string, OpenChange>();

  observe(entry: JournalEntry): void {
    const event = entry.event;
    if (event.type === 'change-begun') {
      this.changes.set(event.id, { intent: event, committed: false });
    } else if (event.type === 'change-ended') {
      this.changes.delete(event.id);
    } else {
      for (const change of this.changes.values()) if (change.intent.commit === event.type) change.committed = true;
    }
  }

  get open(): OpenChange[] {
    return [...this.changes.values()];
  }
}

export interface OpenChange {
  readonly intent: Begun;
  committed: boolean;
}

export interface Resolution {
  /** `change-ended` records to journal once the store is open. */
  readonly events: Ended[];
  readonly notices: string[];
}

/** Finishes committed changes and rolls back the others, in journal order. Called under the store lock. */
export async function resolveChanges(dir: string, open: readonly OpenChange[]): Promise<Resolution> {
  const events: Ended[] = [];
  const notices: string[] = [];
  for (const { intent, committed } of open) {
    const kind = changeKinds.get(intent.change);
    const label = kind?.label ?? `a change (${intent.change})`;
    if (committed) {
      await putInPlace(dir, intent);
      await kind?.completed?.(dir);
      notices.push(`${capitalised(label)} was interrupted after it was journaled; it was completed on opening.`);
    } else {
      await removeStaged(dir, intent.id);
      await kind?.rolledBack?.(dir);
      notices.push(
        `${capitalised(label)} was interrupted before it was journaled; it was rolled back on opening, and the store is as it was before it.`,
      );
    }
    events.push({
      type: 'change-ended',
      at: new Date().toISOString(),
      id: intent.id,
      outcome: committed ? 'completed' : 'rolled-back',
    });
  }
  return { events, notices };
}

/** Renames each staged file over the live one; a file already in place is left as it is. */
async function putInPlace(dir: string, intent: Begun): Promise<void> {
  for (const file of intent.files) {
    const staged = path.join(dir, stagedName(file.name, intent.id));
    const bytes = await readIfPresent(staged);
    if (bytes === null) {
      const live = await readIfPresent(path.join(dir, file.name));
      if (live === null || sha256Hex(live) !== file.sha256)
        throw new StoreDamagedError(
          file.name,
          `a committed change (${intent.id}) cannot be completed: its new copy is missing`,
        );
      continue;
    }
    if (sha256Hex(bytes) !== file.sha256)
      throw new StoreDamagedError(stagedName(file.name, intent.id), 'it is not the file its change recorded');
    await fault('transaction.before-rename');
    await rename(staged, path.join(dir, file.name));
    await fault('transaction.before-dir-fsync');
    await fsyncDirectory(dir);
  }
  await removeStaged(dir, intent.id);
}

/** Deletes a change's staged files and any temp file a crash left while staging them. */
async function removeStaged(dir: string, id: string): Promise<void> {
  const marker = `.change-${id}`;
  const leftovers = (await readdir(dir)).filter((name) => name.includes(marker));
  for (const name of leftovers) await rm(path.join(dir, name), { force: true });
  if (leftovers.length > 0) await fsyncDirectory(dir);
}

async function readIfPresent(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

function labelOf(kind: string): string {
  return changeKinds.get(kind)?.label ?? `a change (${kind})`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An error's errno code or a RootkeeperError's sentence: never a foreign message, which may quote input. */
export function reasonOf(error: unknown): string {
  if (error instanceof RootkeeperError) return error.message.replace(/\.$/, '');
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'an internal error';
}

/**
 * Work that was journaled, followed by a step that failed: exit 5, saying
 * what was done, what failed, and what to do, never "nothing changed".
 */
export function partialSuccess(done: string, failed: string, cause: unknown, advice: string): RootkeeperError {
  return new RootkeeperError('PARTIAL', `${done}, but ${failed} (${reasonOf(cause)}). ${advice}`);
}
