/** Rootkeeper's batch: every CSR of a folder signed in one signCsrs call, bundles written, timed from reading the files. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issuingStore, print } from './common';

const [key, csrDir, count] = process.argv.slice(2) as ['ec-p256' | 'rsa-2048', string, string];
const dir = mkdtempSync(path.join(os.tmpdir(), 'rootkeeper-bench-'));
const store = await issuingStore(dir, key);
const files = readdirSync(csrDir)
  .sort()
  .slice(0, Number(count))
  .map((name) => path.join(csrDir, name));
const started = performance.now();
const csrs = files.map((file) => new Uint8Array(readFileSync(file)));
const out = store.host.folders.register(path.join(dir, 'out'));
const result = await store.call('signCsrs', { csrs, profile: 'server', destination: out });
const ms = performance.now() - started;
await store.host.lock();
rmSync(dir, { recursive: true, force: true });
print({ ms, count: result.issued.length });
