import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './harness/chromium';
import { findElectronBinary } from './harness/electron-binary';

/** Fails early with a useful sentence, and announces a skipped Electron suite where nobody can miss it. */
export default function globalSetup(): void {
  for (const file of ['out/renderer/index.html', 'out/main/main.js', 'out/preload/preload.cjs']) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before the end-to-end tests.`);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's chromium or set ROOTKEEPER_CHROMIUM.`);
  }
  const electron = findElectronBinary();
  if (electron.path === null) {
    const line = '!'.repeat(100);
    console.log(`\n${line}\n!! ELECTRON END-TO-END SUITE SKIPPED: ${electron.reason}\n${line}\n`);
  }
}
