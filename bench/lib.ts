/** Helpers for the benchmarks: timing, medians, child tasks, the cached CSRs. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const CACHE_DIR = path.join(BENCH_DIR, '.cache');

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs bench/tasks/NAME.ts in its own Node process (so its memory is its own) and returns the JSON it prints last. */
export function task<T>(name: string, args: readonly (string | number)[]): T {
  const result = run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      path.join(BENCH_DIR, 'raw-import.mjs'),
      path.join(BENCH_DIR, 'tasks', `${name}.ts`),
      ...args.map(String),
    ],
    {
      cwd: path.dirname(BENCH_DIR),
    },
  );
  if (result.status !== 0) throw new Error(`bench task ${name} failed:\n${result.stderr}`);
  const last = result.stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last) as T;
}

/**
 * N CSRs made once with `openssl req`, each with a key of its own, and kept
 * in bench/.cache: as many `openssl req` at once as there are cores (xargs
 * -P), so 10,000 P-256 requests take about a minute on two cores, once.
 */
export function cachedCsrs(count: number, algorithm: 'ec' | 'rsa' = 'ec'): string {
  const dir = path.join(CACHE_DIR, `csrs-${algorithm}`);
  mkdirSync(dir, { recursive: true });
  const have = readdirSync(dir).filter((name) => name.endsWith('.csr')).length;
  if (have >= count) return dir;
  const key = algorithm === 'ec' ? '-newkey ec -pkeyopt ec_paramgen_curve:P-256' : '-newkey rsa:2048';
  // $1 is the request's number; a file appears only once openssl has finished it (written, then renamed).
  const script = [
    'n=$1; f=$(printf "%06d" "$n")',
    `openssl req -new ${key} -nodes -keyout /dev/null -subj "/CN=host$n.bench.example" -addext "subjectAltName=DNS:host$n.bench.example" -out "$f.csr.tmp" 2>/dev/null && mv "$f.csr.tmp" "$f.csr"`,
  ].join('; ');
  const started = performance.now();
  const made = spawnSync(
    'sh',
    [
      '-c',
      `rm -f ./*.csr.tmp; seq ${have + 1} ${count} | xargs -P ${os.availableParallelism()} -n 1 sh -c '${script}' sh`,
    ],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const madeCount = readdirSync(dir).filter((name) => name.endsWith('.csr')).length;
  if (made.status !== 0 || madeCount < count) throw new Error(`openssl req failed: ${made.stderr}`);
  process.stderr.write(
    `bench: made ${count - have} CSRs with openssl req in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return dir;
}

export function csrFiles(dir: string, count: number): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.csr'))
    .sort()
    .slice(0, count)
    .map((name) => path.join(dir, name));
}

export function machine(): Record<string, unknown> {
  const tool = (command: string, args: string[]) =>
    existsSync('/usr/bin/' + command) || command.startsWith('/')
      ? run(command, args).stdout.trim().split('\n')[0]
      : 'not found';
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model,
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    openssl: tool('openssl', ['version']),
    easyrsa: existsSync('/usr/share/easy-rsa/easyrsa')
      ? run('/usr/share/easy-rsa/easyrsa', ['--version']).stdout.split('\n')[1]?.trim()
      : 'not found',
  };
}
