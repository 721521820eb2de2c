/**
 * One writer per store: the GUI and the CLI (or two CLIs) must not append to
 * one journal at once. The lock is a file created exclusively; one left by
 * a process that has died on this machine is taken over safely.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RootkeeperError } from '../../shared/errors';

export const LOCK_FILE = 'rootkeeper.lock';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export interface StoreLock {
  release(): Promise<void>;
}

export async function acquireStoreLock(dir: string): Promise<StoreLock> {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(file)) return { release: () => rm(file, { force: true }) };
    const { owner, text, ageMs } = await readOwner(file);
    if (!owner && ageMs < FRESH_MS) {
      throw new RootkeeperError(
        'STORE_IN_USE',
        'Another Rootkeeper process is opening the store right now. Try again in a moment.',
      );
    }
    if (owner && isAlive(owner)) {
      throw new RootkeeperError(
        'STORE_IN_USE',
        `The store is in use by another Rootkeeper process (pid ${owner.pid} on ${owner.host}, since ${owner.since}). Close it and try again.`,
      );
    }
    if (owner && owner.host !== os.hostname()) {
      throw new RootkeeperError(
        'STORE_IN_USE',
        `The store was left locked by a Rootkeeper process on ${owner.host} (pid ${owner.pid}). If no Rootkeeper runs there, delete ${file} and try again.`,
      );
    }
    await takeOver(file, text);
  }
  throw new RootkeeperError('STORE_IN_USE', 'Another process keeps taking the store lock. Try again in a moment.');
}

async function tryCreate(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx', 0o600);
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    await handle.writeFile(JSON.stringify(owner));
    await handle.sync();
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** A lock file too young to judge: its owner may still be writing it. */
const FRESH_MS = 5_000;

async function readOwner(file: string): Promise<{ owner: LockOwner | null; text: string; ageMs: number }> {
  let text = '';
  let ageMs = Number.POSITIVE_INFINITY;
  try {
    text = await readFile(file, 'utf8');
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
  if (owner.host !== os.hostname()) return false;
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
 */
async function takeOver(file: string, staleText: string): Promise<void> {
  const moved = `${file}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((await readFile(moved, 'utf8').catch(() => '')) !== staleText) {
    await link(moved, file).catch(() => undefined);
  }
  await rm(moved, { force: true });
}
