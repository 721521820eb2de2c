/**
 * npm run bench [-- --quick] [-- --only SECTION,…]: Rootkeeper's speed
 * beside OpenSSL and easy-rsa on this machine. Every figure is a median of
 * several runs; every comparison is a ratio measured in the same run. Writes
 * bench/results.json (with --only, the sections run replace theirs there and
 * the rest is kept). Sections: batch, whole-process, latency, unlock, scale,
 * renderer.
 * The method and the latest results are in docs/performance.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BENCH_DIR, cachedCsrs, csrFiles, machine, median, percentile, task } from './lib';
import { easyRsaLoop, opensslCaInfiles, opensslCaLoop, opensslGenCrl, opensslSpeed } from './peers';
import { cliSignCsr, cliStore } from './whole-process';

const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : null;
const want = (section: string) => only === null || only.includes(section);
// --scale-store DIR: measure the store in DIR/store (made by an earlier run's scale-build) instead of building one.
const scaleStoreAt = process.argv.indexOf('--scale-store');
const scaleStore = scaleStoreAt > 0 ? process.argv[scaleStoreAt + 1] : undefined;
const settings = quick
  ? {
      wholeProcess: [300, 1_000],
      batch: 300,
      runs: 3,
      peerCount: 60,
      easyRsaCount: 20,
      latency: 30,
      argonRuns: 2,
      scaleCertificates: 5_000,
      scaleRevocations: 500,
    }
  : {
      wholeProcess: [1_000, 10_000],
      batch: 1000,
      runs: 5,
      peerCount: 200,
      easyRsaCount: 50,
      latency: 100,
      argonRuns: 5,
      scaleCertificates: 100_000,
      scaleRevocations: 10_000,
    };

const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
const results: Record<string, unknown> = { quick, settings, machine: machine() };

log(`caching ${settings.batch} CSRs made by openssl…`);
const csrDir = cachedCsrs(settings.batch);
const csrs = csrFiles(csrDir, settings.batch);

const rows: string[][] = [];
for (const key of want('batch') ? (['ec-p256', 'rsa-2048'] as const) : []) {
  log(`batch issuance with a ${key} intermediate…`);
  const rootkeeper = median(
    Array.from(
      { length: settings.runs },
      () => task<{ ms: number; count: number }>('batch', [key, csrDir, settings.batch]).ms,
    ),
  );
  const rootkeeperRate = (settings.batch / rootkeeper) * 1000;
  const opensslRate =
    (settings.peerCount /
      median(Array.from({ length: 3 }, () => opensslCaLoop(key, csrs.slice(0, settings.peerCount))))) *
    1000;
  const easyRsaMs = easyRsaLoop(key, csrs.slice(0, settings.easyRsaCount));
  const easyRsaRate = easyRsaMs === null ? null : (settings.easyRsaCount / easyRsaMs) * 1000;
  const speed = opensslSpeed(key);
  results[`batch-${key}`] = {
    rootkeeperPerSecond: rootkeeperRate,
    opensslCaLoopPerSecond: opensslRate,
    easyRsaPerSecond: easyRsaRate,
    opensslSpeedSignsPerSecond: speed,
    ratioToOpensslLoop: rootkeeperRate / opensslRate,
    ratioToEasyRsa: easyRsaRate === null ? null : rootkeeperRate / easyRsaRate,
    fractionOfOpensslSpeed: rootkeeperRate / speed,
  };
  const easyRsaText =
    easyRsaRate === null
      ? 'easy-rsa not installed'
      : `easy-rsa ${easyRsaRate.toFixed(1)}/s (×${(rootkeeperRate / easyRsaRate).toFixed(1)})`;
  rows.push([
    `batch, ${key} intermediate`,
    `${rootkeeperRate.toFixed(0)}/s`,
    `openssl ca loop ${opensslRate.toFixed(0)}/s (×${(rootkeeperRate / opensslRate).toFixed(2)}); ${easyRsaText}; ${((rootkeeperRate / speed) * 100).toFixed(2)}% of openssl speed (${speed.toFixed(0)} signs/s)`,
  ]);
}

if (want('whole-process')) wholeProcess();

/**
 * Whole processes on the same P-256 CSRs: `rootkeeper sign-csr --flat` and
 * with bundles (spawn to exit, argon2id unlock at the default cost included)
 * against one `openssl ca -batch -infiles` (spawn to exit, then a `sync -f`
 * so its output is as durable as Rootkeeper's). The three are interleaved in
 * each of three rounds, so drift on a shared machine hits all alike.
 */
