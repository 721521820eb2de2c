/** Runs the rootkeeper CLI in this process (runCli with captured streams): the same code the binary runs, without a build. */
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src-main/cli/run';
import type { RunResult } from './run';

export async function rootkeeperInProcess(args: readonly string[], cwd: string, input = ''): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const status = await runCli(args, {
    stdout: out,
    stderr: err,
    stdin: Readable.from([input]),
    env: process.env,
    cwd,
  });
  return { status, stdout, stderr };
}
