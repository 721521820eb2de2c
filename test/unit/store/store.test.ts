import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSubject } from '../../../src-main/engine/names';
import { inspectStoreFolder } from '../../../src-main/store/folder';
import { INTERMEDIATE_KEY_FILE, JOURNAL_FILE, LOCK_FILE, STORE_FILE } from '../../../src-main/store/layout';
import { THROTTLE_FILE } from '../../../src-main/store/throttle';
import { ClosedStore, createStore } from '../../../src-main/store/store';
import { x509 } from '../../../src-main/engine/x509';
import { PRODUCTION_KDF_POLICY } from '../../../src-main/vault/kdf';
import { failure } from '../../support/errors';
import { TEST_KDF_COST } from '../../support/kdf';
import {
  FakeClock,
  OPERATOR_PASSPHRASE,
  ROOT_PASSPHRASE,
  makeIssuingStore,
  makeStore,
  snapshotFolder,
  testEnvironment,
  unlock,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const temp = await makeTempDir('rootkeeper-store-');
  dir = path.join(temp.dir, 'store');
  cleanup = temp.cleanup;
});
afterEach(() => cleanup());

const subject = parseSubject('CN=Test Root CA');

describe('the key ceremony', () => {
  it('creates a store whose folder is recognised, with the root certificate readable without a passphrase', async () => {
    const created = await makeStore(dir);
    expect(await inspectStoreFolder(dir)).toBe('initialized');
    const closed = await ClosedStore.open(dir);
    expect(Buffer.from(closed.rootCertificate)).toEqual(Buffer.from(created.rootCertificate));
    expect(closed.intermediateCertificate).toBeNull();
    expect(created.rootSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('refuses weak, short or identical passphrases, saying why, and writes nothing', async () => {
    const base = { dir, rootSubject: subject, kdfCost: TEST_KDF_COST, ...testEnvironment() };
    await expect(
      createStore({ ...base, rootPassphrase: 'short', operatorPassphrase: OPERATOR_PASSPHRASE }),
    ).rejects.toThrow(/root passphrase is refused. It has 5 characters; at least 12 are needed/);
    await expect(
      createStore({ ...base, rootPassphrase: ROOT_PASSPHRASE, operatorPassphrase: 'password1234' }),
    ).rejects.toThrow(/operator passphrase is refused.*too easy to guess/);
    await expect(
      createStore({ ...base, rootPassphrase: ROOT_PASSPHRASE, operatorPassphrase: ROOT_PASSPHRASE }),
    ).rejects.toThrow(/must differ/);
    expect(await inspectStoreFolder(dir)).toBe('missing');
  });

  it('enforces the argon2id floor at creation: under 64 MiB or under 2 passes is refused', async () => {
    const base = {
      dir,
      rootSubject: subject,
      rootPassphrase: ROOT_PASSPHRASE,
      operatorPassphrase: OPERATOR_PASSPHRASE,
      kdfPolicy: PRODUCTION_KDF_POLICY,
    };
    await expect(
      createStore({ ...base, kdfCost: { memoryKiB: 63 * 1024, passes: 3, parallelism: 1 } }),
    ).rejects.toThrow(/at least 64 MiB/);
    await expect(
      createStore({ ...base, kdfCost: { memoryKiB: 64 * 1024, passes: 1, parallelism: 1 } }),
    ).rejects.toThrow(/at least 2 passes/);
    // Production callers pass no policy at all, and get the same floor.
    const { kdfPolicy: _policy, ...noPolicy } = base;
    await expect(createStore({ ...noPolicy, kdfCost: TEST_KDF_COST })).rejects.toThrow(/at least 64 MiB/);
    expect(await inspectStoreFolder(dir)).toBe('missing');
  });

  it('refuses a folder that already holds a store or other files', async () => {
    await makeStore(dir);
    await expect(makeStore(dir)).rejects.toMatchObject({ reason: 'exists' });
    const other = path.join(path.dirname(dir), 'other');
    await makeStore(other);
    await writeFile(path.join(path.dirname(dir), 'photo.jpg'), 'x');
    await expect(makeStore(path.dirname(dir))).rejects.toThrow(/holds other files/);
  });
});

describe('unlocking', () => {
  it('replays the journal into the same inventory every time', async () => {
    const session = await makeIssuingStore(dir);
    const { issued } = await session.issue({
      profile: 'server',
      subject: parseSubject('CN=www.example.com'),
      sans: [],
    });
    await session.revoke(issued.serialNumber.toUpperCase(), 'keyCompromise');
    const crl = await session.generateCrl();
    const head = session.head;
    await session.lock();

    const again = await unlock(dir);
    expect(again.head).toEqual(head);
    expect(again.inventory.certificates.get(issued.serialNumber)).toMatchObject({
      profile: 'server',
      subject: 'CN=www.example.com',
      sans: [{ type: 'dns', value: 'www.example.com' }],
      revocation: { reason: 'keyCompromise' },
    });
    expect(again.inventory.crls.intermediate.lastNumber).toBe(crl.crlNumber);
    const next = await again.generateCrl();
    expect(next.crlNumber).toBe(crl.crlNumber + 1);
    await again.lock();
  });

  it('reports a wrong passphrase as such, changes no file but the throttle, and makes attempts wait after the fifth', async () => {
    await makeStore(dir);
    const clock = new FakeClock();
    const environment = testEnvironment(clock);
    const before = await snapshotFolder(dir);
    const closed = await ClosedStore.open(dir, environment);
    expect(await failure(closed.unlock('wrong-passphrase-attempt'))).toMatchObject({
      code: 'WRONG_PASSPHRASE',
      message: 'The operator passphrase is wrong.',
    });
    // The throttle's count is the one file a failed attempt may write.
    expect(await snapshotFolder(dir, [THROTTLE_FILE])).toEqual(before);
    for (let attempt = 2; attempt <= 4; attempt++)
      expect((await failure(closed.unlock(`wrong-${attempt}`))).message).toBe('The operator passphrase is wrong.');
    expect((await failure(closed.unlock('wrong-5'))).message).toMatch(/wrong\. Wait 30 s before the next attempt/);
    expect(await failure(closed.unlock(OPERATOR_PASSPHRASE))).toMatchObject({
      code: 'TRY_LATER',
      message: expect.stringMatching(/Wait 30 s before trying again/),
    });
    clock.advance(30_000);
    expect((await failure(closed.unlock('wrong-6'))).message).toMatch(/Wait 60 s/);
    clock.advance(59_000);
    expect((await failure(closed.unlock(OPERATOR_PASSPHRASE))).message).toMatch(/Wait 1 s before trying again/);
    clock.advance(1000);
    expect(await snapshotFolder(dir, [THROTTLE_FILE])).toEqual(before);

    const session = await closed.unlock(OPERATOR_PASSPHRASE);
    // The failures are journaled, with their times, by the unlock that finally succeeded.
    const failed = (await session.readJournal()).filter((entry) => entry.event.type === 'unlock-failed');
    expect(failed).toEqual([
      {
        sequence: expect.any(Number),
        event: expect.objectContaining({ which: 'operator', attempts: 6, times: expect.any(Array) }),
      },
    ]);
    expect((failed[0]!.event as { times: string[] }).times).toHaveLength(6);
    await session.lock();
    expect(existsSync(path.join(dir, THROTTLE_FILE))).toBe(false);
  });

  it('refuses, as damage, a store file whose KDF parameters exceed the ceiling, before deriving anything', async () => {
    await makeStore(dir);
    const file = path.join(dir, STORE_FILE);
    const { body } = JSON.parse(await readFile(file, 'utf8'));
    body.slots.operator.kdf.memoryKiB = 64 * 1024 * 1024;
    // An attacker can recompute the checksum; the ceiling must still hold.
    const { createHash } = await import('node:crypto');
    const text = JSON.stringify(body);
    await writeFile(file, `${JSON.stringify({ sha256: createHash('sha256').update(text).digest('hex'), body })}\n`);
    const started = Date.now();
    expect(await failure((await ClosedStore.open(dir)).unlock(OPERATOR_PASSPHRASE))).toMatchObject({
      code: 'STORE_DAMAGED',
      message: expect.stringMatching(
        /rootkeeper-store.json: the operator slot is refused: it asks argon2id for 65536 MiB, over the 4096 MiB ceiling/,
      ),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    body.slots.operator.kdf.memoryKiB = 1024;
    body.slots.operator.kdf.passes = 1000;
    const text2 = JSON.stringify(body);
    await writeFile(file, `${JSON.stringify({ sha256: createHash('sha256').update(text2).digest('hex'), body })}\n`);
    expect((await failure((await ClosedStore.open(dir)).unlock(OPERATOR_PASSPHRASE))).message).toMatch(
      /1000 passes, over the ceiling of 64/,
    );
  });

  it('keeps one process at a time, and recovers a lock left by a dead process', async () => {
    await makeStore(dir);
    const session = await unlock(dir);
    expect(await failure(unlock(dir))).toMatchObject({
      code: 'STORE_IN_USE',
      message: expect.stringMatching(new RegExp(`pid ${process.pid}`)),
    });
    await session.lock();
    await writeFile(
      path.join(dir, LOCK_FILE),
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        host: (await import('node:os')).hostname(),
        since: '2020-01-01T00:00:00Z',
      }),
    );
    const recovered = await unlock(dir);
    await recovered.lock();
  });
});

describe('the session', () => {
  it('locks after the idle timeout, drops its keys, and refuses work until unlocked', async () => {
    const clock = new FakeClock();
    const environment = testEnvironment(clock);
    await makeStore(dir, environment);
    const session = await unlock(dir, environment, { idleTimeoutMs: 60_000 });
    clock.advance(59_000);
    expect(session.locked).toBe(false);
    session.touch();
    clock.advance(59_000);
    expect(session.locked).toBe(false);
    clock.advance(1_000);
    // Locking is asynchronous only in releasing the lock file.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(session.locked).toBe(true);
    const internals = (
      session as unknown as { core: { parts: { dataKey: Buffer }; intermediateKeys: Map<string, unknown> } }
    ).core;
    expect(internals.parts.dataKey.every((byte) => byte === 0)).toBe(true);
    expect(internals.intermediateKeys.size).toBe(0);
    expect(() => session.inventory).toThrow(expect.objectContaining({ code: 'LOCKED' }));
    await expect(session.generateCrl()).rejects.toMatchObject({ code: 'LOCKED' });
    // The lock file is gone: another process may open the store now.
    await (await unlock(dir, environment)).lock();
  });

  it('does not lock during an operation that outlasts the idle timeout; the idle time counts from its end', async () => {
    const clock = new FakeClock();
    const environment = testEnvironment(clock);
    const session = await makeIssuingStore(dir, environment);
    const core = (session as unknown as { core: { exclusive<T>(run: () => Promise<T>): Promise<T> } }).core;
    let finish!: () => void;
    let started!: () => void;
    const begun = new Promise<void>((resolve) => (started = resolve));
    const running = core.exclusive(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
          started();
        }),
    );
    await begun;
    // A batch of thousands on a slow laptop: twice the idle timeout passes while it runs.
    clock.advance(5 * 60_000);
    clock.advance(5 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(session.locked).toBe(false);
    finish();
    await running;
    clock.advance(5 * 60_000 - 1_000);
    expect(session.locked).toBe(false);
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(session.locked).toBe(true);
  });

  it('has the root unlocked only inside the operation: no root key remains reachable afterwards', async () => {
    const session = await makeIssuingStore(dir);
    await session.generateRootCrl(ROOT_PASSPHRASE);
    const keys = findCryptoKeys(session);
    expect(keys).toHaveLength(1);
    const intermediate = new x509.X509Certificate(Buffer.from(session.inventory.intermediate!.certificate, 'base64'));
    expect((keys[0]!.algorithm as { namedCurve?: string }).namedCurve).toBe(
      (intermediate.publicKey.algorithm as { namedCurve?: string }).namedCurve,
    );
    // Nothing public hands out a root key: chainRoot returns the root's certificate, which is public; the CRL
    // methods sign through withRoot.
    const rootNames = (object: object) =>
      Object.getOwnPropertyNames(Object.getPrototypeOf(object)).filter((name) => /root/i.test(name));
    // confirmRoot proves the root passphrase (audit accept-rollback) and returns nothing.
    expect(rootNames(session).sort()).toEqual([
      'chainRoot',
      'confirmRoot',
      'generateRootCrl',
      'generateRootCrlSchedule',
      // custody to-token: the key goes onto the token; the reply is its serial and key id, never the key.
      'moveRootToToken',
    ]);
    // The core unlocks the root only inside withRoot, for the length of one callback.
    const core = (session as unknown as { core: object }).core;
    expect(rootNames(core).sort()).toEqual(['rootCertificate', 'withRoot']);
    await expect(session.generateRootCrl('not-the-root-passphrase')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    await session.lock();
  });

  it('changes the operator passphrase by rewriting only the store file', async () => {
    await makeStore(dir);
    const session = await unlock(dir);
    const journal = await readFile(path.join(dir, JOURNAL_FILE));
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, 'saffron-tundra-beacon-river-9');
    await expect(
      session.changePassphrase('operator', 'saffron-tundra-beacon-river-9', ROOT_PASSPHRASE),
    ).rejects.toThrow(/must differ from the root passphrase/);
    await expect(session.changePassphrase('operator', 'saffron-tundra-beacon-river-9', 'weakpass')).rejects.toThrow(
      /refused/,
    );
    await session.lock();
    const after = await readFile(path.join(dir, JOURNAL_FILE));
    // The journal only grew by the change's records: nothing was re-encrypted.
    expect(after.subarray(0, journal.length)).toEqual(journal);
    await expect((await ClosedStore.open(dir, testEnvironment())).unlock(OPERATOR_PASSPHRASE)).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    const reopened = await (await ClosedStore.open(dir, testEnvironment())).unlock('saffron-tundra-beacon-river-9');
    // Journaled as a change of the store file (core.ts changeKeyring, store/transaction.ts): the new
    // generation's intent, the change's intent, the commit, its end; then the wrong (old) passphrase tried
    // above, journaled by this unlock.
    expect((await reopened.readJournal()).slice(-5).map((entry) => entry.event)).toMatchObject([
      { type: 'store-file-changing' },
      { type: 'change-begun', change: 'passphrase', files: [{ name: 'rootkeeper-store.json' }] },
      { type: 'passphrase-changed', which: 'operator' },
      { type: 'change-ended', outcome: 'completed' },
      { type: 'unlock-failed', which: 'operator', attempts: 1 },
    ]);
    await reopened.lock();
  });

  it('changes the root passphrase; the old one no longer signs', async () => {
    const clock = new FakeClock();
    const session = await makeIssuingStore(dir, testEnvironment(clock));
    await session.changePassphrase('root', ROOT_PASSPHRASE, 'obsidian-willow-comet-harbor-5');
    await expect(session.generateRootCrl(ROOT_PASSPHRASE)).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await expect(session.generateRootCrl('obsidian-willow-comet-harbor-5')).resolves.toMatchObject({ crlNumber: 1 });
    // The wrong root passphrase is journaled by the root unlock that succeeded.
    const failed = (await session.readJournal()).filter((entry) => entry.event.type === 'unlock-failed');
    expect(failed.map((entry) => entry.event)).toMatchObject([{ which: 'root', attempts: 1 }]);
    await session.lock();
  });

  it('keeps serials unique and refuses to revoke twice or an unknown serial', async () => {
    const session = await makeIssuingStore(dir);
    const serials = new Set<string>();
    for (let i = 0; i < 5; i++)
      serials.add(
        (await session.issue({ profile: 'server', subject: parseSubject(`CN=h${i}.example.com`), sans: [] })).issued
          .serialNumber,
      );
    expect(serials.size).toBe(5);
    const [first] = serials;
    await session.revoke(first!);
    await expect(session.revoke(first!)).rejects.toMatchObject({ reason: 'exists' });
    await expect(session.revoke('abcdef')).rejects.toMatchObject({ reason: 'not-found' });
    await session.lock();
  });

  it('imports an intermediate signed by a root kept elsewhere, only if it certifies the pending key', async () => {
    await makeStore(dir);
    const session = await unlock(dir);
    const csr = await session.requestIntermediate(parseSubject('CN=Offline-rooted Intermediate'), 'ec-p256');
    const { makeHierarchy } = await import('../../support/pki');
    const { createIntermediateCertificate } = await import('../../../src-main/engine/profiles/intermediate');
    const elsewhere = await makeHierarchy({ label: 'Elsewhere' });
    const request = new x509.Pkcs10CertificateRequest(Buffer.from(csr));
    const signed = await createIntermediateCertificate({
      subject: parseSubject('CN=Offline-rooted Intermediate'),
      publicKey: request.publicKey,
      issuer: elsewhere.rootIssuer,
    });
    await expect(session.importIntermediate(elsewhere.intermediate.der, async () => undefined)).rejects.toThrow(
      /not for the pending intermediate key/,
    );
    await session.importIntermediate(signed.der, async () => undefined);
    const { issued } = await session.issue({
      profile: 'server',
      subject: parseSubject('CN=www.example.com'),
      sans: [],
    });
    expect(issued.certificate.issuer).toBe('CN=Offline-rooted Intermediate');
    await session.lock();
    const reopened = await unlock(dir);
    expect(reopened.inventory.intermediate?.origin).toBe('imported');
    await reopened.lock();
  });

  it('keeps the intermediate key encrypted, and notices a key file from another store', async () => {
    const session = await makeIssuingStore(dir);
    await session.lock();
    const other = path.join(path.dirname(dir), 'other');
    const otherSession = await makeIssuingStore(other);
    await otherSession.lock();
    await writeFile(path.join(dir, INTERMEDIATE_KEY_FILE), await readFile(path.join(other, INTERMEDIATE_KEY_FILE)));
    expect(await failure(unlock(dir))).toMatchObject({
      code: 'STORE_DAMAGED',
      message: expect.stringMatching(/intermediate-key.json: it belongs to another store/),
    });
    await rm(path.join(dir, INTERMEDIATE_KEY_FILE));
    expect(await failure(unlock(dir))).toMatchObject({
      message: expect.stringMatching(/intermediate-key.json: it is missing/),
    });
  });
});

/** Every CryptoKey reachable from an object through its own properties. */
function findCryptoKeys(root: object): CryptoKey[] {
  const seen = new Set<unknown>();
  const found: CryptoKey[] = [];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (value instanceof CryptoKey) {
      found.push(value);
      return;
    }
    if (value instanceof Map) value.forEach((item) => walk(item));
    for (const key of Object.getOwnPropertyNames(value)) walk((value as Record<string, unknown>)[key]);
  };
  walk(root);
  return found;
}