function wholeProcess(): void {
  const counts = settings.wholeProcess;
  log(`whole-process batches of ${counts.join(' and ')} CSRs against openssl ca -infiles…`);
  const dir = cachedCsrs(Math.max(...counts));
  const template = cliStore('ec-p256');
  const byCount: Record<string, Record<string, number>> = {};
  try {
    for (const count of counts) {
      const files = csrFiles(dir, count).map((file) => path.basename(file));
      const flat: number[] = [];
      const bundles: number[] = [];
      const peer: { ms: number; durableMs: number }[] = [];
      for (let round = 0; round < 3; round++) {
        flat.push(cliSignCsr(template.store, dir, files, true));
        bundles.push(cliSignCsr(template.store, dir, files, false));
        peer.push(opensslCaInfiles('ec-p256', dir, files));
      }
      const figures = {
        flatMs: median(flat),
        bundlesMs: median(bundles),
        opensslInfilesMs: median(peer.map((run) => run.ms)),
        opensslInfilesDurableMs: median(peer.map((run) => run.durableMs)),
      };
      const perSecond = (ms: number) => (count / ms) * 1000;
      byCount[count] = {
        ...figures,
        flatPerSecond: perSecond(figures.flatMs),
        bundlesPerSecond: perSecond(figures.bundlesMs),
        opensslInfilesDurablePerSecond: perSecond(figures.opensslInfilesDurableMs),
        // Above 1: Rootkeeper is faster. Against the durable finish line, and against the bare process exit.
        flatRatio: figures.opensslInfilesDurableMs / figures.flatMs,
        bundlesRatio: figures.opensslInfilesDurableMs / figures.bundlesMs,
        flatRatioToExit: figures.opensslInfilesMs / figures.flatMs,
        bundlesRatioToExit: figures.opensslInfilesMs / figures.bundlesMs,
      };
      const row = byCount[count]!;
      rows.push([
        `whole process, ${count} CSRs, P-256`,
        `--flat ${row.flatPerSecond!.toFixed(0)}/s; bundles ${row.bundlesPerSecond!.toFixed(0)}/s`,
        `openssl ca -infiles ${row.opensslInfilesDurablePerSecond!.toFixed(0)}/s durable (${(figures.opensslInfilesMs / 1000).toFixed(2)} s to exit, ${(figures.opensslInfilesDurableMs / 1000).toFixed(2)} s synced): --flat ×${row.flatRatio!.toFixed(2)}, bundles ×${row.bundlesRatio!.toFixed(2)}`,
      ]);
    }
  } finally {
    template.cleanup();
  }
  results['batch-whole-process'] = {
    quick,
    machine: machine(),
    runs: 3,
    unlock: 'argon2id at the default cost (256 MiB, 3 passes), inside every Rootkeeper figure',
    byCount,
  };
}

if (want('latency')) {
  log('single-issue latency…');
  const latency = task<{ signCsr: number[]; issue: number[] }>('latency', [csrDir, settings.latency]);
  results.latency = {
    signCsrP50: percentile(latency.signCsr, 50),
    signCsrP95: percentile(latency.signCsr, 95),
    issueWithNewKeyP50: percentile(latency.issue, 50),
    issueWithNewKeyP95: percentile(latency.issue, 95),
  };
  rows.push([
    'one CSR (operations layer, journal + bundle)',
    `p50 ${percentile(latency.signCsr, 50).toFixed(1)} ms`,
    `p95 ${percentile(latency.signCsr, 95).toFixed(1)} ms`,
  ]);
  rows.push([
    'one certificate with a new P-256 key',
    `p50 ${percentile(latency.issue, 50).toFixed(1)} ms`,
    `p95 ${percentile(latency.issue, 95).toFixed(1)} ms`,
  ]);
}

