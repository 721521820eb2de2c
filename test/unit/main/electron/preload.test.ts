import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contract, operationNames } from '../../../../shared/contract';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: { invoke, send: vi.fn(), on: vi.fn(), sendSync: vi.fn() },
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

  it('gives it exactly one function per operation, and no ipcRenderer', () => {
    const api = exposed.get('rootkeeper') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...operationNames].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    for (const generic of ['invoke', 'send', 'sendSync', 'on', 'ipcRenderer']) expect(api).not.toHaveProperty(generic);
  });

  it('sends each operation on its own channel with only the request', async () => {
    const api = exposed.get('rootkeeper') as Record<string, (request: unknown) => Promise<unknown>>;
    await api.appStatus!({});
    expect(invoke).toHaveBeenCalledWith(contract.appStatus.channel, {});
  });
});
