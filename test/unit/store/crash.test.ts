/**
 * Crash injection: a child process issues and revokes in a loop and is
 * killed with SIGKILL at a random moment. Afterwards the store must open, its
 * journal verify, every operation the child reported done be there, and
 * nothing be duplicated. ROOTKEEPER_CRASH_RUNS sets the number of kills
 * (50 by default; `npm run test:crash` runs 500).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIssuingStore, unlock } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

const RUNS = Number(process.env.ROOTKEEPER_CRASH_RUNS ?? 50);
const CHILD = fileURLToPath(new URL('../../support/crash-child.ts', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const temp = await makeTempDir('rootkeeper-crash-');
  cleanup = temp.cleanup;
  dir = path.join(temp.dir, 'store');
  await (await makeIssuingStore(dir)).lock();
});
afterAll(() => cleanup());

/** Runs the child until it is ready, lets it work for `ms`, kills it; returns the lines it printed in full. */
function runAndKill(ms: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const wasReady = output.includes('ready\n');
      output += chunk.toString();
      if (!wasReady && output.includes('ready\n')) setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the child exited by itself: ${errors}`));
      // Only whole lines count: a line cut by the kill was never reported.
      else resolve(output.split('\n').slice(0, -1));
    });
  });
}

describe('crash injection', () => {
  it(`keeps every operation reported done through ${RUNS} SIGKILLs, and duplicates nothing`, async () => {
    const issued = new Set<string>();
    const revoked = new Set<string>();
    const notices: string[] = [];
    let takeovers = 0;
    for (let run = 0; run < RUNS; run++) {
      for (const line of await runAndKill(Math.floor(Math.random() * 250))) {
        const [what, serial] = line.split(' ');
        if (what === 'issued') issued.add(serial!);
        if (what === 'revoked') revoked.add(serial!);
      }
      const session = await unlock(dir);
      // The killed child leaves its lock behind: taken over, with a notice, every time.
      const takenOver = session.notices.filter((notice) => /lock was taken over/.test(notice));
      expect(takenOver, `run ${run}: the dead child's lock`).toHaveLength(1);
      takeovers += takenOver.length;
      notices.push(...session.notices.filter((notice) => !takenOver.includes(notice)));
      const inventory = session.inventory;
      for (const serial of issued)
        expect(inventory.certificates.has(serial), `run ${run}: issued ${serial} lost`).toBe(true);
      for (const serial of revoked)
        expect(
          inventory.certificates.get(serial)?.revocation,
          `run ${run}: revocation of ${serial} lost`,
        ).toBeDefined();
      const issuedEvents = (await session.readJournal()).filter((entry) => entry.event.type === 'certificate-issued');
      expect(issuedEvents.length, 'each certificate is recorded once').toBe(inventory.certificates.size);
      expect((await session.verifyJournal()).head).toEqual(session.head);
      await session.lock();
    }
    expect(issued.size).toBeGreaterThan(RUNS);
    console.info(
      `crash runs: ${RUNS}, certificates: ${issued.size}, repairs of interrupted appends: ${notices.length}, stale locks taken over: ${takeovers}`,
    );
    // Notices are the repairs of interrupted appends; each must say what it did.
    for (const notice of notices) expect(notice).toMatch(/cut off|were kept/);
  }, 600_000);
});
