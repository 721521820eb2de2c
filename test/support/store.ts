/** Test stores: created through the real key ceremony with the low-cost KDF. */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../src-main/clock';
import { parseSubject } from '../../src-main/engine/names';
import { ClosedStore, createStore, type StoreEnvironment } from '../../src-main/store/store';
import type { Session } from '../../src-main/store/session';
import { UnlockThrottle } from '../../src-main/store/throttle';
import { TEST_KDF_COST, TEST_KDF_POLICY } from './kdf';

export const ROOT_PASSPHRASE = 'granite-lantern-orbit-canyon-7';
export const OPERATOR_PASSPHRASE = 'velvet-harbor-quartz-meadow-3';
/** What the fault-point test's child changes the operator passphrase to. */
export const NEW_OPERATOR_PASSPHRASE = 'cobalt-meadow-lantern-ridge-4';

/**
 * The low-cost KDF, a throttle of its own, and no rollback witness: tests
 * that copy store files back on purpose (tampering, crashes) test other
 * layers. The witness's own tests pass one (test/unit/store/rollback.test.ts).
 */
export function testEnvironment(clock?: Clock): StoreEnvironment {
  return {
    kdfPolicy: TEST_KDF_POLICY,
    throttle: new UnlockThrottle(clock),
    witness: null,
    ...(clock ? { clock } : {}),
  };
}

export async function makeStore(dir: string, environment: StoreEnvironment = testEnvironment()) {
  return createStore({
    dir,
    rootSubject: parseSubject('CN=Test Root CA, O=Rootkeeper Tests'),
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
    kdfCost: TEST_KDF_COST,
    ...environment,
  });
}

export async function unlock(
  dir: string,
  environment: StoreEnvironment = testEnvironment(),
  options: { idleTimeoutMs?: number } = {},
): Promise<Session> {
  return (await ClosedStore.open(dir, environment)).unlock(OPERATOR_PASSPHRASE, options);
}

/** A store with an intermediate, unlocked. */
export async function makeIssuingStore(
  dir: string,
  environment: StoreEnvironment = testEnvironment(),
): Promise<Session> {
  await makeStore(dir, environment);
  const session = await unlock(dir, environment);
  await session.createIntermediate(ROOT_PASSPHRASE, {
    subject: parseSubject('CN=Test Intermediate CA, O=Rootkeeper Tests'),
    key: 'ec-p256',
    purpose: 'both',
  });
  return session;
}

/** Every file of a folder and its bytes, to restore it later. */
export async function readFolder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) files.set(name, await readFile(path.join(dir, name)));
  return files;
}

/**
 * Every file of a folder and the SHA-256 of its bytes, to prove an operation
 * wrote nothing; `except` leaves files out (the throttle's count, which a
 * failed attempt may change).
 */
export async function snapshotFolder(dir: string, except: readonly string[] = []): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const [name, bytes] of await readFolder(dir))
    if (!except.includes(name)) digests[name] = createHash('sha256').update(bytes).digest('hex');
  return digests;
}

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  private time = Date.parse('2026-11-27T12:00:00Z');
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.time) {
        this.timers.delete(id);
        timer.callback();
      }
    }
  }
}
