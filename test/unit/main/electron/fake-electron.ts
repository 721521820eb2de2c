/**
 * A test double of the parts of `electron` the shell uses. It records what
 * the shell asks for (window options, handlers, listeners) so tests can
 * inspect them and call them as Electron would.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { ElectronModule } from '../../../../src-main/electron/electron-module';

type Handler = (...args: never[]) => unknown;

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: Handler | null = null;
  readonly sent: Array<[channel: string, ...args: unknown[]]> = [];
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  isDestroyed(): boolean {
    return false;
  }
  setWindowOpenHandler(handler: Handler): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  shown = false;
  constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

export interface FakeElectron {
  readonly module: ElectronModule;
  readonly calls: string[];
  readonly appEvents: EventEmitter;
  readonly ipcHandlers: Map<string, Handler>;
  readonly protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  readonly session: FakeSession;
  readonly app: ReturnType<typeof fakeApp>;
  readonly registerSchemesAsPrivileged: ReturnType<typeof vi.fn>;
  readonly powerMonitor: EventEmitter;
  /** The template the shell built its application menu from. */
  readonly menu: { template: Electron.MenuItemConstructorOptions[] | null };
  /** What the next native dialog answers; every dialog opened is recorded. */
  readonly dialog: { answer: string | null; opened: Array<{ kind: 'open' | 'save'; options: unknown }> };
  ready(): void;
}

export class FakeSession extends EventEmitter {
  permissionRequestHandler: Handler | null = null;
  permissionCheckHandler: Handler | null = null;
  devicePermissionHandler: Handler | null = null;
  displayMediaHandler: Handler | null = null;
  spellChecker = true;
  beforeRequest: { filter: { urls: string[] }; listener: Handler } | null = null;
  readonly webRequest = {
    onBeforeRequest: (filter: { urls: string[] }, listener: Handler) => {
      this.beforeRequest = { filter, listener };
    },
  };
  setPermissionRequestHandler(handler: Handler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Handler): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Handler): void {
    this.devicePermissionHandler = handler;
  }
  setDisplayMediaRequestHandler(handler: Handler): void {
    this.displayMediaHandler = handler;
  }
  setSpellCheckerEnabled(enabled: boolean): void {
    this.spellChecker = enabled;
  }
}

function fakeApp(calls: string[], readyPromise: Promise<void>, options: FakeOptions) {
  const events = new EventEmitter();
  return Object.assign(events, {
    isPackaged: options.isPackaged ?? false,
    commandLine: { appendSwitch: vi.fn((name: string) => calls.push(`appendSwitch:${name}`)) },
    enableSandbox: vi.fn(() => calls.push('enableSandbox')),
    requestSingleInstanceLock: vi.fn(() => {
      calls.push('requestSingleInstanceLock');
      return options.singleInstance ?? true;
    }),
    quit: vi.fn(() => calls.push('quit')),
    exit: vi.fn(),
    whenReady: vi.fn(() => readyPromise),
    getVersion: () => '9.8.7',
    getPath: (name: string) => `${options.userData ?? '/fake/user-data'}${name === 'userData' ? '' : `/${name}`}`,
  });
}

interface FakeOptions {
  singleInstance?: boolean;
  isPackaged?: boolean;
  userData?: string;
}

export function createFakeElectron(options: FakeOptions = {}): FakeElectron {
  FakeBrowserWindow.instances = [];
  const calls: string[] = [];
  let resolveReady: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => (resolveReady = resolve));
  const app = fakeApp(calls, readyPromise, options);
  const ipcHandlers = new Map<string, Handler>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const session = new FakeSession();
  const registerSchemesAsPrivileged = vi.fn(() => calls.push('registerSchemesAsPrivileged'));
  const powerMonitor = new EventEmitter();
  const menu: FakeElectron['menu'] = { template: null };
  const dialog: FakeElectron['dialog'] = { answer: null, opened: [] };
  const module = {
    Menu: {
      buildFromTemplate: (template: Electron.MenuItemConstructorOptions[]) => {
        menu.template = template;
        return { template };
      },
      setApplicationMenu: vi.fn(),
    },
    dialog: {
      showOpenDialog: async (...args: unknown[]) => {
        dialog.opened.push({ kind: 'open', options: args.at(-1) });
        return { canceled: dialog.answer === null, filePaths: dialog.answer === null ? [] : [dialog.answer] };
      },
      showSaveDialog: async (...args: unknown[]) => {
        dialog.opened.push({ kind: 'save', options: args.at(-1) });
        return { canceled: dialog.answer === null, filePath: dialog.answer ?? '' };
      },
    },
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: { handle: (channel: string, handler: Handler) => ipcHandlers.set(channel, handler) },
    protocol: {
      registerSchemesAsPrivileged,
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        protocolHandlers.set(scheme, handler),
    },
    session: { defaultSession: session },
    powerMonitor,
  } as unknown as ElectronModule;
  return {
    module,
    calls,
    appEvents: app,
    ipcHandlers,
    protocolHandlers,
    session,
    app,
    registerSchemesAsPrivileged,
    powerMonitor,
    menu,
    dialog,
    ready: () => {
      calls.push('ready');
      resolveReady();
    },
  };
}

/** An IPC invoke event as Electron builds it, from a frame of our choosing. */
export function invokeEvent(frame: { url: string; parent: unknown } | null) {
  return { senderFrame: frame } as unknown as Electron.IpcMainInvokeEvent;
}

export const APP_TOP_FRAME = { url: 'app://bundle/index.html#/vault', parent: null };
