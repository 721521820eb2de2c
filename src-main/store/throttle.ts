/**
 * The wrong-passphrase throttle. Four failures in a row cost nothing more
 * than argon2id; after the fifth, every further attempt must wait 30 s ×
 * 2^(failures − 5), capped at 15 minutes. A refused attempt runs no KDF and
 * does not count.
 *
 * The count lives in `throttle.json` in the store folder, so it holds across
 * processes (every CLI command is a new one) and restarts. A process that
 * lacks the secret cannot authenticate that file: it is best effort, and
 * someone who can write the folder can reset it (docs/vault.md). It is the
 * one file a failed attempt may change. The next successful unlock journals
 * the failures with their times and clears it. Scopes without a folder (a
 * backup file being verified) are counted in memory.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import { RootkeeperError } from '../../shared/errors';
import { systemClock, type Clock } from '../clock';
import { writeFileAtomic } from './atomic-write';

export const THROTTLE_FILE = 'throttle.json';
/** Failures that cost nothing but the KDF. */
export const FREE_FAILURES = 4;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;
/** How many failure times the file keeps for the journal; the count goes on beyond. */
const KEPT_TIMES = 50;

export type ThrottleWhich = 'operator' | 'root';

/** Where failures are counted: a store folder's file, or (no folder) this process's memory. */
export type ThrottleScope = { readonly dir: string; readonly which: ThrottleWhich } | { readonly key: string };

/** How long an attempt must wait after `failures` consecutive failures, in ms. */
export function delayAfter(failures: number): number {
  return failures <= FREE_FAILURES ? 0 : Math.min(BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_MS);
}

const Timestamp = v.pipe(v.string(), v.isoTimestamp());
const FailuresSchema = v.strictObject({
  count: v.pipe(v.number(), v.integer(), v.minValue(1)),
  times: v.pipe(v.array(Timestamp), v.maxLength(KEPT_TIMES)),
});
const FileSchema = v.strictObject({
  format: v.literal('rootkeeper-throttle'),
  version: v.literal(1),
  operator: v.optional(FailuresSchema),
  root: v.optional(FailuresSchema),
});
type Failures = v.InferOutput<typeof FailuresSchema>;
type ThrottleFile = v.InferOutput<typeof FileSchema>;

export interface FailureSummary {
  readonly attempts: number;
  readonly first: string;
  readonly last: string;
  /** When each failure happened (the latest ones, when there were very many). */
  readonly times: string[];
}

export class UnlockThrottle {
  private readonly memory = new Map<string, Failures>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Refuses an attempt made before the wait is over: before any KDF runs, and without counting it. */
  async check(scope: ThrottleScope): Promise<void> {
    const failures = await this.read(scope);
    if (!failures) return;
    const last = Date.parse(failures.times[failures.times.length - 1]!);
    const wait = last + delayAfter(failures.count) - this.clock.now();
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new RootkeeperError(
        'TRY_LATER',
        `Too many wrong passphrases (${failures.count} in a row). Wait ${seconds} s before trying again.`,
      );
    }
  }

  /** Records a failure; returns how long the next attempt must wait, in ms. */
  async failed(scope: ThrottleScope): Promise<number> {
    const before = await this.read(scope);
    const at = new Date(this.clock.now()).toISOString();
    const failures = { count: (before?.count ?? 0) + 1, times: [...(before?.times ?? []), at].slice(-KEPT_TIMES) };
    await this.write(scope, failures);
    return delayAfter(failures.count);
  }

  /** What failed before a success, for the journal; `clear` once it is journaled. */
  async failuresBefore(scope: ThrottleScope): Promise<FailureSummary | null> {
    const failures = await this.read(scope);
    if (!failures) return null;
    return {
      attempts: failures.count,
      first: failures.times[0]!,
      last: failures.times[failures.times.length - 1]!,
      times: failures.times,
    };
  }

  async clear(scope: ThrottleScope): Promise<void> {
    if (await this.read(scope)) await this.write(scope, null);
  }

  private async read(scope: ThrottleScope): Promise<Failures | null> {
    if ('key' in scope) return this.memory.get(scope.key) ?? null;
    const stored = (await readThrottleFile(scope.dir))?.[scope.which] ?? null;
    // A file that could not be written (read-only medium) still throttles this process.
    return stored ?? this.memory.get(memoryKey(scope)) ?? null;
  }

  private async write(scope: ThrottleScope, failures: Failures | null): Promise<void> {
    const key = 'key' in scope ? scope.key : memoryKey(scope);
    if (failures) this.memory.set(key, failures);
    else this.memory.delete(key);
    if ('key' in scope) return;
    try {
      await writeThrottleFile(scope.dir, scope.which, failures);
      this.memory.delete(key);
    } catch {
      // Best effort: the memory copy above keeps counting.
    }
  }
}

function memoryKey(scope: { dir: string; which: ThrottleWhich }): string {
  return `${path.resolve(scope.dir)}#${scope.which}`;
}

/** The file's counts; null when it is absent or unreadable (which resets the count: documented). */
async function readThrottleFile(dir: string): Promise<ThrottleFile | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, THROTTLE_FILE), 'utf8');
  } catch {
    return null;
  }
  if (text.length > 64 * 1024) return null;
  try {
    const parsed = v.safeParse(FileSchema, JSON.parse(text));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

async function writeThrottleFile(dir: string, which: ThrottleWhich, failures: Failures | null): Promise<void> {
  const current = (await readThrottleFile(dir)) ?? { format: 'rootkeeper-throttle' as const, version: 1 as const };
  const { [which]: _replaced, ...others } = current;
  const next: ThrottleFile = failures ? { ...others, [which]: failures } : others;
  const file = path.join(dir, THROTTLE_FILE);
  if (!next.operator && !next.root) {
    if (current.operator || current.root) await rm(file, { force: true });
    return;
  }
  await writeFileAtomic(file, `${JSON.stringify(next)}\n`);
}

export interface ThrottledResult<T> {
  readonly value: T;
  /** The failures before this success, to journal; then `clear()` resets the count. */
  readonly failures: FailureSummary | null;
  clear(): Promise<void>;
}

/**
 * Runs an unlock attempt under the throttle; a wrong passphrase says how
 * long the next attempt must wait. On success the count is kept until the
 * caller has journaled the failures and calls `clear`.
 */
export async function throttled<T>(
  throttle: UnlockThrottle,
  scope: ThrottleScope,
  attempt: () => Promise<T>,
): Promise<ThrottledResult<T>> {
  await throttle.check(scope);
  let value: T;
  try {
    value = await attempt();
  } catch (error) {
    if (error instanceof RootkeeperError && error.code === 'WRONG_PASSPHRASE') {
      const wait = Math.ceil((await throttle.failed(scope)) / 1000);
      throw new RootkeeperError(
        'WRONG_PASSPHRASE',
        wait > 0 ? `${error.message} Wait ${wait} s before the next attempt.` : error.message,
      );
    }
    throw error;
  }
  const failures = await throttle.failuresBefore(scope);
  return { value, failures, clear: () => (failures ? throttle.clear(scope) : Promise.resolve()) };
}
