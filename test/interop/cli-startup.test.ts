/**
 * What the built CLI loads before it does anything: not the libraries only
 * some commands need (PDF and fonts, the passphrase estimator, PKCS#11,
 * node-forge, plist). Loading them all cost every command about 2 s; a
 * static import of any of them put back in the start-up graph fails this.
 * The probe lists the CommonJS modules Node loaded (each of these packages
 * is CommonJS, or, for plist, imports CommonJS XML libraries).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli } from '../support/cli';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';

const LOADED_ON_DEMAND =
  /node_modules\/(pdf-lib|@pdf-lib|qrcode|pngjs|@zxcvbn-ts|graphene-pk11|node-webcrypto-p11|pkcs11js|node-forge|@xmldom|xmlbuilder)\//;

let dir: string;
let cleanup: () => Promise<void>;
let probe: string;

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-cli-startup-'));
  probe = path.join(dir, 'probe.mjs');
  await writeFile(
    probe,
    [
      "import { createRequire } from 'node:module';",
      'const cache = createRequire(import.meta.url).cache;',
      "process.on('exit', () => process.stderr.write(`LOADED ${JSON.stringify(Object.keys(cache))}\\n`));",
    ].join('\n'),
  );
});
afterAll(() => cleanup());

function loadedBy(...args: string[]): string[] {
  const result = run(process.execPath, ['--import', probe, CLI, ...args], { cwd: dir });
  const line = result.stderr.split('\n').find((text) => text.startsWith('LOADED '));
  expect(line, result.stderr).toBeDefined();
  return JSON.parse(line!.slice('LOADED '.length)) as string[];
}

describe('the CLI’s start-up', () => {
  it('loads the certificate libraries and none of those only some commands need', () => {
    for (const args of [['--version'], ['list', '--store', path.join(dir, 'no-store')]]) {
      const loaded = loadedBy(...args);
      // The probe sees what was loaded: x509 always is.
      expect(loaded.some((file) => file.includes('node_modules/@peculiar/x509/'))).toBe(true);
      expect(loaded.filter((file) => LOADED_ON_DEMAND.test(file))).toEqual([]);
    }
  });
});
