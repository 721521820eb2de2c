/**
 * `status`: what needs attention — a CRL never published while certificates
 * are out, a CRL falling due, a certificate expiring, no active intermediate —
 * and each CA with its CRL number, through the same dispatcher the app uses.
 */
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseSubject } from '../../../src-main/engine/names';
import { SessionSlot } from '../../../src-main/host-session';
import { operationHandlers } from '../../../src-main/operations';
import { pathDestinations } from '../../../src-main/operations/context';
import { ROOT_PASSPHRASE, makeIssuingStore, testEnvironment } from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const temp = await makeTempDir('rootkeeper-status-');
  dir = path.join(temp.dir, 'store');
  cleanup = temp.cleanup;
});
afterEach(() => cleanup());

it('lists what needs doing, soonest first, and nothing once it is done', async () => {
  const environment = testEnvironment();
  const session = await makeIssuingStore(dir, environment);
  const sessions = new SessionSlot();
  sessions.hold(session);
  const handlers = operationHandlers({ storeDir: dir, environment, destinations: pathDestinations, sessions }, 'test');
  const status = (withinDays?: number) => handlers.lifecycleStatus(withinDays === undefined ? {} : { withinDays });

  const fresh = await status();
  expect(fresh.cas.map((ca) => [ca.role, ca.status, ca.crlNumber])).toEqual([
    ['root', 'root', 0],
    ['intermediate', 'active', 0],
  ]);
  // The intermediate has issued nothing yet: its unpublished CRL is no news; the root's, with an intermediate out, is.
  expect(fresh.attention.map((item) => [item.kind, item.serial])).toEqual([
    ['crl-never-published', fresh.cas[0]!.serial],
  ]);

  const { issued } = await session.issue({
    profile: 'server',
    subject: parseSubject('CN=soon.example.com'),
    sans: [],
    days: 10,
    key: 'ec-p256',
  });
  const active = session.inventory.intermediate!.serial;
  const afterIssue = await status();
  expect(afterIssue.attention.map((item) => [item.kind, item.serial])).toEqual(
    expect.arrayContaining([
      ['crl-never-published', active],
      // The root's CRL too: an intermediate is out and the root never said it is not revoked.
      ['crl-never-published', fresh.cas[0]!.serial],
      ['certificate-expiring', issued.serialNumber],
    ]),
  );

  await session.generateCrl(7);
  await session.generateRootCrl(ROOT_PASSPHRASE, 365);
  const published = await status(30);
  expect(published.attention.map((item) => item.kind).sort()).toEqual(['certificate-expiring', 'crl-due']);
  expect(published.attention.find((item) => item.kind === 'crl-due')).toMatchObject({
    serial: active,
    due: expect.any(String),
  });
  // Outside a 5-day window, neither the 7-day CRL nor the 10-day certificate is news.
  expect((await status(5)).attention).toEqual([]);

  await session.revokeIntermediate(active, 'superseded', ROOT_PASSPHRASE);
  const none = await status(5);
  expect(none.attention.map((item) => item.kind)).toEqual(['no-active-intermediate']);
  expect(none.cas[1]).toMatchObject({ status: 'revoked' });
  await session.lock();
});
