import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionSlot } from '../../../src-main/host';
import { FakeClock, makeStore, testEnvironment, unlock } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const temp = await makeTempDir('rootkeeper-slot-');
  dir = path.join(temp.dir, 'store');
  cleanup = temp.cleanup;
});
afterEach(() => cleanup());

describe('the host’s session slot', () => {
  it('locks the session it holds, and forgets one that timed out by itself', async () => {
    const clock = new FakeClock();
    const environment = testEnvironment(clock);
    await makeStore(dir, environment);
    const slot = new SessionSlot();
    const session = await unlock(dir, environment, { idleTimeoutMs: 1000 });
    slot.hold(session);
    expect(slot.current).toBe(session);
    await slot.lock();
    expect(session.locked).toBe(true);
    expect(slot.current).toBeNull();

    const second = await unlock(dir, environment, { idleTimeoutMs: 1000 });
    slot.hold(second);
    clock.advance(1000);
    expect(slot.current).toBeNull();
  });
});
