import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RootkeeperError } from '../../../shared/errors';
import { useOperation } from '../../../src-renderer/src/composables/use-operation';

beforeEach(() => {
  setActivePinia(createPinia());
  const appStatus = vi.fn(async () => ({
    ok: true,
    value: { version: '1', store: { location: '/s', state: 'initialized' }, session: { locked: false, locksAt: null } },
  }));
  Object.defineProperty(window, 'rootkeeper', { value: { appStatus }, configurable: true });
});
afterEach(() => Reflect.deleteProperty(window, 'rootkeeper'));

describe('an action of a screen', () => {
  it('cannot be started again while it runs, and reads the status again when it ends', async () => {
    let finish: (value: string) => void = () => {};
    const work = vi.fn(() => new Promise<string>((resolve) => (finish = resolve)));
    const action = useOperation(work);
    const first = action.run();
    expect(action.busy.value).toBe(true);
    expect(await action.run()).toBeNull();
    expect(work).toHaveBeenCalledOnce();
    finish('done');
    expect(await first).toBe('done');
    expect([action.busy.value, action.result.value, action.error.value]).toEqual([false, 'done', null]);
    await vi.waitFor(() =>
      expect((window as unknown as { rootkeeper: { appStatus: unknown } }).rootkeeper.appStatus).toHaveBeenCalled(),
    );
  });

  it("shows the main side's sentence for a refusal, and a generic one for a fault in the page", async () => {
    const refused = useOperation(async () => {
      throw new RootkeeperError('REJECTED_INPUT', 'The name www..example.com is not a DNS name.');
    });
    expect(await refused.run()).toBeNull();
    expect(refused.error.value).toBe('The name www..example.com is not a DNS name.');
    const broken = useOperation(async () => {
      throw new TypeError('x is undefined');
    });
    await broken.run();
    expect(broken.error.value).toMatch(/^Something went wrong in the window\. Nothing was changed/);
    expect(broken.error.value).not.toContain('x is undefined');
  });
});
