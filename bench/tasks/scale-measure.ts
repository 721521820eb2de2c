/** Opens a large store in a fresh process: open and verify, list, search, CRL, resident memory. */
import path from 'node:path';
import { DEFAULT_KDF_COST, deriveKey } from '../../src-main/vault/kdf';
import { readKeyring } from '../../src-main/store/keyring';
import { OPERATOR_PASSPHRASE, openHost, print } from './common';

const [dir] = process.argv.slice(2) as [string];
/** Rows the GUI asks for at once. */
const PAGE = 200;
const storeDir = path.join(dir, 'store');
// The unlock's argon2id is measured on its own and subtracted: the target is about the journal.
const keyring = (await readKeyring(storeDir))!;
const kdfStarted = performance.now();
await deriveKey(Buffer.from(OPERATOR_PASSPHRASE), keyring.slots.operator.kdf);
const kdfMs = performance.now() - kdfStarted;
const store = openHost(storeDir);
/** CPU time (user and system) since `from`: on a machine shared with other work, steadier than the clock. */
const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};
const openStarted = performance.now();
const openCpu = process.cpuUsage();
const unlocked = await store.call('unlock', { passphrase: OPERATOR_PASSPHRASE });
const openMs = performance.now() - openStarted;
const openCpuMs = cpuMsSince(openCpu);
const rssAfterOpenMiB = process.memoryUsage().rss / 2 ** 20;
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};
// The CLI's `list` takes everything; the GUI's virtualised list asks for a page at a time.
const listCpu = process.cpuUsage();
const [listed, listMs] = await timed(() => store.call('listCertificates', {}));
const listCpuMs = cpuMsSince(listCpu);
const [, firstPageMs] = await timed(() => store.call('listCertificates', { limit: PAGE, sort: 'notAfter' }));
const searches: number[] = [];
for (const query of ['host777.bench', 'HOST12', 'nothing-matches-this', 'bench.example']) {
  const [, ms] = await timed(() => store.call('listCertificates', { query, limit: PAGE }));
  searches.push(ms);
}
const crlStarted = performance.now();
const crlCpu = process.cpuUsage();
const crl = await store.call('generateCrl', { ca: 'intermediate' });
const crlMs = performance.now() - crlStarted;
const crlCpuMs = cpuMsSince(crlCpu);
const rssMiB = process.memoryUsage().rss / 2 ** 20;
await store.host.lock();
print({
  records: unlocked.head.sequence,
  certificates: listed.certificates.length,
  kdfMs,
  openMs,
  verifyMs: openMs - kdfMs,
  openCpuMs,
  rssAfterOpenMiB,
  listCpuMs,
  crlCpuMs,
  listMs,
  firstPageMs,
  searches,
  crlMs,
  crlEntries: crl.entries,
  rssMiB,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
  defaultKdf: DEFAULT_KDF_COST,
});