if (want('unlock')) {
  log('argon2id at the default cost, native and WASM…');
  const argonSalt = randomBytes(16).toString('hex');
  const native = task<{ times: number[]; maxRssKiB: number; key: string }>('argon2', [
    'native',
    settings.argonRuns,
    argonSalt,
  ]);
  const wasm = task<{ times: number[]; maxRssKiB: number; key: string }>('argon2', [
    'wasm',
    settings.argonRuns,
    argonSalt,
  ]);
  if (native.key !== wasm.key)
    throw new Error('native argon2 and hash-wasm derived different keys: the comparison is void');
  results.unlock = {
    nativeMs: median(native.times),
    nativePeakRssMiB: native.maxRssKiB / 1024,
    wasmMs: median(wasm.times),
    wasmPeakRssMiB: wasm.maxRssKiB / 1024,
    sameKey: native.key === wasm.key,
    ratio: median(wasm.times) / median(native.times),
  };
  rows.push([
    'unlock: argon2id 256 MiB, 3 passes (node-argon2)',
    `${median(native.times).toFixed(0)} ms`,
    `peak RSS ${(native.maxRssKiB / 1024).toFixed(0)} MiB; hash-wasm ${median(wasm.times).toFixed(0)} ms (×${(median(wasm.times) / median(native.times)).toFixed(2)}), peak ${(wasm.maxRssKiB / 1024).toFixed(0)} MiB`,
  ]);
}

if (want('scale')) {
  log(
    scaleStore
      ? `measuring the store in ${scaleStore}…`
      : `building a store of ${settings.scaleCertificates} certificates and ${settings.scaleRevocations} revocations…`,
  );
  const scaleDir = scaleStore ?? mkdtempSync(path.join(os.tmpdir(), 'rootkeeper-bench-scale-'));
  try {
    const built = scaleStore
      ? null
      : task<{ buildMs: number; revokeMs: number }>('scale-build', [
          scaleDir,
          settings.scaleCertificates,
          settings.scaleRevocations,
          csrDir,
        ]);
    const measured = Array.from({ length: 3 }, () =>
      task<{
        verifyMs: number;
        openMs: number;
        kdfMs: number;
        listMs: number;
        firstPageMs: number;
        searches: number[];
        crlMs: number;
        rssMiB: number;
        maxRssMiB: number;
      }>('scale-measure', [scaleDir]),
    );
    const gencrl = opensslGenCrl(settings.scaleCertificates, settings.scaleRevocations);
    const journalBytes = readFileSync(path.join(scaleDir, 'store', 'journal.rkj')).length;
    results.scale = {
      certificates: settings.scaleCertificates,
      revocations: settings.scaleRevocations,
      buildSeconds: built ? built.buildMs / 1000 : null,
      revokeSeconds: built ? built.revokeMs / 1000 : null,
      ...(scaleStore ? { measuredExistingStore: true } : {}),
      journalMiB: journalBytes / 2 ** 20,
      openAndVerifyMs: median(measured.map((m) => m.verifyMs)),
      unlockKdfMs: median(measured.map((m) => m.kdfMs)),
      listMs: median(measured.map((m) => m.listMs)),
      firstPageMs: median(measured.map((m) => m.firstPageMs)),
      searchMs: median(measured.flatMap((m) => m.searches)),
      searchMaxMs: Math.max(...measured.flatMap((m) => m.searches)),
      crlMs: median(measured.map((m) => m.crlMs)),
      opensslGenCrlMs: gencrl,
      rssMiB: median(measured.map((m) => m.rssMiB)),
      maxRssMiB: median(measured.map((m) => m.maxRssMiB)),
    };
    const scale = results.scale as Record<string, number>;
    rows.push([
      `scale: open + verify journal (${settings.scaleCertificates} certs)`,
      `${scale.openAndVerifyMs!.toFixed(0)} ms`,
      `target ≤ 3000 ms (argon2id ${scale.unlockKdfMs!.toFixed(0)} ms excluded)`,
    ]);
    rows.push([
      'scale: list everything (CLI)',
      `${scale.listMs!.toFixed(0)} ms`,
      `first page of 200 by expiry (GUI) ${scale.firstPageMs!.toFixed(1)} ms`,
    ]);
    rows.push([
      'scale: search, first 200 matches',
      `${scale.searchMs!.toFixed(1)} ms`,
      `worst ${scale.searchMaxMs!.toFixed(1)} ms; target ≤ 50 ms`,
    ]);
    rows.push([
      `scale: CRL with ${settings.scaleRevocations} entries`,
      `${scale.crlMs!.toFixed(0)} ms`,
      `openssl ca -gencrl ${scale.opensslGenCrlMs!.toFixed(0)} ms; target ≤ 1000 ms`,
    ]);
    rows.push([
      'scale: resident memory',
      `${scale.rssMiB!.toFixed(0)} MiB`,
      `peak ${scale.maxRssMiB!.toFixed(0)} MiB; target ≤ 500 MiB`,
    ]);
    log('the renderer in Chromium on that store…');
    const paint = task<{
      firstContentfulPaintMs: number;
      unlockToOverviewMs: number;
      certificatesFirstRowsMs: number;
      scrollToEndMs: number;
      rows: number;
      rowsInPage: number;
    }>('renderer-paint', [scaleDir]);
    results.rendererPaint = paint;
    rows.push([
      'renderer: first contentful paint',
      `${paint.firstContentfulPaintMs.toFixed(0)} ms`,
      `unlock to overview ${paint.unlockToOverviewMs.toFixed(0)} ms (argon2id at the 64 MiB floor included)`,
    ]);
    rows.push([
      `renderer: certificate list, ${paint.rows} rows`,
      `${paint.certificatesFirstRowsMs.toFixed(0)} ms to first rows`,
      `scroll to the end ${paint.scrollToEndMs.toFixed(0)} ms; ${paint.rowsInPage} rows in the page`,
    ]);
  } finally {
    if (!scaleStore) rmSync(scaleDir, { recursive: true, force: true });
  }
}

