/**
 * Certificates are kept in the journal, not in memory (session/certificates.ts):
 * each read goes back to its record and authenticates it again. The DER read
 * must be exactly the certificate issued — in the session that issued it,
 * after reopening, after a change of the data key (records of the earlier
 * epoch under its own key) and after an older copy of the store was
 * accepted — and a record altered, swapped or cut on disk must be refused,
 * with nothing written.
 */
import { X509Certificate as X509 } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSubject } from '../../../src-main/engine/names';
import { JOURNAL_FILE, LOCK_FILE } from '../../../src-main/store/layout';
import type { Session } from '../../../src-main/store/session';
import { ClosedStore, acceptRollback } from '../../../src-main/store/store';
import { Witness } from '../../../src-main/store/witness';
import { failure } from '../../support/errors';
import {
  OPERATOR_PASSPHRASE,
  ROOT_PASSPHRASE,
  makeIssuingStore,
  readFolder,
  snapshotFolder,
  testEnvironment,
  unlock,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

const NEW_OPERATOR = 'amber-glacier-pylon-thistle-5';
let root: string;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const temp = await makeTempDir('rootkeeper-cert-reads-');
  cleanup = temp.cleanup;
  root = temp.dir;
  dir = path.join(root, 'store');
});
afterEach(() => cleanup());

/** Issues a certificate; returns its serial and the DER as signed. */
async function issueOne(session: Session, name: string): Promise<{ serial: string; der: Buffer }> {
  const { issued } = await session.issue({
    profile: 'server',
    subject: parseSubject(`CN=${name}`),
    sans: [{ type: 'dns', value: name }],
  });
  return { serial: issued.serialNumber, der: Buffer.from(issued.certificate.rawData) };
}

async function read(session: Session, serial: string): Promise<Buffer> {
  return session.certificateDer(session.findCertificate(serial));
}

/** The journal's records as [sequence, start of the body, body] after the 47-byte header. */
async function records(): Promise<{ sequence: number; start: number; body: Buffer }[]> {
  const journal = await readFile(path.join(dir, JOURNAL_FILE));
  const found = [];
  for (let offset = 47; offset < journal.length;) {
    const length = journal.readUInt32BE(offset);
    const body = journal.subarray(offset + 4, offset + 4 + length);
    found.push({ sequence: Number(body.readBigUInt64BE(0)), start: offset + 4, body });
    offset += 4 + length;
  }
  return found;
}

const storeFiles = (files: Map<string, Buffer>) => [...files.keys()].filter((name) => name !== LOCK_FILE);

