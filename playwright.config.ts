import { register } from 'node:module';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/harness/chromium';

/**
 * Two end-to-end suites: the built renderer in Debian's Chromium with the real
 * main-side operations behind it (browser), and the built app in Electron
 * (electron), which reports itself skipped where no Electron binary exists.
 */
// The main-side code imports its script templates with Vite's `?raw`; teach this process and its workers (which load this file too).
register('./test/e2e/raw-text-loader.mjs', import.meta.url);

// SoftHSM reads SOFTHSM2_CONF once per process, and a worker's harness may keep it initialised: each spec
// that makes its own token folder is a project of its own, so it never shares a worker with another.
const TOKEN_SPECS = ['token.spec.ts', 'intermediate-token.spec.ts'];

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  globalSetup: './test/e2e/global-setup.ts',
  fullyParallel: true,
  forbidOnly: true,
  workers: 2,
  reporter: [['list']],
  use: { trace: 'retain-on-failure' },
  projects: [
    {
      name: 'browser',
      testDir: 'test/e2e/browser',
      testIgnore: TOKEN_SPECS.map((file) => `**/${file}`),
      use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions() },
    },
    ...TOKEN_SPECS.map((file) => ({
      name: `browser-${file.replace('.spec.ts', '')}`,
      testDir: 'test/e2e/browser',
      testMatch: `**/${file}`,
      use: { browserName: 'chromium' as const, launchOptions: chromiumLaunchOptions() },
    })),
    {
      name: 'electron',
      testDir: 'test/e2e/electron',
    },
  ],
});
