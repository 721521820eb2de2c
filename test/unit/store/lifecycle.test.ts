/**
 * Intermediate generations: a second intermediate only by rotation, the old
 * one retired with its key file untouched and still signing its own CRL,
 * leaves on exactly their issuer's CRL, revocation of a CA with the root's
 * CRL in the same ceremony, and rotations cut short finished or abandoned
 * when the store is opened again.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntermediateCertificate } from '../../../src-main/engine/profiles/intermediate';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { parseSubject } from '../../../src-main/engine/names';
import { crypto, x509 } from '../../../src-main/engine/x509';
import { writeKeyFile } from '../../../src-main/store/key-file';
import { readKeyring, sha256Hex, writeKeyring } from '../../../src-main/store/keyring';
import { INTERMEDIATE_KEY_FILE, STORE_FILE, generationKeyFile } from '../../../src-main/store/layout';
import { restoreBackup, writeBackup } from '../../../src-main/store/backup';
import type { Session } from '../../../src-main/store/session';
import type { SessionCore } from '../../../src-main/store/session/core';
import { ClosedStore } from '../../../src-main/store/store';
import { failure } from '../../support/errors';
import {
  FakeClock,
  OPERATOR_PASSPHRASE,
  ROOT_PASSPHRASE,
  makeIssuingStore,
  snapshotFolder,
  testEnvironment,
  unlock,
} from '../../support/store';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  const temp = await makeTempDir('rootkeeper-lifecycle-');
  dir = path.join(temp.dir, 'store');
  cleanup = temp.cleanup;
});
afterEach(() => cleanup());

const second = {
  subject: parseSubject('CN=Test Intermediate CA 2, O=Rootkeeper Tests'),
  key: 'ec-p256' as const,
  purpose: 'both' as const,
};

function issue(session: Session, cn: string) {
  return session.issue({ profile: 'server', subject: parseSubject(`CN=${cn}`), sans: [], key: 'ec-p256' });
}

function crlSerials(der: Uint8Array): string[] {
  return new x509.X509Crl(Buffer.from(der)).entries.map((entry) => entry.serialNumber.replace(/^0+/, ''));
}

function core(session: Session): SessionCore {
  return (session as unknown as { core: SessionCore }).core;
}

describe('intermediate generations', () => {
  it('refuses a second intermediate without --rotate, saying what rotation does, and changes nothing', async () => {
    const session = await makeIssuingStore(dir);
    const head = session.head;
    const before = await snapshotFolder(dir);
    const refusal = await failure(session.createIntermediate(ROOT_PASSPHRASE, second));
    expect(refusal).toMatchObject({ code: 'REJECTED_INPUT', reason: 'exists' });
    expect(refusal.message).toMatch(/already active.*rotation.*retired.*keeps signing the CRL.*--rotate/s);
    expect(await failure(session.requestIntermediate(second.subject, 'ec-p256'))).toMatchObject({ reason: 'exists' });
    expect(session.head).toEqual(head);
    expect(await snapshotFolder(dir)).toEqual(before);
    await session.lock();
  });

  it('rotates: the new one issues, the old one is retired, keeps its key file and signs only its own CRL', async () => {
    const session = await makeIssuingStore(dir);
    const first = session.inventory.intermediate!.serial;
    const firstKeyFile = await readFile(path.join(dir, INTERMEDIATE_KEY_FILE));
    const oldLeaf = await issue(session, 'old.example.com');
    const oldCrl = await session.generateCrl();

    const rotated = await session.createIntermediate(ROOT_PASSPHRASE, { ...second, rotate: true });
    const secondSerial = rotated.serialNumber;
    expect(session.inventory.intermediate!.serial).toBe(secondSerial);
    expect(session.inventory.intermediates.get(first)!.retiredAt).toBeDefined();
    expect(await readFile(path.join(dir, INTERMEDIATE_KEY_FILE))).toEqual(firstKeyFile);
    expect((await readFile(path.join(dir, generationKeyFile(secondSerial)))).length).toBeGreaterThan(0);
    const closed = await ClosedStore.open(dir);
    expect(Buffer.from(closed.intermediateCertificate!)).toEqual(Buffer.from(rotated.der));

    const newLeaf = await issue(session, 'new.example.com');
    expect(newLeaf.issued.certificate.issuer).toBe(rotated.certificate.subject);
    await session.revoke(oldLeaf.issued.serialNumber, 'superseded');
    await session.revoke(newLeaf.issued.serialNumber, 'keyCompromise');

    const crls = await session.generateIssuerCrls();
    expect(crls.map((crl) => crl.issuer.serial)).toEqual([first, secondSerial]);
    const [firstCrl, secondCrl] = crls;
    expect(firstCrl!.crl.crlNumber).toBe(oldCrl.crlNumber + 1);
    expect(secondCrl!.crl.crlNumber).toBe(1);
    expect(crlSerials(firstCrl!.crl.der)).toEqual([oldLeaf.issued.serialNumber]);
    expect(crlSerials(secondCrl!.crl.der)).toEqual([newLeaf.issued.serialNumber]);
    const firstCertificate = new x509.X509Certificate(
      Buffer.from(session.inventory.intermediates.get(first)!.certificate, 'base64'),
    );
    expect(
      await new x509.X509Crl(Buffer.from(firstCrl!.crl.der)).verify({ publicKey: firstCertificate.publicKey }),
    ).toBe(true);
    // The old generation's CRL alone, by serial.
    expect((await session.generateCrl(undefined, first)).crlNumber).toBe(firstCrl!.crl.crlNumber + 1);
    const head = session.head;
    await session.lock();

    const again = await unlock(dir);
    expect(again.head).toEqual(head);
    const [g1, g2] = [...again.inventory.intermediates.values()];
    expect(g1).toMatchObject({ serial: first, issued: 1, crl: { lastNumber: firstCrl!.crl.crlNumber + 1 } });
    expect(g2).toMatchObject({ serial: secondSerial, issued: 1, crl: { lastNumber: 1 } });
    expect(again.inventory.certificates.get(oldLeaf.issued.serialNumber)!.issuer).toBe(first);
    // The old leaf's bundle carries its own issuer.
    expect(Buffer.from(again.chain(first).intermediate)).toEqual(Buffer.from(firstCertificate.rawData));
    await again.lock();
  });

  it('revokes an intermediate with the root, its CRL signed in the same ceremony; none is active until a rotation', async () => {
    const clock = new FakeClock();
    const environment = testEnvironment(clock);
    const session = await makeIssuingStore(dir, environment);
    const first = session.inventory.intermediate!.serial;
    const before = await snapshotFolder(dir, ['throttle.json']);
    expect(await failure(session.revokeIntermediate(first, 'cACompromise', 'wrong-root-passphrase'))).toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    // throttle.json is the one file a wrong passphrase changes (docs/vault.md, "The throttle").
    expect(await snapshotFolder(dir, ['throttle.json'])).toEqual(before);
    clock.advance(1000);
    const revoked = await session.revokeIntermediate(first, 'cACompromise', ROOT_PASSPHRASE);
    expect(revoked).toMatchObject({ serial: first, wasActive: true });
    expect(crlSerials(revoked.crl.der)).toEqual([first]);
    expect(session.inventory.crls.root.lastNumber).toBe(revoked.crl.crlNumber);
    expect(session.inventory.intermediate).toBeNull();
    expect((await failure(issue(session, 'x.example.com'))).message).toMatch(
      /No intermediate CA is active.*revoked.*rotate/,
    );
    expect((await ClosedStore.open(dir)).intermediateCertificate).toBeNull();
    expect(await failure(session.revokeIntermediate(first, 'cACompromise', ROOT_PASSPHRASE))).toMatchObject({
      reason: 'exists',
    });
    expect(await failure(session.revokeIntermediate('abcdef', 'cACompromise', ROOT_PASSPHRASE))).toMatchObject({
      reason: 'not-found',
    });
    // No active one: a new intermediate needs no --rotate.
    await session.createIntermediate(ROOT_PASSPHRASE, second);
    expect(session.inventory.intermediates.get(first)!.revocation).toMatchObject({ reason: 'cACompromise' });
    await session.lock();
    const again = await unlock(dir, environment);
    expect(again.inventory.intermediate!.serial).not.toBe(first);
    await again.lock();
  });
});

describe('a rotated store in a backup', () => {
  it('carries every generation key file, so the restored store still signs every live generation’s CRL', async () => {
    const session = await makeIssuingStore(dir);
    const first = session.inventory.intermediate!.serial;
    const rotated = await session.createIntermediate(ROOT_PASSPHRASE, { ...second, rotate: true });
    const file = path.join(path.dirname(dir), 'rotated.backup');
    await writeBackup(session, file);
    await session.lock();
    const target = path.join(path.dirname(dir), 'restored');
    await restoreBackup(file, target, OPERATOR_PASSPHRASE, testEnvironment());
    expect((await readdir(target)).sort()).toEqual(
      expect.arrayContaining([INTERMEDIATE_KEY_FILE, generationKeyFile(rotated.serialNumber)]),
    );
    const restored = await unlock(target);
    const crls = await restored.generateIssuerCrls();
    expect(crls.map(({ issuer }) => issuer.serial)).toEqual([first, rotated.serialNumber]);
    await restored.lock();
  });
});

describe('a rotation cut short', () => {
  /** Journals the intent of a new generation as the rotation does, and stops there. */
  async function startRotation(session: Session, writeKey: boolean) {
    const sessionCore = core(session);
    const keys = await generateKeyPair('ec-p256', true);
    const issued = await sessionCore.withRoot(ROOT_PASSPHRASE, (issuer) =>
      createIntermediateCertificate({
        ...second,
        publicKey: keys.publicKey,
        issuer,
        serialNumber: sessionCore.freshSerial('root'),
      }),
    );
    const serial = issued.serialNumber;
    const intent = {
      serial,
      certificate: Buffer.from(issued.der).toString('base64'),
      sha256: sha256Hex(issued.der),
      origin: 'issued' as const,
      keyFile: generationKeyFile(serial),
      retiring: session.inventory.intermediate!.serial,
    };
    await sessionCore.record([{ type: 'intermediate-rotation-started', at: new Date().toISOString(), ...intent }]);
    if (writeKey) {
      const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
      await writeKeyFile(
        dir,
        intent.keyFile,
        { storeId: session.storeId, purpose: 'intermediate-key', boundTo: intent.sha256 },
        sessionCore.keys.intermediate,
        pkcs8,
      );
    }
    // The process dies here: the lock is released, nothing else is written.
    await session.lock();
    return intent;
  }

  it('abandons one whose key file never made it, leaving the active intermediate as it was', async () => {
    const session = await makeIssuingStore(dir);
    const active = session.inventory.intermediate!.serial;
    const intent = await startRotation(session, false);
    await writeFile(path.join(dir, intent.keyFile), '{"partial');
    const again = await unlock(dir);
    expect(again.inventory.intermediate!.serial).toBe(active);
    expect(again.inventory.pendingRotation).toBeNull();
    expect(again.inventory.intermediates.has(intent.serial)).toBe(false);
    await expect(readFile(path.join(dir, intent.keyFile))).rejects.toMatchObject({ code: 'ENOENT' });
    const events = (await again.readJournal()).map((entry) => entry.event.type);
    expect(events.slice(-2)).toEqual(['intermediate-rotation-abandoned', 'journal-recovered']);
    await issue(again, 'still.example.com');
    // A serial the root signed once is never used again, and a new rotation goes through.
    expect(again.inventory.abandonedSerials.has(intent.serial)).toBe(true);
    await again.createIntermediate(ROOT_PASSPHRASE, { ...second, rotate: true });
    await again.lock();
  });

  it('finishes one whose key file was written, retiring the old one', async () => {
    const session = await makeIssuingStore(dir);
    const active = session.inventory.intermediate!.serial;
    const intent = await startRotation(session, true);
    const again = await unlock(dir);
    expect(again.inventory.intermediate!.serial).toBe(intent.serial);
    expect(again.inventory.intermediates.get(active)!.retiredAt).toBeDefined();
    expect((await ClosedStore.open(dir)).intermediateCertificate).toEqual(Buffer.from(intent.certificate, 'base64'));
    const leaf = await issue(again, 'after.example.com');
    expect(leaf.issued.certificate.issuer).toBe('CN=Test Intermediate CA 2, O=Rootkeeper Tests');
    await again.lock();
    // And it opens cleanly again, with nothing more to do.
    const third = await unlock(dir);
    const head = third.head;
    await third.lock();
    expect((await unlock(dir)).head).toEqual(head);
  });

  it('refuses, as a rollback, the store file from before a rotation put back after it', async () => {
    // The store file's copy of the active intermediate is written in the rotation's own transaction
    // (authorities.ts recordWithPublicCopy): an older store file is an older store, not a lagging copy.
    const session = await makeIssuingStore(dir);
    const storeFile = await readFile(path.join(dir, STORE_FILE));
    await session.createIntermediate(ROOT_PASSPHRASE, { ...second, rotate: true });
    await session.lock();
    await writeFile(path.join(dir, STORE_FILE), storeFile);
    const refusal = await failure(unlock(dir));
    expect(refusal).toMatchObject({ code: 'STORE_DAMAGED' });
    expect(refusal.message).toMatch(/rolled back: the store file is older than the journal/);
  });

  it('still refuses, as damage, a store file whose intermediate copy is not one the journal knows', async () => {
    const other = path.join(path.dirname(dir), 'other');
    const foreign = await makeIssuingStore(other);
    await foreign.lock();
    const session = await makeIssuingStore(dir);
    await session.lock();
    const keyring = (await readKeyring(dir))!;
    const foreignCopy = (await readKeyring(other))!.certificates.intermediate;
    // Written with a valid checksum, so only the journal can tell.
    await writeKeyring(dir, { ...keyring, certificates: { ...keyring.certificates, intermediate: foreignCopy } });
    const refusal = await failure(unlock(dir));
    expect(refusal).toMatchObject({ code: 'STORE_DAMAGED' });
    // The store file's MAC over its contents (epochs.ts) is what catches it now, before the copy is compared.
    expect(refusal.message).toMatch(/binding to the journal does not authenticate/);
  });
});
