/**
 * Fault injection for the crash tests: `fault('atomic-write.before-rename')`
 * marks a point where a power cut or a kill could land. Inert unless armed:
 * it takes TWO environment variables, one of them a fixed sentence, and it
 * never arms inside Electron (the desktop app, packaged or not). Armed, it
 * can kill this process with SIGKILL on the n-th time a named point is hit
 * (ROOTKEEPER_FAULT=point:n), or list every point hit, in order, to a file
 * (ROOTKEEPER_FAULT_TRACE=file), so a test can kill at each in turn.
 * docs/vault.md, "Crash safety", describes the harness.
 */
import { appendFileSync } from 'node:fs';

/** The sentence ROOTKEEPER_FAULT_INJECTION must hold; nobody sets it by accident. */
export const FAULT_ARMING = 'kill this process at fault points, for a test';

interface Armed {
  readonly target: { point: string; occurrence: number } | null;
  readonly trace: string | null;
  readonly counts: Map<string, number>;
}

let armed: Armed | null | undefined;

function arm(): Armed | null {
  const env = process.env;
  if (env.ROOTKEEPER_FAULT_INJECTION !== FAULT_ARMING || process.versions.electron !== undefined) return null;
  const match = /^([a-z0-9.-]+):([1-9][0-9]*)$/.exec(env.ROOTKEEPER_FAULT ?? '');
  const target = match ? { point: match[1]!, occurrence: Number(match[2]) } : null;
  const trace = env.ROOTKEEPER_FAULT_TRACE || null;
  return target || trace ? { target, trace, counts: new Map() } : null;
}

/**
 * A point where a crash could land. `torn` runs just before the kill, to
 * leave a half-done write behind (a journal record cut in the middle).
 */
export async function fault(point: string, torn?: () => Promise<unknown>): Promise<void> {
  if (armed === undefined) armed = arm();
  if (armed === null) return;
  const occurrence = (armed.counts.get(point) ?? 0) + 1;
  armed.counts.set(point, occurrence);
  if (armed.trace) appendFileSync(armed.trace, `${point}:${occurrence}\n`);
  const target = armed.target;
  if (target?.point === point && target.occurrence === occurrence) {
    await torn?.();
    process.kill(process.pid, 'SIGKILL');
    // SIGKILL is delivered at once; nothing after this line runs.
    await new Promise(() => undefined);
  }
}
