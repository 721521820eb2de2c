import { describe, expect, it, vi } from 'vitest';
import { RootkeeperError } from '../../../shared/errors';
import { createDispatcher, type OperationHandlers } from '../../../src-main/operations/dispatch';

const goodStatus = {
  version: '1.0.0',
  store: { location: '/store', state: 'missing' as const },
  session: { locked: true, locksAt: null },
};

function setup(appStatus: OperationHandlers['appStatus'] = async () => goodStatus) {
  const log = { error: vi.fn() };
  const handler = vi.fn(appStatus);
  return { dispatch: createDispatcher({ appStatus: handler } as unknown as OperationHandlers, log), handler, log };
}

describe('the dispatcher', () => {
  it('runs a valid request and returns the validated reply', async () => {
    const { dispatch, handler } = setup();
    await expect(dispatch('appStatus', {})).resolves.toEqual({ ok: true, value: goodStatus });
    expect(handler).toHaveBeenCalledWith({});
  });

  it('refuses an invalid payload before the handler runs', async () => {
    const { dispatch, handler } = setup();
    for (const payload of [undefined, null, 'x', [], { unexpected: true }]) {
      const result = await dispatch('appStatus', payload);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('INVALID_REQUEST');
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('says which field was wrong', async () => {
    const { dispatch } = setup();
    const result = await dispatch('appStatus', { storeDir: '/etc' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'The appStatus request was refused: "storeDir" is not a field of this request.',
      },
    });
  });

  it('refuses an operation the contract does not list', async () => {
    const { dispatch } = setup();
    const result = await dispatch('__proto__', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('passes a RootkeeperError through with its code and sentence', async () => {
    const { dispatch } = setup(async () => {
      throw new RootkeeperError('INTERNAL', 'The disk is full. Free some space and try again.');
    });
    await expect(dispatch('appStatus', {})).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'The disk is full. Free some space and try again.' },
    });
  });

  it('hides a foreign error behind a generic sentence and keeps its message out of the log', async () => {
    const { dispatch, log } = setup(async () => {
      throw new TypeError('decrypt failed for passphrase hunter2');
    });
    const result = await dispatch('appStatus', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(log.error).toHaveBeenCalledOnce();
    const logged = log.error.mock.calls.flat().join('\n');
    expect(logged).toContain('TypeError');
    expect(logged).not.toContain('hunter2');
  });

  it('withholds a reply carrying a field the contract does not declare', async () => {
    const leaky = { ...goodStatus, privateKeyPem: '-----BEGIN PRIVATE KEY-----' };
    const { dispatch, log } = setup((async () => leaky) as unknown as OperationHandlers['appStatus']);
    const result = await dispatch('appStatus', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY');
    expect(log.error).toHaveBeenCalledOnce();
  });
});
