/** Builds a large store through the real operations: CSR batches of up to 1,000, then single revocations. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { issuingStore, print } from './common';

const [dir, certificates, revocations, csrDir] = process.argv.slice(2) as [string, string, string, string];
const store = await issuingStore(dir, 'ec-p256');
const csrs = readdirSync(csrDir)
  .sort()
  .slice(0, 1000)
  .map((name) => new Uint8Array(readFileSync(path.join(csrDir, name))));
const out = store.host.folders.register(path.join(dir, 'bundles'));
const serials: string[] = [];
const started = performance.now();
for (let made = 0; made < Number(certificates); made += csrs.length) {
  const batch = csrs.slice(0, Math.min(csrs.length, Number(certificates) - made));
  const result = await store.call('signCsrs', { csrs: batch, profile: 'server', destination: out, force: true });
  serials.push(...result.issued.map((issued) => issued.certificate.serial));
}
const built = performance.now() - started;
const revokeStarted = performance.now();
for (const serial of serials.slice(0, Number(revocations)))
  await store.call('revoke', { serial, reason: 'superseded' });
const revoked = performance.now() - revokeStarted;
await store.host.lock();
print({ certificates: serials.length, revocations: Number(revocations), buildMs: built, revokeMs: revoked });
