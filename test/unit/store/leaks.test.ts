/**
 * Secret leaks: a whole workflow, capturing every console line, every error
 * message, every journal event and every byte written to disk, then
 * searching all of it for the passphrases and the private keys in every
 * encoding (raw DER, base64, hex, PEM, the bare private scalar).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCsr } from '../../../src-main/engine/csr';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { parseSubject } from '../../../src-main/engine/names';
import { crypto, x509 } from '../../../src-main/engine/x509';
import { writeBackup, verifyBackup } from '../../../src-main/store/backup';
import { readKeyFile } from '../../../src-main/store/key-file';
import { openSlot, readKeyring } from '../../../src-main/store/keyring';
import { INTERMEDIATE_KEY_FILE, JOURNAL_FILE } from '../../../src-main/store/layout';
import { ClosedStore } from '../../../src-main/store/store';
import { subkey } from '../../../src-main/vault/secrets';
import {
  FakeClock,
  OPERATOR_PASSPHRASE,
  ROOT_PASSPHRASE,
  makeStore,
  readFolder,
  testEnvironment,
  unlock,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

const NEW_OPERATOR = 'juniper-cobalt-signal-fjord-2';
const WRONG = ['guess-one-not-it-at-all', 'guess-two-still-wrong'];

let root: string;
let cleanup: () => Promise<void>;
const lines: string[] = [];
beforeEach(async () => {
  ({ dir: root, cleanup } = await makeTempDir('rootkeeper-leaks-'));
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  }
});
afterEach(async () => {
  vi.restoreAllMocks();
  await cleanup();
});

/** Every encoding of a key's bytes that could turn up in text or in a file. */
async function forms(pkcs8: Buffer): Promise<{ text: string[]; bytes: Buffer[] }> {
  const algorithm =
    pkcs8.length > 150 && pkcs8.length < 200
      ? { name: 'ECDSA', namedCurve: 'P-384' }
      : pkcs8.length < 150
        ? { name: 'ECDSA', namedCurve: 'P-256' }
        : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const jwk = (await crypto.subtle.exportKey(
    'jwk',
    await crypto.subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']),
  )) as { d: string };
  const scalar = Buffer.from(jwk.d, 'base64url');
  const base64 = pkcs8.toString('base64');
  return {
    text: [
      base64,
      base64.slice(20, 84),
      pkcs8.toString('hex'),
      scalar.toString('hex'),
      scalar.toString('base64'),
      jwk.d,
    ],
    bytes: [pkcs8, scalar],
  };
}

describe('secrets', () => {
  it('never appear in logs, errors, the journal or the files written', async () => {
    const errors: string[] = [];
    const capture = async (promise: Promise<unknown>) =>
      promise.catch((error: Error) => void errors.push(`${error.name}: ${error.message}\n${error.stack}`));
    const dir = path.join(root, 'store');
    const clock = new FakeClock();
    const environment = testEnvironment(clock);
    await makeStore(dir, environment);
    await capture((await ClosedStore.open(dir, environment)).unlock(WRONG[0]!));
    clock.advance(1000);
    const session = await unlock(dir, environment);
    await capture(session.createIntermediate(WRONG[1]!, { subject: parseSubject('CN=x') }));
    clock.advance(1000);
    await session.createIntermediate(ROOT_PASSPHRASE, {
      subject: parseSubject('CN=Leak Test Intermediate'),
      key: 'ec-p256',
    });
    const { issued, privateKey: leafKey } = await session.issue({
      profile: 'server',
      subject: parseSubject('CN=www.example.com'),
      sans: [],
      key: 'ec-p256',
    });
    const csrKeys = await generateKeyPair('ec-p256', true);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=api.example.com',
      keys: csrKeys as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
    });
    await session.signRequests([await parseCsr(csr.toString('pem'))], { profile: 'server' });
    await session.revoke(issued.serialNumber, 'keyCompromise');
    await session.generateCrl();
    await session.generateRootCrl(ROOT_PASSPHRASE);
    await capture(session.changePassphrase('operator', OPERATOR_PASSPHRASE, 'weak'));
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, NEW_OPERATOR);
    const backup = path.join(root, 'store.backup');
    await writeBackup(session, backup);
    await capture(verifyBackup(backup, WRONG[0]!, environment));
    const events = JSON.stringify(await session.readJournal());
    const storeId = session.storeId;
    await session.lock();

    // A damaged store's error, too.
    const journal = await readFile(path.join(dir, JOURNAL_FILE));
    const damaged = Buffer.from(journal);
    damaged[damaged.length - 40]! ^= 1;
    await writeFile(path.join(dir, JOURNAL_FILE), damaged);
    await capture((await ClosedStore.open(dir, environment)).unlock(NEW_OPERATOR));
    await writeFile(path.join(dir, JOURNAL_FILE), journal);

    // The keys themselves, recovered the way only a passphrase holder can.
    const keyring = (await readKeyring(dir))!;
    const rootKey = await openSlot(keyring, 'root-private-key', ROOT_PASSPHRASE, environment.kdfPolicy, 'root');
    const dataKey = await openSlot(keyring, 'operator-data-key', NEW_OPERATOR, environment.kdfPolicy, 'operator');
    const intermediateKey = await readKeyFile(
      dir,
      INTERMEDIATE_KEY_FILE,
      {
        storeId,
        purpose: 'intermediate-key',
        boundTo: JSON.parse(await readFile(path.join(dir, INTERMEDIATE_KEY_FILE), 'utf8')).body.boundTo,
      },
      subkey(dataKey, 'intermediate-key', storeId),
    );
    const secrets = { text: [ROOT_PASSPHRASE, OPERATOR_PASSPHRASE, NEW_OPERATOR, ...WRONG], bytes: [] as Buffer[] };
    for (const key of [
      rootKey,
      intermediateKey,
      leafKey,
      Buffer.from(await crypto.subtle.exportKey('pkcs8', csrKeys.privateKey)),
    ]) {
      const encoded = await forms(key);
      secrets.text.push(...encoded.text);
      secrets.bytes.push(...encoded.bytes);
    }
    secrets.bytes.push(dataKey, ...secrets.text.slice(0, 5).map((passphrase) => Buffer.from(passphrase)));

    const haystacks = { logs: lines.join('\n'), errors: errors.join('\n'), journal: events };
    expect(errors.map((error) => error.split(':')[0])).toEqual(Array(5).fill('RootkeeperError'));
    for (const [name, text] of Object.entries(haystacks)) {
      for (const secret of secrets.text) expect(text.includes(secret), `a secret in ${name}`).toBe(false);
    }
    const files = [...(await readFolder(dir)), ['store.backup', await readFile(backup)] as const];
    for (const [name, bytes] of files) {
      for (const secret of [...secrets.bytes, ...secrets.text.map((text) => Buffer.from(text))]) {
        expect(bytes.includes(secret), `a secret in ${name}`).toBe(false);
      }
    }
  });
});
