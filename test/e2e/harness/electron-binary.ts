import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronBinary = { readonly path: string } | { readonly path: null; readonly reason: string };

/**
 * Finds an Electron executable without triggering Electron's lazy download
 * (which needs GitHub): ELECTRON_OVERRIDE_DIST_PATH first, then the npm
 * package's own dist folder.
 */
export function findElectronBinary(): ElectronBinary {
  const looked: string[] = [];
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = path.join(override, executableName());
    if (existsSync(candidate)) return { path: candidate };
    looked.push(candidate);
  }
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = path.join(packageDir, 'path.txt');
  const candidate = path.join(
    packageDir,
    'dist',
    existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : executableName(),
  );
  if (existsSync(candidate)) return { path: candidate };
  looked.push(candidate);
  return {
    path: null,
    reason:
      `no Electron binary on this machine (looked for ${looked.join(' and ')}). ` +
      'Set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron 45 folder, or run `npx install-electron --no` where GitHub is reachable.',
  };
}

function executableName(): string {
  if (process.platform === 'win32') return 'electron.exe';
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}
