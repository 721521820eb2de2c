import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contract, operationNames } from '../../../../shared/contract';
import { MENU_CHANNEL } from '../../../../shared/menu';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null }));
const on = vi.fn();
const getPathForFile = vi.fn((file: unknown) => `/dropped/${(file as { name: string }).name}`);

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: { invoke, send: vi.fn(), on, sendSync: vi.fn() },
  webUtils: { getPathForFile },
}));

describe('the preload', () => {
  beforeEach(async () => {
    exposed.clear();
    vi.resetModules();
    await import('../../../../src-main/electron/preload');
  });

  it('exposes one object, window.rootkeeper, and nothing else', () => {
    expect([...exposed.keys()]).toEqual(['rootkeeper']);
  });

  it('gives it exactly one function per operation and the menu listener, and no ipcRenderer', () => {
    const api = exposed.get('rootkeeper') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...operationNames, 'onMenuCommand'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    for (const generic of ['invoke', 'send', 'sendSync', 'on', 'ipcRenderer']) expect(api).not.toHaveProperty(generic);
  });

  it('sends each operation on its own channel with only the request', async () => {
    const api = exposed.get('rootkeeper') as Record<string, (request: unknown) => Promise<unknown>>;
    await api.appStatus!({});
    expect(invoke).toHaveBeenCalledWith(contract.appStatus.channel, {});
  });

  it('passes the page known menu commands only, and never the IPC event', () => {
    const api = exposed.get('rootkeeper') as { onMenuCommand(listener: (...args: unknown[]) => void): void };
    const heard: unknown[][] = [];
    api.onMenuCommand((...args) => heard.push(args));
    const [channel, relay] = on.mock.calls.at(-1) as [string, (event: unknown, command: unknown) => void];
    expect(channel).toBe(MENU_CHANNEL);
    const event = { sender: { send: vi.fn() } };
    relay(event, 'issue');
    relay(event, 'format-the-disk');
    relay(event, { toString: () => 'lock' });
    expect(heard).toEqual([['issue']]);
  });

  it('turns a dropped File into its path with webUtils.getPathForFile, and sends only that', async () => {
    const api = exposed.get('rootkeeper') as Record<string, (request: unknown) => Promise<unknown>>;
    const file = { name: 'pki' };
    await api.useDroppedPath!({ purpose: 'import-source', file, path: '/etc' });
    expect(getPathForFile).toHaveBeenCalledWith(file);
    expect(invoke).toHaveBeenLastCalledWith(contract.useDroppedPath.channel, {
      purpose: 'import-source',
      path: '/dropped/pki',
    });
  });
});
