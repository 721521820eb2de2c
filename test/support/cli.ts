/** Runs the built rootkeeper CLI (out/main/cli.js, made by `npm run build`) as a user would. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { run, type RunResult } from './run';

export const CLI = path.resolve('out/main/cli.js');

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before these tests.`);
}

export function rootkeeper(
  args: readonly string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): RunResult {
  return run(process.execPath, [CLI, ...args], options);
}
