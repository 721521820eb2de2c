import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/e2e/harness/chromium';

/**
 * Two end-to-end suites: the built renderer in Debian's Chromium with the real
 * main-side operations behind it (browser), and the built app in Electron
 * (electron), which reports itself skipped where no Electron binary exists.
 */
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
      use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions() },
    },
    {
      name: 'electron',
      testDir: 'test/e2e/electron',
    },
  ],
});
