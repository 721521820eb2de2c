import type { LaunchOptions } from '@playwright/test';

/** Debian's Chromium by default: `npx playwright install` cannot download browsers here. */
export const CHROMIUM_PATH = process.env.ROOTKEEPER_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumLaunchOptions(): LaunchOptions {
  return {
    executablePath: CHROMIUM_PATH,
    args: [
      // Nothing the page does may reach a network, and Chromium's own background traffic is switched off.
      '--host-resolver-rules=MAP * ~NOTFOUND',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  };
}