describe('certificates read back from the journal', () => {
  it('are the certificates issued, in the issuing session and after reopening', async () => {
    const session = await makeIssuingStore(dir);
    const first = await issueOne(session, 'one.example.com');
    const second = await issueOne(session, 'two.example.com');
    expect((await read(session, first.serial)).equals(first.der)).toBe(true);
    expect((await read(session, second.serial)).equals(second.der)).toBe(true);
    // The inventory keeps where the record is, not the certificate.
    expect(Object.values(session.findCertificate(first.serial))).not.toContain(first.der.toString('base64'));
    await session.lock();

    const reopened = await unlock(dir);
    expect((await read(reopened, first.serial)).equals(first.der)).toBe(true);
    expect((await read(reopened, second.serial)).equals(second.der)).toBe(true);
    const seen: string[] = [];
    await reopened.forEachCertificate(
      [reopened.findCertificate(second.serial), reopened.findCertificate(first.serial)],
      (record, der) => {
        seen.push(record.serial);
        expect(der.equals(record.serial === first.serial ? first.der : second.der)).toBe(true);
      },
    );
    // Journal order, whatever order they were asked in.
    expect(seen).toEqual([first.serial, second.serial]);
    await reopened.lock();
  });

  it('are the certificates issued after the data key changed: each record under its epoch’s key', async () => {
    const session = await makeIssuingStore(dir);
    const before = await issueOne(session, 'before.example.com');
    await session.changePassphrase('operator', OPERATOR_PASSPHRASE, NEW_OPERATOR);
    const after = await issueOne(session, 'after.example.com');
    expect((await read(session, before.serial)).equals(before.der)).toBe(true);
    expect((await read(session, after.serial)).equals(after.der)).toBe(true);
    await session.lock();

    const reopened = await (await ClosedStore.open(dir, testEnvironment())).unlock(NEW_OPERATOR);
    expect((await read(reopened, before.serial)).equals(before.der)).toBe(true);
    expect((await read(reopened, after.serial)).equals(after.der)).toBe(true);
    // A renewal on the same key reads the old certificate back: the new one has its public key.
    const renewed = await reopened.renew(before.serial);
    const oldKey = new X509(before.der).publicKey.export({ type: 'spki', format: 'der' });
    const newKey = new X509(Buffer.from(renewed.certificate.rawData)).publicKey.export({ type: 'spki', format: 'der' });
    expect(newKey.equals(oldKey)).toBe(true);
    await reopened.lock();
  });

  it('are the certificates issued after an older copy of the store was accepted', async () => {
    const witness = new Witness(path.join(root, 'config', 'witness.json'));
    const env = { ...testEnvironment(), witness };
    const session = await makeIssuingStore(dir, env);
    const kept = await issueOne(session, 'kept.example.com');
    const earlier = await readFolder(dir);
    await issueOne(session, 'rolled-back.example.com');
    await session.lock();
    for (const name of storeFiles(earlier)) await writeFile(path.join(dir, name), earlier.get(name)!);
    await acceptRollback(dir, OPERATOR_PASSPHRASE, ROOT_PASSPHRASE, env);

    const reopened = await unlock(dir, env);
    expect((await read(reopened, kept.serial)).equals(kept.der)).toBe(true);
    const later = await issueOne(reopened, 'later.example.com');
    expect((await read(reopened, later.serial)).equals(later.der)).toBe(true);
    await reopened.lock();
  });

  it('refuse a record altered on disk after the store was opened, and write nothing', async () => {
    const session = await makeIssuingStore(dir);
    const issued = await issueOne(session, 'tampered.example.com');
    const other = await issueOne(session, 'other.example.com');
    const record = session.findCertificate(issued.serial).record;
    const target = (await records()).find((found) => found.sequence === record)!;
    const journal = await readFile(path.join(dir, JOURNAL_FILE));
    // One bit of the ciphertext, past the sequence number and the nonce.
    journal[target.start + target.body.length - 20]! ^= 0x01;
    await writeFile(path.join(dir, JOURNAL_FILE), journal);
    const before = await snapshotFolder(dir);

    const refused = await failure(read(session, issued.serial));
    expect(refused).toMatchObject({ code: 'STORE_DAMAGED' });
    expect(refused.message).toContain(`record ${record}`);
    expect(await snapshotFolder(dir)).toEqual(before);
    // The untouched record still reads.
    expect((await read(session, other.serial)).equals(other.der)).toBe(true);
    expect(await snapshotFolder(dir)).toEqual(before);
    await session.lock();
  });

  it('refuse another authentic record moved into its place, and a journal cut short', async () => {
    const session = await makeIssuingStore(dir);
    // Certificates until two records are the same length: one can then take the other's place exactly.
    const issued: { serial: string; der: Buffer; record: number }[] = [];
    let pair: [(typeof issued)[number], (typeof issued)[number]] | undefined;
    const lengthOf = async (record: number) =>
      (await records()).find((found) => found.sequence === record)!.body.length;
    for (let index = 0; index < 12 && !pair; index++) {
      const made = await issueOne(session, `host-${String(index).padStart(2, '0')}.example.com`);
      const entry = { ...made, record: session.findCertificate(made.serial).record };
      for (const earlier of issued)
        if ((await lengthOf(earlier.record)) === (await lengthOf(entry.record))) pair = [earlier, entry];
      issued.push(entry);
    }
    expect(pair).toBeDefined();
    const [victim, donor] = pair!;
    const all = await records();
    const a = all.find((found) => found.sequence === victim.record)!;
    const b = all.find((found) => found.sequence === donor.record)!;
    const journal = await readFile(path.join(dir, JOURNAL_FILE));
    // The donor's authentic record, its sequence number made the victim's, where the victim's was.
    const moved = Buffer.from(b.body);
    moved.writeBigUInt64BE(BigInt(a.sequence), 0);
    moved.copy(journal, a.start);
    await writeFile(path.join(dir, JOURNAL_FILE), journal);
    let before = await snapshotFolder(dir);
    expect(await failure(read(session, victim.serial))).toMatchObject({ code: 'STORE_DAMAGED' });
    expect(await snapshotFolder(dir)).toEqual(before);
    // The donor, where it is, still reads as itself.
    expect((await read(session, donor.serial)).equals(donor.der)).toBe(true);

    await truncate(path.join(dir, JOURNAL_FILE), b.start);
    before = await snapshotFolder(dir);
    expect(await failure(read(session, donor.serial))).toMatchObject({ code: 'STORE_DAMAGED' });
    expect(await snapshotFolder(dir)).toEqual(before);
    await session.lock();
  });

  it('are refused once the session is locked', async () => {
    const session = await makeIssuingStore(dir);
    const issued = await issueOne(session, 'locked.example.com');
    const record = session.findCertificate(issued.serial);
    await session.lock();
    expect(await failure(session.certificateDer(record))).toMatchObject({ code: 'LOCKED' });
  });
});
