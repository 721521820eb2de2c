/**
 * Deterministic crash injection: every multi-file change is run in a child
 * process once to list the fault points it passes (store/fault.ts: each
 * fsync and rename of atomic-write, the journal append and head, key-file
 * and keyring writes, the transaction's renames), then once per point with
 * a SIGKILL there. After each kill the store must open, its journal verify,
 * and it must be either in the state before the change or in the state
 * after it, never in between; a second opening finds nothing left to repair.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackup, writeBackup } from '../../../src-main/store/backup';
import { FAULT_ARMING } from '../../../src-main/store/fault';
import { inspectStoreFolder } from '../../../src-main/store/folder';
import { ClosedStore } from '../../../src-main/store/store';
import type { Session } from '../../../src-main/store/session';
import { x509 } from '../../../src-main/engine/x509';
import {
  NEW_OPERATOR_PASSPHRASE,
  OPERATOR_PASSPHRASE,
  makeIssuingStore,
  makeStore,
  testEnvironment,
  unlock,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

const CHILD = fileURLToPath(new URL('../../support/fault-child.ts', import.meta.url));

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir('rootkeeper-faults-'));
});
afterAll(() => cleanup());

interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

function runChild(args: readonly string[], env: Record<string, string>): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ROOTKEEPER_FAULT_INJECTION: FAULT_ARMING, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** The fault points the change passes, in order, as "point:occurrence". */
async function tracePoints(args: readonly string[]): Promise<string[]> {
  const trace = path.join(await mkdtemp(path.join(root, 'trace-')), 'points');
  const end = await runChild(args, { ROOTKEEPER_FAULT_TRACE: trace });
  expect(end, end.stderr).toMatchObject({ code: 0, signal: null });
  return (await readFile(trace, 'utf8')).trim().split('\n');
}

async function killAt(point: string, args: readonly string[]): Promise<void> {
  const end = await runChild(args, { ROOTKEEPER_FAULT: point });
  expect(end.signal, `${point}: ${end.stderr}`).toBe('SIGKILL');
}

/** A fresh copy of a store folder for one run. */
async function copyOf(base: string, name: string): Promise<string> {
  const dir = path.join(root, name);
  await cp(base, dir, { recursive: true });
  return dir;
}

/** Files a change may leave behind after it was resolved: none of its staged copies. */
async function expectNoStagedLeftovers(dir: string): Promise<void> {
  const names = await readdir(dir);
  expect(names.filter((name) => name.includes('.change-') || name === '.rootkeeper-restore')).toEqual([]);
}

async function verifies(session: Session): Promise<void> {
  expect((await session.verifyJournal()).head).toEqual(session.head);
}

/** Children killed at once: each spends most of its life starting up, so a few overlap well. */
const PARALLEL = 4;

/** Kills a child at every point (a few at a time), then runs `check` on each result; returns the notices. */
async function atEveryPoint(
  name: string,
  points: readonly string[],
  prepare: (run: string) => Promise<string[]>,
  check: (args: string[], point: string) => Promise<string[]>,
): Promise<string[]> {
  const runs = await Promise.all(
    points.map(async (point, index) => ({ point, args: await prepare(`${name}-${index}`) })),
  );
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < runs.length) {
        const run = runs[next++]!;
        await killAt(run.point, run.args);
      }
    }),
  );
  const notices: string[] = [];
  for (const run of runs) notices.push(...(await check(run.args, run.point)));
  return notices;
}

