/** One certificate at a time through the operations layer, session unlocked: journal write and bundle included. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issuingStore, print } from './common';

const [csrDir, count] = process.argv.slice(2) as [string, string];
const dir = mkdtempSync(path.join(os.tmpdir(), 'rootkeeper-bench-'));
const store = await issuingStore(dir, 'ec-p256');
const out = store.host.folders.register(path.join(dir, 'out'));
const csrs = readdirSync(csrDir)
  .sort()
  .slice(0, Number(count))
  .map((name) => new Uint8Array(readFileSync(path.join(csrDir, name))));
const signCsr: number[] = [];
for (const csr of csrs) {
  const started = performance.now();
  await store.call('signCsrs', { csrs: [csr], profile: 'server', destination: out });
  signCsr.push(performance.now() - started);
}
const issue: number[] = [];
for (let index = 0; index < Number(count); index++) {
  const started = performance.now();
  await store.call('issueCertificate', {
    profile: 'server',
    commonName: `issued${index}.bench.example`,
    sans: [],
    keyPassphrase: null,
    destination: out,
  });
  issue.push(performance.now() - started);
}
await store.host.lock();
rmSync(dir, { recursive: true, force: true });
print({ signCsr, issue });
