import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contract, operationNames } from '../../../../shared/contract';
import { APP_ENTRY_URL } from '../../../../src-main/app-origin';
import { lockWhenAway, startDesktopApp } from '../../../../src-main/electron/desktop-app';
import { CONTENT_SECURITY_POLICY } from '../../../../src-main/renderer-assets';
import { MENU_CHANNEL } from '../../../../shared/menu';
import { makeTempDir } from '../../../support/temp-dir';
import {
  APP_TOP_FRAME,
  FakeBrowserWindow,
  FakeWebContents,
  createFakeElectron,
  invokeEvent,
  type FakeElectron,
} from './fake-electron';

describe('startDesktopApp', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let rendererDir: string;

  beforeEach(async () => {
    ({ dir: root, cleanup } = await makeTempDir());
    rendererDir = path.join(root, 'renderer');
    await mkdir(rendererDir);
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Rootkeeper</title>');
  });
  afterEach(() => cleanup());

  async function start(fake: FakeElectron): Promise<void> {
    const started = startDesktopApp(fake.module, { rendererDir, preloadPath: '/app/out/preload/preload.cjs' });
    fake.ready();
    await started;
  }

  it('enables the sandbox, registers app:// and takes the instance lock before Electron is ready', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    const readyAt = fake.calls.indexOf('ready');
    for (const step of ['enableSandbox', 'registerSchemesAsPrivileged', 'requestSingleInstanceLock']) {
      expect(fake.calls.indexOf(step), step).toBeGreaterThanOrEqual(0);
      expect(fake.calls.indexOf(step), step).toBeLessThan(readyAt);
    }
    expect(fake.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('quits without a window when another instance holds the lock', async () => {
    const fake = createFakeElectron({ singleInstance: false });
    await start(fake);
    expect(fake.app.quit).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(fake.ipcHandlers.size).toBe(0);
  });

  it('opens one sandboxed, isolated window on app://, never file://', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const window = FakeBrowserWindow.instances[0]!;
    expect(window.loadedUrl).toBe(APP_ENTRY_URL);
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: true,
    });
    expect(window.shown).toBe(false);
    window.emit('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('makes devtools unavailable in a packaged build', async () => {
    const fake = createFakeElectron({ userData: root, isPackaged: true });
    await start(fake);
    expect(FakeBrowserWindow.instances[0]!.options.webPreferences?.devTools).toBe(false);
  });

  it('serves the renderer through protocol.handle with the CSP as a response header', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    const handler = fake.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    const response = await handler!(new Request('app://bundle/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).toContain('<title>Rootkeeper</title>');
    expect((await handler!(new Request('app://bundle/../../etc/passwd'))).status).toBe(404);
    expect((await handler!(new Request('app://elsewhere/index.html'))).status).toBe(404);
  });

  it('registers exactly one IPC handler per contract operation', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(operationNames.map((name) => contract[name].channel).sort());
  });

  it('answers appStatus from the store folder inside userData', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    const handler = fake.ipcHandlers.get(contract.appStatus.channel)!;
    await expect(handler(invokeEvent(APP_TOP_FRAME) as never, {} as never)).resolves.toEqual({
      ok: true,
      value: {
        version: '9.8.7',
        store: { location: path.join(root, 'store'), state: 'missing' },
        session: { locked: true, locksAt: null },
      },
    });
  });

  it('locks down the default session: no permissions, no network, no downloads, no spellchecker', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    const session = fake.session;
    let granted: boolean | undefined;
    session.permissionRequestHandler!(...([{}, 'media', (ok: boolean) => (granted = ok)] as never[]));
    expect(granted).toBe(false);
    expect(session.permissionCheckHandler!()).toBe(false);
    expect(session.devicePermissionHandler!()).toBe(false);
    let streams: unknown = 'unset';
    session.displayMediaHandler!(...([{}, (s: unknown) => (streams = s)] as never[]));
    expect(streams).toBeNull();
    expect(session.spellChecker).toBe(false);

    expect(session.beforeRequest!.filter.urls).toEqual(
      expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']),
    );
    let verdict: unknown;
    session.beforeRequest!.listener(...([{ url: 'https://example.com/' }, (v: unknown) => (verdict = v)] as never[]));
    expect(verdict).toEqual({ cancel: true });

    let prevented = false;
    session.emit('will-download', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('hardens every web contents Electron creates', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    const contents = new FakeWebContents();
    fake.appEvents.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler!()).toEqual({ action: 'deny' });
    for (const eventName of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const navigate = (url: string) => {
        let prevented = false;
        contents.emit(eventName, { url, preventDefault: () => (prevented = true) });
        return prevented;
      };
      expect(navigate('https://example.com/'), eventName).toBe(true);
      expect(navigate('file:///etc/passwd'), eventName).toBe(true);
      expect(navigate('app://bundle.evil/'), eventName).toBe(true);
      expect(navigate('app://bundle/index.html'), eventName).toBe(false);
    }
    let webviewPrevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) });
    expect(webviewPrevented).toBe(true);
  });

  it('blocks name resolution for the whole app', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    expect(fake.app.commandLine.appendSwitch).toHaveBeenCalledWith('host-resolver-rules', 'MAP * ~NOTFOUND');
  });

  it('locks the session on screen lock, suspend and quit', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    expect(fake.powerMonitor.listenerCount('lock-screen')).toBe(1);
    expect(fake.powerMonitor.listenerCount('suspend')).toBe(1);
    const lock = vi.fn();
    const events = { app: fake.app as never, powerMonitor: new EventEmitter() as never };
    lockWhenAway(events as never, lock);
    (events.powerMonitor as unknown as EventEmitter).emit('lock-screen');
    (events.powerMonitor as unknown as EventEmitter).emit('suspend');
    fake.appEvents.emit('before-quit');
    expect(lock).toHaveBeenCalledTimes(3);
  });

  it('builds the application menu; its Lock tells the page once the session is locked', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    const items = fake.menu.template!.flatMap((menu) => (Array.isArray(menu.submenu) ? menu.submenu : []));
    const lock = items.find((item) => item.label === 'Lock')!;
    expect(lock.accelerator).toBe('CmdOrCtrl+L');
    const window = FakeBrowserWindow.instances[0]!;
    lock.click!(undefined as never, undefined as never, undefined as never);
    await vi.waitFor(() => expect(window.webContents.sent).toEqual([[MENU_CHANNEL, 'locked']]));
    items.find((item) => item.label === 'Issue a Certificate…')!.click!(
      undefined as never,
      undefined as never,
      undefined as never,
    );
    expect(window.webContents.sent.at(-1)).toEqual([MENU_CHANNEL, 'issue']);
  });

  it('opens the native folder dialog for the page, and remembers the chosen store folder for the next start', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    const call = (operation: keyof typeof contract, request: unknown) =>
      fake.ipcHandlers.get(contract[operation].channel)!(
        invokeEvent(APP_TOP_FRAME) as never,
        request as never,
      ) as Promise<{
        ok: boolean;
        value: never;
      }>;
    const usb = path.join(root, 'usb-stick');
    await mkdir(usb);
    fake.dialog.answer = usb;
    const chosen = await call('choosePath', { purpose: 'store-folder' });
    expect(fake.dialog.opened[0]).toMatchObject({
      kind: 'open',
      options: { properties: expect.arrayContaining(['openDirectory']) },
    });
    const { destination, label } = (chosen.value as { choice: { destination: string; label: string } }).choice;
    expect(label).toBe(usb);
    expect(destination).toMatch(/^destination:[0-9a-f]{24}$/);
    expect(await call('useStoreFolder', { destination })).toMatchObject({
      ok: true,
      value: { store: { location: usb, state: 'empty' } },
    });

    const restarted = createFakeElectron({ userData: root });
    await start(restarted);
    const status = await (restarted.ipcHandlers.get(contract.appStatus.channel)!(
      invokeEvent(APP_TOP_FRAME) as never,
      {} as never,
    ) as Promise<{
      value: { store: { location: string } };
    }>);
    expect(status.value.store.location).toBe(usb);
  });

  it('answers a cancelled dialog with no choice', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    fake.dialog.answer = null;
    const reply = await fake.ipcHandlers.get(contract.choosePath.channel)!(
      invokeEvent(APP_TOP_FRAME) as never,
      {
        purpose: 'backup-save',
      } as never,
    );
    expect(reply).toEqual({ ok: true, value: { choice: null } });
    expect(fake.dialog.opened[0]).toMatchObject({
      kind: 'save',
      options: { defaultPath: expect.stringMatching(/^rootkeeper-\d{4}-\d{2}-\d{2}\.backup$/) },
    });
  });

  it('quits when its window closes', async () => {
    const fake = createFakeElectron({ userData: root });
    await start(fake);
    fake.appEvents.emit('window-all-closed');
    expect(fake.app.quit).toHaveBeenCalled();
  });
});
