/**
 * The wrong-passphrase throttle across processes (issue 11, item 7): the
 * count lives in the store folder's throttle.json, so a new process (a new
 * UnlockThrottle here, as every CLI command is) does not start afresh.
 * Schedule: four free failures, then 30 s × 2^(failures − 5), capped at
 * 15 minutes; a refused attempt runs no KDF and does not count.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClosedStore } from '../../../src-main/store/store';
import { THROTTLE_FILE, UnlockThrottle, delayAfter, throttled } from '../../../src-main/store/throttle';
import { RootkeeperError } from '../../../shared/errors';
import { failure } from '../../support/errors';
import { TEST_KDF_POLICY } from '../../support/kdf';
import {
  FakeClock,
  OPERATOR_PASSPHRASE,
  ROOT_PASSPHRASE,
  makeIssuingStore,
  makeStore,
  snapshotFolder,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const temp = await makeTempDir('rootkeeper-throttle-');
  cleanup = temp.cleanup;
  dir = path.join(temp.dir, 'store');
});
afterEach(() => cleanup());

/** A fresh process: its own throttle object, sharing only the clock and the folder. */
function newProcess(clock: FakeClock) {
  return { kdfPolicy: TEST_KDF_POLICY, throttle: new UnlockThrottle(clock), clock };
}

describe('the unlock throttle', () => {
  it('follows the schedule: free for four failures, then 30 s doubling, capped at 15 minutes', () => {
    expect([1, 2, 3, 4].map(delayAfter)).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9].map(delayAfter)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000]);
    expect([10, 11, 50].map(delayAfter)).toEqual([900_000, 900_000, 900_000]);
  });

  it('carries the count to a new process, which refuses before any KDF runs', async () => {
    await makeStore(dir);
    const clock = new FakeClock();
    for (let attempt = 1; attempt <= 5; attempt++) {
      // Every attempt in its own "process", as the CLI runs.
      const closed = await ClosedStore.open(dir, newProcess(clock));
      expect(await failure(closed.unlock(`wrong-${attempt}`))).toMatchObject({ code: 'WRONG_PASSPHRASE' });
    }
    const before = await readFile(path.join(dir, THROTTLE_FILE), 'utf8');
    expect(JSON.parse(before)).toMatchObject({ format: 'rootkeeper-throttle', operator: { count: 5 } });

    // The right passphrase in a new process is refused all the same, and no KDF runs.
    let ran = false;
    const fresh = new UnlockThrottle(clock);
    const refused = await failure(
      throttled(fresh, { dir, which: 'operator' }, () => {
        ran = true;
        return Promise.resolve('opened');
      }),
    );
    expect(refused).toMatchObject({ code: 'TRY_LATER', message: expect.stringMatching(/Wait 30 s/) });
    expect(ran).toBe(false);
    const closed = await ClosedStore.open(dir, newProcess(clock));
    expect(await failure(closed.unlock(OPERATOR_PASSPHRASE))).toMatchObject({ code: 'TRY_LATER' });
    // Refused attempts did not count.
    expect(await readFile(path.join(dir, THROTTLE_FILE), 'utf8')).toBe(before);

    clock.advance(10_000);
    expect((await failure(closed.unlock(OPERATOR_PASSPHRASE))).message).toMatch(/Wait 20 s before trying again/);
    clock.advance(20_000);
    // The sixth failure: 60 s, not 120 (the refusals did not count).
    expect((await failure(closed.unlock('wrong-6'))).message).toMatch(/Wait 60 s before the next attempt/);
    clock.advance(60_000);
    const session = await (await ClosedStore.open(dir, newProcess(clock))).unlock(OPERATOR_PASSPHRASE);
    const failed = (await session.readJournal()).filter((entry) => entry.event.type === 'unlock-failed');
    expect(failed.map((entry) => entry.event)).toMatchObject([
      { which: 'operator', attempts: 6, first: '2026-11-27T12:00:00.000Z', last: '2026-11-27T12:00:30.000Z' },
    ]);
    expect((failed[0]!.event as { times: string[] }).times).toHaveLength(6);
    await session.lock();
    // Journaled, then cleared: the next wrong passphrase starts from one again.
    const again = await ClosedStore.open(dir, newProcess(clock));
    expect((await failure(again.unlock('wrong-again'))).message).toBe('The operator passphrase is wrong.');
  });

  it('throttles the root passphrase the same way, across processes', async () => {
    const clock = new FakeClock();
    const first = await makeIssuingStore(dir, newProcess(clock));
    for (let attempt = 1; attempt <= 5; attempt++)
      expect(await failure(first.generateRootCrl(`not-the-root-${attempt}`))).toMatchObject({
        code: 'WRONG_PASSPHRASE',
      });
    await first.lock();
    const second = await (await ClosedStore.open(dir, newProcess(clock))).unlock(OPERATOR_PASSPHRASE);
    expect(await failure(second.generateRootCrl(ROOT_PASSPHRASE))).toMatchObject({
      code: 'TRY_LATER',
      message: expect.stringMatching(/Wait 30 s/),
    });
    clock.advance(30_000);
    expect((await second.generateRootCrl(ROOT_PASSPHRASE)).crlNumber).toBe(1);
    const failed = (await second.readJournal()).filter((entry) => entry.event.type === 'unlock-failed');
    expect(failed.map((entry) => entry.event)).toMatchObject([{ which: 'root', attempts: 5 }]);
    await second.lock();
  });

  it('is best effort: a damaged throttle.json counts as none, and a failed attempt changes nothing else', async () => {
    await makeStore(dir);
    const clock = new FakeClock();
    const before = await snapshotFolder(dir);
    for (let attempt = 1; attempt <= 5; attempt++)
      await failure((await ClosedStore.open(dir, newProcess(clock))).unlock(`wrong-${attempt}`));
    expect(await snapshotFolder(dir, [THROTTLE_FILE])).toEqual(before);
    // Anyone who can write the folder can reset the count (docs/vault.md says so).
    await writeFile(path.join(dir, THROTTLE_FILE), 'not json');
    const session = await (await ClosedStore.open(dir, newProcess(clock))).unlock(OPERATOR_PASSPHRASE);
    await session.lock();
  });

  it('counts in memory for a scope without a folder (a backup file)', async () => {
    const clock = new FakeClock();
    const throttle = new UnlockThrottle(clock);
    const wrong = () => Promise.reject(new RootkeeperError('WRONG_PASSPHRASE', 'wrong'));
    for (let attempt = 1; attempt <= 5; attempt++)
      await failure(throttled(throttle, { key: 'backup.rk#operator' }, wrong));
    expect(await failure(throttled(throttle, { key: 'backup.rk#operator' }, wrong))).toMatchObject({
      code: 'TRY_LATER',
    });
  });
});
