import { describe, expect, it, vi } from 'vitest';
import { contract } from '../../../../shared/contract';
import { isTrustedSender, registerIpcHandlers } from '../../../../src-main/electron/ipc';
import { APP_TOP_FRAME, invokeEvent } from './fake-electron';

function registered() {
  const handlers = new Map<string, (...args: unknown[]) => unknown>();
  const dispatch = vi.fn(async () => ({ ok: true as const, value: 'dispatched' }));
  registerIpcHandlers({ handle: (channel, handler) => void handlers.set(channel, handler as never) }, dispatch);
  return { handler: handlers.get(contract.appStatus.channel)!, dispatch };
}

describe('IPC handlers', () => {
  it('pass a request from the app window to the dispatcher', async () => {
    const { handler, dispatch } = registered();
    await expect(handler(invokeEvent(APP_TOP_FRAME), {})).resolves.toEqual({ ok: true, value: 'dispatched' });
    expect(dispatch).toHaveBeenCalledWith('appStatus', {});
  });

  it('refuse a foreign sender frame before looking at the payload', async () => {
    const { handler, dispatch } = registered();
    const top = { url: 'app://bundle/', parent: null };
    for (const frame of [
      null,
      { url: 'app://bundle/frame.html', parent: top },
      { url: 'https://example.com/', parent: null },
      { url: 'file:///home/officer/evil.html', parent: null },
      { url: 'app://bundle.evil/', parent: null },
    ]) {
      expect(await handler(invokeEvent(frame), {})).toEqual({
        ok: false,
        error: {
          code: 'FORBIDDEN_SENDER',
          message: 'This request did not come from the Rootkeeper window and was refused.',
        },
      });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuse a frame that was destroyed while the message was in flight', async () => {
    const { handler, dispatch } = registered();
    const event = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(await handler(event, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('refuse extra arguments', async () => {
    const { handler, dispatch } = registered();
    expect(await handler(invokeEvent(APP_TOP_FRAME), {}, 'smuggled')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await handler(invokeEvent(APP_TOP_FRAME))).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('isTrustedSender accepts only the top-level app page', () => {
    expect(isTrustedSender(APP_TOP_FRAME)).toBe(true);
    expect(isTrustedSender({ url: 'app://bundle/', parent: APP_TOP_FRAME })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('IPC handlers with the real dispatcher', () => {
  it('refuse an invalid payload with a precise error', async () => {
    const { createHost } = await import('../../../../src-main/host');
    const host = createHost({ version: '1', storeDir: '/nonexistent/store', log: { error: () => {} } });
    const handlers = new Map<string, (...args: unknown[]) => unknown>();
    registerIpcHandlers({ handle: (channel, handler) => void handlers.set(channel, handler as never) }, host.dispatch);
    const handler = handlers.get(contract.appStatus.channel)!;
    expect(await handler(invokeEvent(APP_TOP_FRAME), { storeDir: '/etc' })).toEqual({
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: 'The appStatus request was refused: "storeDir" is not a field of this request.',
      },
    });
    expect(await handler(invokeEvent(APP_TOP_FRAME), ['x'])).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'The appStatus request must be an object.' },
    });
  });
});
