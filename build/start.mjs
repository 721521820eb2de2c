// `npm start`: finds the Electron binary (fetching it once, as Electron's own
// launcher would, where GitHub is reachable), builds, then launches the app.
// Where there is no binary it says so in one sentence, not a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
const executable =
  process.platform === 'win32'
    ? 'electron.exe'
    : process.platform === 'darwin'
      ? 'Electron.app/Contents/MacOS/Electron'
      : 'electron';

/** The binary Electron's launcher would run, or null; with ELECTRON_OVERRIDE_DIST_PATH, only that folder counts. */
function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? path.join(override, executable)
    : path.join(
        packageDir,
        'dist',
        existsSync(path.join(packageDir, 'path.txt'))
          ? readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim()
          : executable,
      );
  return existsSync(candidate) ? candidate : null;
}

function fail(sentence) {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

let binary = electronBinary();
const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
if (!binary && override) {
  fail(
    `Rootkeeper cannot start: ELECTRON_OVERRIDE_DIST_PATH is ${override}, but there is no ${executable} in it; point it at the folder of an unpacked Electron ${version} (the one holding the ${executable} executable).`,
  );
}
if (!binary) {
  // Electron's own installer, quietly: it fetches the binary from GitHub once, and fails fast offline.
  spawnSync(process.execPath, [path.join(packageDir, 'install.js')], { stdio: 'ignore' });
  binary = electronBinary();
}
if (!binary) {
  fail(
    `Rootkeeper cannot start: the Electron ${version} binary is not installed and could not be downloaded from GitHub; set ELECTRON_OVERRIDE_DIST_PATH to the folder of an unpacked Electron ${version} for this platform (the one holding the ${executable} executable) and run npm start again.`,
  );
}

if (process.argv.includes('--check')) process.exit(0);
run('npm', ['run', 'build']);
run(binary, ['.']);
