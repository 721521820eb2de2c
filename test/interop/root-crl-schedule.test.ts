/**
 * The pre-signed root CRL schedule: every CRL verified against the root by
 * OpenSSL with its dates and number checked, the README saying when to
 * publish which, a root revocation making the rest obsolete (status says
 * so), and a new schedule superseding the old.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { certificatePem } from '../../src-main/engine/formats/certificates';
import { SessionSlot } from '../../src-main/host-session';
import { operationHandlers } from '../../src-main/operations';
import { pathDestinations } from '../../src-main/operations/context';
import { run } from '../support/run';
import { ROOT_PASSPHRASE, makeIssuingStore, testEnvironment } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('rootkeeper-crl-schedule-')));
afterAll(() => cleanup());

const DAY = 86_400_000;

/** lastUpdate, nextUpdate and CRL number as OpenSSL prints them, after it verified the signature with the root. */
function readCrl(file: string) {
  const result = run(
    'openssl',
    ['crl', '-inform', 'DER', '-in', file, '-CAfile', 'root.pem', '-noout', '-lastupdate', '-nextupdate', '-crlnumber'],
    { cwd: dir },
  );
  expect(result.stderr + result.stdout).toMatch(/verify OK/);
  const field = (name: string) => /=(.*)/.exec(result.stdout.split('\n').find((line) => line.startsWith(name))!)![1]!;
  return {
    lastUpdate: Date.parse(field('lastUpdate')),
    nextUpdate: Date.parse(field('nextUpdate')),
    crlNumber: Number.parseInt(field('crlNumber').replace(/^0x/, ''), 16),
  };
}

it('signs 4x90 root CRLs in one unlock, each verified by OpenSSL with its dates, and supersedes them after a revocation', async () => {
  const environment = testEnvironment();
  const store = path.join(dir, 'store');
  const session = await makeIssuingStore(store, environment);
  const sessions = new SessionSlot();
  sessions.hold(session);
  const handlers = operationHandlers(
    { storeDir: store, environment, destinations: pathDestinations, sessions },
    'test',
  );
  await writeFile(path.join(dir, 'root.pem'), certificatePem(session.chainRoot()));

  const started = Date.now();
  const first = await handlers.scheduleRootCrls({
    rootPassphrase: ROOT_PASSPHRASE,
    count: 4,
    intervalDays: 90,
    destination: path.join(dir, 'schedule-1'),
  });
  expect(first.supersedes).toBeNull();
  expect(first.crls.map((crl) => crl.crlNumber)).toEqual([1, 2, 3, 4]);
  for (const [index, crl] of first.crls.entries()) {
    expect(crl.file).toBe(`root-crl-${crl.publishOn.slice(0, 10)}-${crl.crlNumber}.crl`);
    const read = readCrl(path.join('schedule-1', crl.file));
    expect(read.crlNumber).toBe(crl.crlNumber);
    // lastUpdate 0, 90, 180, 270 days from now; each valid 14 days past the next one's date.
    expect(Math.abs(read.lastUpdate - (started + index * 90 * DAY))).toBeLessThan(60_000);
    expect(read.nextUpdate - read.lastUpdate).toBe((90 + 14) * DAY);
  }
  const readme = await readFile(path.join(dir, 'schedule-1', 'README.txt'), 'utf8');
  for (const crl of first.crls) expect(readme).toContain(`${crl.publishOn.slice(0, 10)}  ${crl.file}`);
  expect(readme).toMatch(/revocation by the root.*obsolete/s);
  expect((await handlers.lifecycleStatus({})).attention.map((item) => item.kind)).not.toContain(
    'crl-schedule-obsolete',
  );

  // A revocation by the root makes the rest obsolete; status says so.
  const active = session.inventory.intermediate!.serial;
  const revoked = await handlers.revokeAuthority({
    serial: active,
    rootPassphrase: ROOT_PASSPHRASE,
    reason: 'superseded',
  });
  expect(revoked.rootCrl.crlNumber).toBe(5);
  const status = await handlers.lifecycleStatus({});
  expect(status.attention.find((item) => item.kind === 'crl-schedule-obsolete')).toMatchObject({
    action: expect.stringMatching(/discard the rest of that schedule/),
  });

  // Run again: it supersedes the old one, lists the revoked intermediate, numbers go on, with a custom grace.
  const second = await handlers.scheduleRootCrls({
    rootPassphrase: ROOT_PASSPHRASE,
    count: 2,
    intervalDays: 30,
    graceDays: 7,
    destination: path.join(dir, 'schedule-2'),
  });
  expect(second.supersedes).not.toBeNull();
  expect(second.crls.map((crl) => crl.crlNumber)).toEqual([6, 7]);
  const secondRead = readCrl(path.join('schedule-2', second.crls[1]!.file));
  expect(secondRead.nextUpdate - secondRead.lastUpdate).toBe(37 * DAY);
  const listed = run(
    'openssl',
    ['crl', '-inform', 'DER', '-in', path.join('schedule-2', second.crls[0]!.file), '-noout', '-text'],
    { cwd: dir },
  );
  expect(listed.stdout.toLowerCase()).toContain(active);
  expect(await readFile(path.join(dir, 'schedule-2', 'README.txt'), 'utf8')).toMatch(
    /supersedes the one signed on .*discard the remaining files/,
  );
  expect((await handlers.lifecycleStatus({})).attention.map((item) => item.kind)).not.toContain(
    'crl-schedule-obsolete',
  );
  await session.lock();
});
