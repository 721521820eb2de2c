import { describe, expect, it, vi } from 'vitest';
import { operationNames } from '../../../shared/contract';
import { buildWindowApi } from '../../../shared/window-api';

describe('buildWindowApi', () => {
  it('exposes exactly one function per contract operation, and the menu listener', () => {
    const api = buildWindowApi(vi.fn(), vi.fn());
    expect(Object.keys(api).sort()).toEqual([...operationNames, 'onMenuCommand'].sort());
    for (const name of operationNames) expect(typeof api[name]).toBe('function');
  });

  it('sends each call under its own operation name and returns the reply', async () => {
    const transport = vi.fn(async () => ({ ok: true, value: 'reply' }));
    const api = buildWindowApi(transport, vi.fn());
    await expect(api.appStatus({})).resolves.toEqual({ ok: true, value: 'reply' });
    expect(transport).toHaveBeenCalledWith('appStatus', {});
  });

  it('cannot be altered by the page', () => {
    const api = buildWindowApi(vi.fn(), vi.fn());
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('hands menu listeners known commands only', () => {
    let deliver: (command: unknown) => void = () => {};
    const api = buildWindowApi(vi.fn(), (subscriber) => (deliver = subscriber));
    const heard: string[] = [];
    api.onMenuCommand((command) => heard.push(command));
    for (const command of ['locked', 'issue', 'rm -rf', 42, null, 'backup']) deliver(command);
    expect(heard).toEqual(['locked', 'issue', 'backup']);
  });

  it('sends a dropped path only as pathOf finds it for the dropped File: a path the page names is not sent', async () => {
    const transport = vi.fn(async () => ({ ok: true, value: null }));
    const file = { name: 'pki' };
    const pathOf = vi.fn((candidate: unknown) => (candidate === file ? '/media/usb/pki' : ''));
    const api = buildWindowApi(transport, vi.fn(), pathOf);
    await api.useDroppedPath({ purpose: 'import-source', file });
    expect(transport).toHaveBeenLastCalledWith('useDroppedPath', { purpose: 'import-source', path: '/media/usb/pki' });
    await api.useDroppedPath({ purpose: 'import-source', file: null, path: '/etc' } as never);
    expect(transport).toHaveBeenLastCalledWith('useDroppedPath', { purpose: 'import-source', path: '' });
    const throwing = buildWindowApi(transport, vi.fn(), () => {
      throw new TypeError('not a File');
    });
    await throwing.useDroppedPath({ purpose: 'import-source', file: 'a string' });
    expect(transport).toHaveBeenLastCalledWith('useDroppedPath', { purpose: 'import-source', path: '' });
  });
});