if (want('renderer')) {
  log('renderer bundle sizes…');
  const assets = path.join(path.dirname(BENCH_DIR), 'out', 'renderer', 'assets');
  const sizes = readdirSync(assets).map((name) => {
    const bytes = readFileSync(path.join(assets, name));
    return { name, bytes: bytes.length, gzip: gzipSync(bytes).length };
  });
  results.renderer = { assets: sizes };
  // The strength estimator's dictionaries are a chunk of their own, loaded only where a new passphrase is typed.
  const lazy = (name: string) => name.startsWith('passphrase');
  const gzipOf = (pick: (name: string) => boolean) =>
    sizes.filter((size) => pick(size.name)).reduce((sum, size) => sum + size.gzip, 0) / 1024;
  rows.push([
    'renderer JavaScript (gzip)',
    `${gzipOf((name) => name.endsWith('.js') && !lazy(name)).toFixed(1)} KiB at start`,
    `${gzipOf((name) => name.endsWith('.js') && lazy(name)).toFixed(0)} KiB more on demand (passphrase strength)`,
  ]);
  rows.push(['renderer CSS (gzip)', `${gzipOf((name) => name.endsWith('.css')).toFixed(1)} KiB`, '']);
}

const resultsFile = path.join(BENCH_DIR, 'results.json');
// With --only, the other sections' figures of the last run stay as they were.
const kept = only === null ? {} : (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>);
const ran =
  only === null
    ? results
    : Object.fromEntries(Object.entries(results).filter(([name]) => !['quick', 'settings', 'machine'].includes(name)));
writeFileSync(resultsFile, `${JSON.stringify({ ...kept, ...ran }, null, 2)}\n`);
const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
process.stdout.write(
  `${rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n')}\n`,
);
log('wrote bench/results.json');
