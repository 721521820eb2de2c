/**
 * One writer per store: the GUI and the CLI (or two CLIs) must not append to
 * one journal at once. The lock is a file created exclusively; the holder
 * re-checks it (same inode, same content) before every write, so a lock
 * deleted or replaced under it stops the writer instead of letting two
 * processes write. One left by a process that has died on this machine is
 * taken over, with a notice; one from another machine is never judged from
 * here.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RootkeeperError } from '../../shared/errors';
import { CREATE_NEW } from './atomic-write';
import { readBoundedOrNull } from './bounded-read';

export const LOCK_FILE = 'rootkeeper.lock';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  /** Random, so a new lock by the same pid (after a restart) is still another lock. */
  readonly nonce?: string;
}

export interface StoreLock {
  /** What taking the lock found worth telling the officer: a stale lock taken over. */
  readonly notices: readonly string[];
  /** Throws (exit 4) unless the lock file is still this holder's: call before every write. */
  verify(): Promise<void>;
  /** Removes the lock file, only if it is still this holder's. */
  release(): Promise<void>;
}

interface Held {
  readonly file: string;
  readonly text: string;
  readonly dev: number;
  readonly ino: number;
}

export async function acquireStoreLock(dir: string): Promise<StoreLock> {
  const file = path.join(dir, LOCK_FILE);
  const notices: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const held = await tryCreate(file);
    if (held) return heldLock(held, notices);
    const { owner, text, ageMs } = await readOwner(file);
    if (!owner && ageMs < FRESH_MS) {
      throw new RootkeeperError(
        'STORE_IN_USE',
        'Another Rootkeeper process is opening the store right now. Try again in a moment.',
      );
    }
    if (owner && owner.host !== os.hostname()) throw otherHost(file, owner);
    if (owner && isAlive(owner)) {
      throw new RootkeeperError(
        'STORE_IN_USE',
        `The store is in use by another Rootkeeper process (pid ${owner.pid} on this computer, since ${owner.since}). Close it and try again.`,
      );
    }
    if (await takeOver(file, text)) notices.push(staleNotice(owner));
  }
  throw new RootkeeperError('STORE_IN_USE', 'Another process keeps taking the store lock. Try again in a moment.');
}

function otherHost(file: string, owner: LockOwner): RootkeeperError {
  return new RootkeeperError(
    'STORE_IN_USE',
    `The store is locked by a Rootkeeper process on another computer, "${owner.host}" (pid ${owner.pid}, since ${owner.since}); whether it still runs cannot be told from here. On ${owner.host}, check that no Rootkeeper uses this store (for instance \`ps -p ${owner.pid}\`, or Task Manager on Windows); only then delete ${file} and try again.`,
  );
}

function staleNotice(owner: LockOwner | null): string {
  const who = owner
    ? `Rootkeeper process ${owner.pid} (since ${owner.since})`
    : 'a process that never finished writing it';
  return `The store was left locked by ${who}, which no longer runs on this computer; its lock was taken over.`;
}

function heldLock(held: Held, notices: readonly string[]): StoreLock {
  return {
    notices,
    verify: async () => {
      if (!(await stillHeld(held))) throw stolen(held.file);
    },
    release: async () => {
      if (await stillHeld(held)) await rm(held.file, { force: true });
    },
  };
}

function stolen(file: string): RootkeeperError {
  return new RootkeeperError(
    'STORE_DAMAGED',
    `The store lock ${file} was removed or replaced while this process held it: another process may be writing to the store. Nothing more was written. Close every Rootkeeper using this store, then unlock again (it verifies the whole journal).`,
  );
}

/** The lock file is the very file this holder created (not a link, not a copy) with the very content it wrote. */
async function stillHeld(held: Held): Promise<boolean> {
  try {
    const info = await lstat(held.file);
    if (!info.isFile() || info.dev !== held.dev || info.ino !== held.ino) return false;
    const bytes = await readBoundedOrNull(held.file, { maxBytes: MAX_LOCK_BYTES, noFollow: true });
    return bytes !== null && bytes.toString('utf8') === held.text;
  } catch {
    return false;
  }
}

async function tryCreate(file: string): Promise<Held | null> {
  try {
    const handle = await open(file, CREATE_NEW, 0o600);
    try {
      const owner: LockOwner = {
        pid: process.pid,
        host: os.hostname(),
        since: new Date().toISOString(),
        nonce: randomBytes(8).toString('hex'),
      };
      const text = JSON.stringify(owner);
      await handle.writeFile(text);
      await handle.sync();
      const info = await handle.stat();
      return { file, text, dev: info.dev, ino: info.ino };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  }
}

/** A lock file too young to judge: its owner may still be writing it. */
const FRESH_MS = 5_000;
const MAX_LOCK_BYTES = 4096;

async function readOwner(file: string): Promise<{ owner: LockOwner | null; text: string; ageMs: number }> {
  let text = '';
  let ageMs = Number.POSITIVE_INFINITY;
  try {
    text = (await readBoundedOrNull(file, { maxBytes: MAX_LOCK_BYTES, noFollow: true }))?.toString('utf8') ?? '';
    ageMs = Date.now() - (await stat(file)).mtimeMs;
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.since === 'string') {
      return { owner: owner as LockOwner, text, ageMs };
    }
  } catch {
    // unreadable or half-written: judged by its age
  }
  return { owner: null, text, ageMs };
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Renames the stale lock away, then checks it was the one judged stale: if
 * another process took over first and locked anew, its lock is put back.
 * True when the stale lock was the one removed.
 */
async function takeOver(file: string, staleText: string): Promise<boolean> {
  const moved = `${file}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const movedText = await readMoved(moved);
  const ours = movedText === staleText;
  if (!ours) await link(moved, file).catch(() => undefined);
  await rm(moved, { force: true });
  return ours;
}

async function readMoved(file: string): Promise<string> {
  const bytes = await readBoundedOrNull(file, { maxBytes: MAX_LOCK_BYTES, noFollow: true }).catch(() => null);
  return bytes?.toString('utf8') ?? '';
}
