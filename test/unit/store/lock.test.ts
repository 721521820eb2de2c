/**
 * The store lock cannot be stolen unnoticed: a holder whose lock file is
 * removed or replaced stops before its next write (a second writer's
 * certificate is never lost); a lock of a dead process on this host is
 * taken over with a notice; one from another host is left alone, naming
 * the host and how to check it.
 */
import { spawnSync } from 'node:child_process';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSubject } from '../../../src-main/engine/names';
import { acquireStoreLock, LOCK_FILE } from '../../../src-main/store/lock';
import { failure } from '../../support/errors';
import { makeIssuingStore, snapshotFolder, unlock } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('rootkeeper-lock-')));
afterEach(() => cleanup());

const leaf = (cn: string) => ({ profile: 'server' as const, subject: parseSubject(`CN=${cn}`), sans: [] });

/** The pid of a process that has exited: a lock naming it is stale. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('a lock removed under its holder', () => {
  it('stops the first writer instead of letting it overwrite a second writer’s certificate', async () => {
    const first = await makeIssuingStore(dir);
    await rm(path.join(dir, LOCK_FILE));
    const second = await unlock(dir);
    const kept = await second.issue(leaf('second.example.com'));
    await second.lock();

    const error = await failure(first.issue(leaf('first.example.com')));
    expect(error).toMatchObject({ code: 'STORE_DAMAGED' });
    expect(error.message).toMatch(/rootkeeper\.lock was removed or replaced while this process held it/);
    await first.lock();

    const reopened = await unlock(dir);
    const serials = [...reopened.inventory.certificates.keys()];
    expect(serials).toContain(kept.issued.serialNumber);
    expect(reopened.inventory.certificates.size).toBe(1);
    await reopened.lock();
  });

  it('stops a writer whose lock file was replaced by a copy (same text, another file)', async () => {
    const session = await makeIssuingStore(dir);
    const file = path.join(dir, LOCK_FILE);
    const text = await readFile(file);
    // Written beside it first, so the copy cannot reuse the original's inode.
    await writeFile(`${file}.copy`, text);
    await rename(`${file}.copy`, file);
    const before = await snapshotFolder(dir);
    expect(await failure(session.issue(leaf('a.example.com')))).toMatchObject({ code: 'STORE_DAMAGED' });
    expect(await snapshotFolder(dir)).toEqual(before);
    // Releasing must not delete a lock that is not its own.
    await session.lock();
    expect(await readFile(file)).toEqual(text);
  });
});

describe('taking the lock', () => {
  it('takes over the lock of a dead process on this host, saying so', async () => {
    const pid = deadPid();
    await writeFile(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }),
    );
    const lock = await acquireStoreLock(dir);
    expect(lock.notices).toEqual([expect.stringMatching(new RegExp(`process ${pid} .*no longer runs.*taken over`))]);
    await lock.verify();
    await lock.release();
  });

  it('carries the take-over notice to the unlocked session', async () => {
    const session = await makeIssuingStore(dir);
    await session.lock();
    await writeFile(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }),
    );
    const reopened = await unlock(dir);
    expect(reopened.notices.join(' ')).toMatch(/lock was taken over/);
    await reopened.lock();
  });

  it('never takes a lock from another host: it names the host and says how to check', async () => {
    const text = JSON.stringify({ pid: 4242, host: 'officer-laptop-2', since: '2026-01-01T00:00:00.000Z' });
    await writeFile(path.join(dir, LOCK_FILE), text);
    const error = await failure(acquireStoreLock(dir));
    expect(error).toMatchObject({ code: 'STORE_IN_USE' });
    expect(error.message).toMatch(/on another computer, "officer-laptop-2" \(pid 4242/);
    expect(error.message).toMatch(/ps -p 4242/);
    expect(error.message).toContain(path.join(dir, LOCK_FILE));
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe(text);
  });

  it('verify fails once the lock is moved away, and release leaves the newcomer’s lock alone', async () => {
    const lock = await acquireStoreLock(dir);
    await rename(path.join(dir, LOCK_FILE), path.join(dir, 'elsewhere'));
    await expect(lock.verify()).rejects.toMatchObject({ code: 'STORE_DAMAGED' });
    const newcomer = await acquireStoreLock(dir);
    await lock.release();
    await newcomer.verify();
    await newcomer.release();
  });
});
