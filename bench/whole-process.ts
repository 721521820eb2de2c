/**
 * `rootkeeper sign-csr` as a script runs it, timed from spawning `node` to
 * its exit: Node's start, reading and checking the requests, the argon2id
 * unlock at the default cost (256 MiB, 3 passes), signing, the journal
 * append and every output file written and made durable. Each run starts
 * from a fresh copy of the same store, so no run signs into a bigger one,
 * with a configuration folder of its own: the rollback witness would
 * rightly refuse the second copy of one store, and the user's stays untouched.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, run } from './lib';

const CLI = path.join(path.dirname(BENCH_DIR), 'out', 'main', 'cli.js');

function rootkeeper(args: readonly string[], config: string, cwd?: string): void {
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: config,
    RK_BENCH_ROOT: 'bench-root-granite-lantern-orbit',
    RK_BENCH_OPERATOR: 'bench-operator-velvet-harbor-quartz',
  };
  const result = run(process.execPath, [CLI, ...args], { env, ...(cwd ? { cwd } : {}) });
  if (result.status !== 0) throw new Error(`rootkeeper ${args[0]} failed: ${result.stderr}`);
}

/** A store made by the CLI at the default argon2id cost, with an intermediate of `key`: the template each run copies. */
export function cliStore(key: 'ec-p256' | 'rsa-2048'): { store: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rootkeeper-bench-cli-'));
  const store = path.join(dir, 'store');
  const passin = ['--root-passin', 'env:RK_BENCH_ROOT', '--operator-passin', 'env:RK_BENCH_OPERATOR'];
  const config = path.join(dir, 'config');
  rootkeeper(['init', '--store', store, '--root-subject', 'CN=Bench Root CA', ...passin], config);
  rootkeeper(
    [
      'intermediate',
      'create',
      '--store',
      store,
      '--subject',
      'CN=Bench Issuing CA',
      '--key',
      key,
      '--purpose',
      'server',
      ...passin,
    ],
    config,
  );
  return { store, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * One `rootkeeper sign-csr` over `files` (relative to `cwd`), `--flat` or
 * with bundles, into a fresh copy of `template`; returns the milliseconds
 * from spawn to exit, after checking that every certificate was written.
 */
export function cliSignCsr(template: string, cwd: string, files: readonly string[], flat: boolean): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rootkeeper-bench-run-'));
  const store = path.join(dir, 'store');
  const out = path.join(dir, 'out');
  try {
    cpSync(template, store, { recursive: true });
    run('sync', ['-f', dir]);
    const started = performance.now();
    rootkeeper(
      [
        'sign-csr',
        '--store',
        store,
        '--profile',
        'server',
        '--out',
        out,
        ...(flat ? ['--flat'] : []),
        '--operator-passin',
        'env:RK_BENCH_OPERATOR',
        ...files,
      ],
      path.join(dir, 'config'),
      cwd,
    );
    const ms = performance.now() - started;
    // --flat: one SERIAL.pem each, plus the chain and SHA256SUMS; otherwise one folder each.
    const written = readdirSync(out).length - (flat ? 2 : 0);
    if (written !== files.length) throw new Error(`sign-csr wrote ${written} of ${files.length}`);
    return ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
