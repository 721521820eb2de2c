/**
 * Every test file gets its own per-user configuration folder, so the
 * rollback witness (src-main/store/witness.ts) that stores and CLI runs
 * write goes to a temporary folder, never to the real home: the CLI
 * processes the tests start inherit XDG_CONFIG_HOME.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const config = mkdtempSync(path.join(os.tmpdir(), 'rootkeeper-config-'));
process.env.XDG_CONFIG_HOME = config;

afterAll(() => rmSync(config, { recursive: true, force: true }));
