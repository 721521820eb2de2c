/**
 * The browser harness: the built renderer runs in Chromium, its files served
 * by the very function the app:// protocol handler uses (no server, no port),
 * and its window API answered by a real main-side host in the test process.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHost, type Host } from '../../../src-main/host';
import { HARNESS_MENU, HARNESS_ORIGIN } from './constants';
import { answerFromHost, serveFromBundle } from './wiring';
import type { ChoicePurpose } from '../../../shared/domain/operations';
import type { MenuCommand } from '../../../shared/menu';
import type { Dialogs } from '../../../src-main/host';
import { TEST_KDF_COST } from '../../support/kdf';
import { testEnvironment } from '../../support/store';
import { systemClock } from '../../../src-main/clock';
import { UnlockThrottle } from '../../../src-main/store/throttle';
import { Witness } from '../../../src-main/store/witness';

export interface Harness {
  readonly page: Page;
  readonly host: Host;
  /** The scratch user-data folder; the store folder is inside it. */
  readonly userDataDir: string;
  readonly storeDir: string;
  readonly version: string;
  /** Requests the page tried to send anywhere but its own origin (all were refused). */
  readonly foreignRequests: string[];
  /** Console errors and CSP violations the page reported. */
  readonly pageErrors: string[];
  /** The native dialogs' test double: queue what the officer "picks". */
  readonly dialogs: ScriptedDialogs;
  open(hashPath?: string): Promise<void>;
  /** Plays an application-menu command into the page, as the Electron shell's menu does. */
  menu(command: MenuCommand): Promise<void>;
  /** Moves the unlock throttle's clock on (its waits are 30 s and more), leaving the session's idle timer alone. */
  advanceThrottleClock(ms: number): void;
}

/**
 * Stands in for Electron's dialog module: each dialog the page opens takes
 * the next queued answer (a path, or null for Cancel) and records its purpose.
 */
export class ScriptedDialogs implements Dialogs {
  private readonly answers: Array<string | null> = [];
  readonly opened: ChoicePurpose[] = [];

  answer(...paths: Array<string | null>): void {
    this.answers.push(...paths);
  }

  async choose(purpose: ChoicePurpose): Promise<string | null> {
    this.opened.push(purpose);
    if (this.answers.length === 0) throw new Error(`the test queued no answer for the ${purpose} dialog`);
    return this.answers.shift()!;
  }
}

async function packageVersion(): Promise<string> {
  return (JSON.parse(await readFile('package.json', 'utf8')) as { version: string }).version;
}

export const test = base.extend<{ harness: Harness; witness: boolean }>({
  /** With `test.use({ witness: true })` the host keeps a rollback witness (in the scratch folder), as the app does. */
  witness: [false, { option: true }],
  harness: async ({ page, witness }, use) => {
    const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'rootkeeper-e2e-'));
    const storeDir = path.join(userDataDir, 'store');
    const version = await packageVersion();
    const mainLog: string[] = [];
    const dialogs = new ScriptedDialogs();
    let throttleOffset = 0;
    const throttleClock = { ...systemClock, now: () => Date.now() + throttleOffset };
    // The real operations, with argon2id at a test cost so each unlock takes milliseconds.
    const host = createHost({
      version,
      storeDir,
      dialogs,
      settingsFile: path.join(userDataDir, 'rootkeeper-settings.json'),
      environment: {
        ...testEnvironment(),
        throttle: new UnlockThrottle(throttleClock),
        kdfCost: TEST_KDF_COST,
        ...(witness ? { witness: new Witness(path.join(userDataDir, 'witness.json')) } : {}),
      },
      log: { error: (message) => mainLog.push(message) },
    });
    const foreignRequests: string[] = [];
    const pageErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await serveFromBundle(page, foreignRequests);
    await answerFromHost(page, host);

    const open = async (hashPath = '/vault') => {
      await page.goto(`${HARNESS_ORIGIN}/index.html#${hashPath}`);
    };
    const menu = async (command: MenuCommand) => {
      if (command === 'locked') await host.lock();
      await page.evaluate(([name, value]) => (window as unknown as Record<string, (c: string) => void>)[name]!(value), [
        HARNESS_MENU,
        command,
      ] as const);
    };
    const advanceThrottleClock = (ms: number) => void (throttleOffset += ms);
    await use({
      page,
      host,
      userDataDir,
      storeDir,
      version,
      foreignRequests,
      pageErrors,
      dialogs,
      open,
      menu,
      advanceThrottleClock,
    });

    expect(mainLog, 'main-side errors').toEqual([]);
    await rm(userDataDir, { recursive: true, force: true });
  },
});

export { expect };
