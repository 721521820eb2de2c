/**
 * A worker_threads pool for a CSR batch: parsing, planning, building and
 * signing run on every core, while the caller keeps what must be serial —
 * the serials, the journal, the files. Each worker gets a contiguous share
 * of the requests, so results come back in the batch's order, and the same
 * serials and clock give the same certificates as the single-threaded path
 * (test/unit/engine/csr-batch-pool.test.ts).
 *
 * The issuing key reaches each worker once, as PKCS#8 bytes transferred
 * (not copied) over its port and wiped there after import; the main
 * thread's export is wiped as soon as every worker has its copy. Workers
 * are terminated when the batch ends, whatever its outcome.
 */
import { KeyObject } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Issuer } from './profiles/common';
import { errorOf, type BatchSetup, type FromWorker, type PlanOutcome, type ToWorker } from './csr-batch-protocol';

/** Below this many requests a batch runs on the calling thread: starting workers costs more than it saves. */
export const POOL_THRESHOLD = 64;
/** Requests per worker worth its start-up (loading the libraries, importing the key). */
const REQUESTS_PER_WORKER = 32;
const MAX_WORKERS = 8;

export function workersFor(requests: number): number {
  if (requests < POOL_THRESHOLD) return 0;
  return Math.max(1, Math.min(os.availableParallelism(), MAX_WORKERS, Math.floor(requests / REQUESTS_PER_WORKER)));
}

/**
 * The worker: its compiled file beside this module's (vite.main.config.ts
 * builds it as an entry of out/main, inside the app's asar when packaged),
 * or, when running from source (tests, tsx), its TypeScript through tsx's
 * loader, registered in the worker before the worker's module is imported.
 */
function workerEntry(): { file: string; eval: boolean } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  if (import.meta.url.endsWith('.ts')) {
    const worker = pathToFileURL(path.join(here, 'csr-batch-worker.ts')).href;
    const code = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(worker)}); });`;
    return { file: code, eval: true };
  }
  // This module is bundled into out/main/main.js or cli.js, or into a shared chunk in out/main/assets/.
  const besideEntries = path.basename(here) === 'assets' ? path.dirname(here) : here;
  return { file: path.join(besideEntries, 'csr-batch-worker.js'), eval: false };
}

/** One worker, asked one thing at a time. */
class BatchWorker {
  private readonly worker: Worker;
  private pending: { resolve: (reply: FromWorker) => void; reject: (error: Error) => void } | null = null;
  private ended: Error | null = null;

  constructor(setup: BatchSetup) {
    const entry = workerEntry();
    this.worker = new Worker(entry.file, { workerData: setup, eval: entry.eval });
    this.worker.on('message', (reply: FromWorker) => this.settle(null, reply));
    this.worker.on('error', (error) => this.settle(error, null));
    this.worker.on('exit', (code) => this.settle(new Error(`a batch worker stopped (exit code ${code})`), null));
  }

  private settle(error: Error | null, reply: FromWorker | null): void {
    if (error) this.ended ??= error;
    const pending = this.pending;
    this.pending = null;
    if (!pending) return;
    if (error) pending.reject(error);
    else if (reply!.type === 'failed') pending.reject(errorOf(reply!.failure));
    else pending.resolve(reply!);
  }

  ask(message: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
  }

  async terminate(): Promise<void> {
    this.ended ??= new Error('the batch worker was stopped');
    await this.worker.terminate();
  }
}

export class CsrBatchPool {
  /** Each worker's share of the batch: [start, end) request indices. */
  private shares: [number, number][] = [];

  private constructor(private readonly workers: readonly BatchWorker[]) {}

  /** Starts `count` workers and hands each the issuing key; throws (with every worker stopped) if one cannot start. */
  static async start(issuer: Issuer, setup: Omit<BatchSetup, 'issuer'>, count: number): Promise<CsrBatchPool> {
    const full: BatchSetup = {
      ...setup,
      issuer: {
        certificate: new Uint8Array(issuer.certificate.rawData),
        ancestors: (issuer.ancestors ?? []).map((ancestor) => new Uint8Array(ancestor.rawData)),
      },
    };
    const pool = new CsrBatchPool(Array.from({ length: count }, () => new BatchWorker(full)));
    try {
      await pool.handOverKey(issuer);
      return pool;
    } catch (error) {
      await pool.close();
      throw error;
    }
  }

  private async handOverKey(issuer: Issuer): Promise<void> {
    const exported = KeyObject.from(issuer.signingKey as never).export({ format: 'der', type: 'pkcs8' });
    try {
      await Promise.all(
        this.workers.map((worker) => {
          // A fresh buffer per worker, transferred: after postMessage this thread no longer holds it.
          const copy = new Uint8Array(exported.length);
          copy.set(exported);
          return worker.ask({ type: 'key', pkcs8: copy.buffer }, [copy.buffer]);
        }),
      );
    } finally {
      exported.fill(0);
    }
  }

  /** Parses and plans every request; outcomes in the batch's order. */
  async plan(csrs: readonly Uint8Array[]): Promise<PlanOutcome[]> {
    const size = Math.ceil(csrs.length / this.workers.length);
    this.shares = this.workers.map((_, index) => [
      Math.min(index * size, csrs.length),
      Math.min((index + 1) * size, csrs.length),
    ]);
    const replies = await Promise.all(
      this.workers.map((worker, index) => {
        const [start, end] = this.shares[index]!;
        const jobs = csrs.slice(start, end).map((csr, offset) => ({ index: start + offset, csr }));
        return worker.ask({ type: 'plan', jobs });
      }),
    );
    const outcomes = replies.flatMap((reply) => (reply.type === 'planned' ? reply.outcomes : []));
    if (outcomes.length !== csrs.length) throw new Error('the batch workers planned fewer requests than were sent');
    return outcomes;
  }

  /** Signs every planned request with its serial (in the batch's order); DER in the same order. */
  async sign(serials: readonly string[]): Promise<Uint8Array[]> {
    const replies = await Promise.all(
      this.workers.map((worker, index) => {
        const [start, end] = this.shares[index]!;
        const share = serials.slice(start, end).map((serial, offset) => ({ index: start + offset, serial }));
        return worker.ask({ type: 'sign', serials: share });
      }),
    );
    const certificates = replies.flatMap((reply) => (reply.type === 'signed' ? reply.certificates : []));
    if (certificates.length !== serials.length)
      throw new Error('the batch workers signed fewer requests than were sent');
    return certificates;
  }

  /** Stops every worker: the key imported there goes with it. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
