/**
 * Batch renewal: many certificates renewed by the active intermediate in
 * one operation and one journal append, each for its own subject, names and
 * profile, on its own public key (`same`) or a new key made here. Every
 * renewal records the certificate it renews, so a second run knows what is
 * already done. Nothing is revoked: the old certificates stay valid until
 * the officer revokes them, as with a single renewal.
 */
import type { JournalEvent } from '../../../shared/domain/journal';
import type { KeyAlgorithm } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import { generateKeyPair } from '../../engine/keys';
import { fromX509Name } from '../../engine/names';
import type { IssuedCertificate } from '../../engine/profiles/common';
import { createLeafCertificate } from '../../engine/profiles/leaf';
import { crypto, x509 } from '../../engine/x509';
import { wipe } from '../../vault/secrets';
import type { CertificateRecord } from '../inventory';
import { readCertificates } from './certificates';
import type { SessionCore } from './core';
import { findCertificate, issuedEvent } from './issuing';

export interface BatchRenewalOptions {
  /** `same` re-signs each certificate's public key; a key type makes a new key here for each. */
  readonly key: 'same' | KeyAlgorithm;
  readonly days?: number;
}

export interface Renewed {
  readonly previous: CertificateRecord;
  readonly issued: IssuedCertificate;
  /** The new key as PKCS#8 (a new key only), for its bundle; the caller wipes it. */
  readonly privateKey: Buffer | null;
}

/**
 * Renews every serial given, or none: each must be a valid certificate of
 * this store; `beforeSigning` claims the destinations before anything is
 * signed (throwing there refuses the batch); one append journals them all.
 */
export function renewBatch(
  core: SessionCore,
  serials: readonly string[],
  options: BatchRenewalOptions,
  beforeSigning: (records: readonly CertificateRecord[]) => void,
): Promise<Renewed[]> {
  return core.exclusive(async () => {
    const issuer = core.intermediateIssuer();
    const now = Date.now();
    const records = serials.map((serial) => renewable(core, serial, now));
    const ders = await readCertificates(core, records);
    beforeSigning(records);
    const renewed: Renewed[] = [];
    const serialsUsed = new Set<string>();
    try {
      for (const [at, previous] of records.entries()) {
        let serialNumber = core.freshSerial('intermediate');
        while (serialsUsed.has(serialNumber)) serialNumber = core.freshSerial('intermediate');
        serialsUsed.add(serialNumber);
        const old = new x509.X509Certificate(ders[at]!);
        const keys = options.key === 'same' ? null : await generateKeyPair(options.key, true);
        const issued = await createLeafCertificate({
          profile: previous.profile,
          subject: fromX509Name(old.subjectName).dn,
          sans: previous.sans,
          publicKey: keys ? keys.publicKey : old.publicKey,
          issuer,
          ...core.issuedLinks(),
          serialNumber,
          ...(options.days ? { days: options.days } : {}),
        });
        const privateKey = keys ? Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)) : null;
        renewed.push({ previous, issued, privateKey });
      }
      await core.record([...core.tokenUse(), ...renewed.map(renewalEvent)]);
    } catch (error) {
      for (const { privateKey } of renewed) if (privateKey) wipe(privateKey);
      throw error;
    }
    return renewed;
  });
}

function renewable(core: SessionCore, serial: string, now: number): CertificateRecord {
  const record = findCertificate(core, serial);
  if (record.revocation) throw rejected('policy', `Certificate ${record.serial} is revoked; it is not renewed.`);
  if (Date.parse(record.notAfter) < now)
    throw rejected('policy', `Certificate ${record.serial} has expired; issue a new one instead.`);
  return record;
}

function renewalEvent({ previous, issued }: Renewed): JournalEvent {
  return issuedEvent(issued, previous.profile, 'renewal', previous.serial);
}