describe('a SIGKILL at every fault point', () => {
  it('of creating the first intermediate leaves the store before or after it, never between', async () => {
    const base = path.join(root, 'no-intermediate');
    await makeStore(base);
    const points = await tracePoints(['intermediate', await copyOf(base, 'trace-first')]);
    expect(points).toEqual(expect.arrayContaining(['atomic-write.before-rename:1', 'journal.torn-append:1']));
    const notices = await atEveryPoint(
      'first',
      points,
      async (run) => ['intermediate', await copyOf(base, run)],
      async ([, dir], point) => {
        const session = await unlock(dir!);
        await verifies(session);
        const intermediate = session.inventory.intermediate;
        const issuedEvents = (await session.readJournal()).filter((e) => e.event.type === 'intermediate-issued');
        // Before: no intermediate at all. After: exactly one, with its key (unlock checked the key signs for it).
        expect(issuedEvents.length, point).toBe(intermediate ? 1 : 0);
        if (intermediate) expect(session.keyring.certificates.intermediate, point).toBe(intermediate.certificate);
        else expect(session.keyring.certificates.intermediate, point).toBeNull();
        const opened = [...session.notices];
        await session.lock();
        await expectNoStagedLeftovers(dir!);
        const again = await unlock(dir!);
        expect(again.notices, `${point}: nothing is left to repair`).toEqual([]);
        await again.lock();
        return opened;
      },
    );
    expect(notices.some((n) => /rolled back on opening/.test(n))).toBe(true);
    expect(notices.some((n) => /completed on opening/.test(n))).toBe(true);
  }, 1_800_000);

  it('of replacing the intermediate keeps the old key until the new one is journaled', async () => {
    const base = path.join(root, 'with-intermediate');
    const made = await makeIssuingStore(base);
    const oldSha = made.inventory.intermediate!.sha256;
    await made.lock();
    const points = await tracePoints(['intermediate', await copyOf(base, 'trace-replace')]);
    await atEveryPoint(
      'replace',
      points,
      async (run) => ['intermediate', await copyOf(base, run)],
      async ([, dir], point) => {
        const session = await unlock(dir!);
        await verifies(session);
        const sha = session.inventory.intermediate!.sha256;
        const issuedEvents = (await session.readJournal()).filter((e) => e.event.type === 'intermediate-issued');
        expect(issuedEvents.length, point).toBe(sha === oldSha ? 1 : 2);
        // The active key signs: a certificate issued now chains to the intermediate the journal names.
        const { issued } = await session.issue({
          profile: 'server',
          subject: [{ type: 'CN', value: 'after.example.com' }],
          sans: [],
        });
        const intermediate = new x509.X509Certificate(Buffer.from(session.chain().intermediate));
        expect(await issued.certificate.verify({ publicKey: intermediate.publicKey, signatureOnly: true }), point).toBe(
          true,
        );
        const opened = [...session.notices];
        await session.lock();
        await expectNoStagedLeftovers(dir!);
        return opened;
      },
    );
  }, 1_800_000);

  it('of changing the operator passphrase opens with exactly one of the two passphrases', async () => {
    const base = path.join(root, 'passphrase');
    await (await makeIssuingStore(base)).lock();
    const points = await tracePoints(['passphrase', await copyOf(base, 'trace-passphrase')]);
    await atEveryPoint(
      'passphrase',
      points,
      async (run) => ['passphrase', await copyOf(base, run)],
      async ([, dir], point) => {
        // Tried one after the other, the old first. A change found committed is completed by that very
        // opening (with a notice), after which the new passphrase is the one: either way, exactly one opens.
        let session: Session;
        try {
          session = await (await ClosedStore.open(dir!, testEnvironment())).unlock(OPERATOR_PASSPHRASE);
        } catch (error) {
          expect(error, point).toMatchObject({ code: 'WRONG_PASSPHRASE' });
          session = await (await ClosedStore.open(dir!, testEnvironment())).unlock(NEW_OPERATOR_PASSPHRASE);
        }
        const completed = session.notices.some((notice) => /passphrase change .*completed on opening/.test(notice));
        await session.lock();
        const opensWith = async (passphrase: string) =>
          (await ClosedStore.open(dir!, testEnvironment())).unlock(passphrase).then(
            async (opened) => (await opened.lock(), true),
            (error: { code?: string }) => (expect(error.code, point).toBe('WRONG_PASSPHRASE'), false),
          );
        const oldOpens = await opensWith(OPERATOR_PASSPHRASE);
        const newOpens = await opensWith(NEW_OPERATOR_PASSPHRASE);
        expect(oldOpens !== newOpens, `${point}: exactly one passphrase opens`).toBe(true);
        if (completed) expect([oldOpens, newOpens], `${point}: completed, so the new one`).toEqual([false, true]);
        session = await (
          await ClosedStore.open(dir!, testEnvironment())
        ).unlock(newOpens ? NEW_OPERATOR_PASSPHRASE : OPERATOR_PASSPHRASE);
        await verifies(session);
        const notices = [...session.notices];
        await session.lock();
        await expectNoStagedLeftovers(dir!);
        return notices;
      },
    );
  }, 1_800_000);

  it('of a restore leaves an empty folder or the whole store, and a retry works', async () => {
    const base = path.join(root, 'backed-up');
    const made = await makeIssuingStore(base);
    const backup = path.join(root, 'store.rkbackup');
    const head = (await writeBackup(made, backup)).head;
    const certificates = made.inventory.certificates.size;
    await made.lock();
    const points = await tracePoints(['restore', path.join(root, 'trace-restore'), backup]);
    const notices = await atEveryPoint(
      'restore',
      points,
      async (run) => ['restore', path.join(root, run), backup],
      async ([, dir], point) => {
        let session: Session;
        try {
          session = await unlock(dir!);
        } catch (error) {
          // Before: the folder is not a store (and holds nothing, once opening rolled the restore back).
          expect(error, point).toMatchObject({ code: 'REJECTED_INPUT', reason: 'not-found' });
          expect(['missing', 'empty'], point).toContain(await inspectStoreFolder(dir!));
          // The retry journals the restore: one record after the backup's head.
          const retried = await restoreBackup(backup, dir!, OPERATOR_PASSPHRASE, testEnvironment());
          expect(retried.head.sequence, point).toBe(head.sequence + 1);
          session = await unlock(dir!);
        }
        await verifies(session);
        // The backup's records, the restore's own record (unless the kill came before it was journaled),
        // then at most the notices of this opening.
        const entries = await session.readJournal();
        expect(entries.length, point).toBeGreaterThanOrEqual(head.sequence);
        const after = entries.slice(head.sequence).map((entry) => entry.event.type);
        const notices = after[0] === 'store-restored' ? after.slice(1) : after;
        expect(notices, point).toEqual(notices.map(() => 'journal-recovered'));
        expect(session.inventory.certificates.size, point).toBe(certificates);
        const opened = [...session.notices];
        await session.lock();
        await expectNoStagedLeftovers(dir!);
        return opened;
      },
    );
    expect(notices.some((n) => /restore .*completed on opening/.test(n))).toBe(true);
  }, 1_800_000);
});
