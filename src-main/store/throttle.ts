/**
 * A growing wait after wrong passphrases, enforced here and not in the UI:
 * 1 s after the first failure, doubling to a cap of 5 minutes. It lives in
 * memory, because a failed unlock must not write to the store; the failures
 * are journaled by the next successful unlock.
 */
import { RootkeeperError } from '../../shared/errors';
import { systemClock, type Clock } from '../clock';

const MAX_DELAY_MS = 5 * 60_000;

export function delayAfter(failures: number): number {
  return failures <= 0 ? 0 : Math.min(1000 * 2 ** (failures - 1), MAX_DELAY_MS);
}

interface Failures {
  count: number;
  first: number;
  last: number;
  nextAttemptAt: number;
}

export interface FailureSummary {
  readonly attempts: number;
  readonly first: string;
  readonly last: string;
}

export class UnlockThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly clock: Clock = systemClock) {}

  /** Refuses an attempt made before the wait is over. */
  check(key: string): void {
    const failures = this.failures.get(key);
    const wait = failures ? failures.nextAttemptAt - this.clock.now() : 0;
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new RootkeeperError(
        'TRY_LATER',
        `Too many wrong passphrases. Wait ${seconds} second${seconds === 1 ? '' : 's'} before trying again.`,
      );
    }
  }

  /** Records a failure; returns how long the next attempt must wait, in ms. */
  failed(key: string): number {
    const now = this.clock.now();
    const failures = this.failures.get(key) ?? { count: 0, first: now, last: now, nextAttemptAt: now };
    failures.count += 1;
    failures.last = now;
    failures.nextAttemptAt = now + delayAfter(failures.count);
    this.failures.set(key, failures);
    return delayAfter(failures.count);
  }

  /** Clears the record on success and returns what failed before, for the journal. */
  succeeded(key: string): FailureSummary | null {
    const failures = this.failures.get(key);
    this.failures.delete(key);
    if (!failures) return null;
    return {
      attempts: failures.count,
      first: new Date(failures.first).toISOString(),
      last: new Date(failures.last).toISOString(),
    };
  }
}

/** Runs an unlock attempt under the throttle; a wrong passphrase says how long the next attempt must wait. */
export async function throttled<T>(
  throttle: UnlockThrottle,
  key: string,
  attempt: () => Promise<T>,
): Promise<{ value: T; failures: FailureSummary | null }> {
  throttle.check(key);
  try {
    const value = await attempt();
    return { value, failures: throttle.succeeded(key) };
  } catch (error) {
    if (error instanceof RootkeeperError && error.code === 'WRONG_PASSPHRASE') {
      const wait = Math.ceil(throttle.failed(key) / 1000);
      throw new RootkeeperError(
        'WRONG_PASSPHRASE',
        `${error.message} Wait ${wait} second${wait === 1 ? '' : 's'} before the next attempt.`,
      );
    }
    throw error;
  }
}
