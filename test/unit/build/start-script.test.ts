/**
 * `npm start` (build/start.mjs) where no Electron binary exists, as on the
 * build machines: one sentence naming what is missing and how to supply it,
 * no stack trace; and with a binary supplied, it goes on. Downloads are
 * pointed at a closed local port, so the test never reaches a network.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../e2e/harness/electron-binary';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'rootkeeper-start-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

function start(environment: Record<string, string | undefined>) {
  const env = Object.fromEntries(
    Object.entries({
      ...process.env,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      electron_config_cache: path.join(scratch, 'cache'),
      ...environment,
    }).filter(([, value]) => value !== undefined),
  );
  return spawnSync(process.execPath, ['build/start.mjs', '--check'], { env, encoding: 'utf8', timeout: 60_000 });
}

function expectOneSentence(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Rootkeeper cannot start: .+\.$/);
  expect(lines[0]).toContain('ELECTRON_OVERRIDE_DIST_PATH');
  expect(stderr).not.toMatch(/\n\s+at |Error:/);
}

describe('npm start without an Electron binary', () => {
  it.skipIf(findElectronBinary().path !== null)(
    'says in one sentence that the binary is missing and that ELECTRON_OVERRIDE_DIST_PATH supplies it',
    () => {
      const result = start({ ELECTRON_OVERRIDE_DIST_PATH: undefined });
      expect(result.status).toBe(1);
      expectOneSentence(result.stderr);
      expect(result.stderr).toMatch(/the Electron \d+\.\d+\.\d+ binary is not installed/);
      expect(result.stdout).toBe('');
    },
  );

  it('names an override folder that holds no executable', () => {
    const empty = path.join(scratch, 'empty');
    const result = start({ ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(result.status).toBe(1);
    expectOneSentence(result.stderr);
    expect(result.stderr).toContain(`ELECTRON_OVERRIDE_DIST_PATH is ${empty}, but there is no electron in it`);
  });

  it.runIf(process.platform === 'linux')('goes on when the override folder holds the executable', async () => {
    const dist = path.join(scratch, 'dist');
    await rm(dist, { recursive: true, force: true });
    await mkdir(dist);
    await writeFile(path.join(dist, 'electron'), '#!/bin/sh\nexit 0\n');
    await chmod(path.join(dist, 'electron'), 0o755);
    const result = start({ ELECTRON_OVERRIDE_DIST_PATH: dist });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
