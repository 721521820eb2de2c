/**
 * Revocation and CRLs: a leaf goes on the intermediate's CRL, an
 * intermediate on the root's, which is signed by the root unlocked for that
 * alone. CRL numbers come from the journal, so they never repeat.
 */
import type { CaRole, JournalEvent, JournalHead } from '../../../shared/domain/journal';
import type { RevocationReason } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import { createCrl, type IssuedCrl } from '../../engine/crl';
import { normaliseSerial } from '../../engine/serial';
import type { Revocation } from '../inventory';
import { sha256Hex } from '../keyring';
import type { SessionCore } from './core';
import { finishCeremony } from './ceremony';
import type { CeremonyHook } from '../../custody/ceremony-record';
import type { RootKeySource } from '../../custody/root-source';
import { findCertificate } from './issuing';

export function revoke(
  core: SessionCore,
  serialText: string,
  reason: RevocationReason = 'unspecified',
): Promise<JournalHead> {
  return core.exclusive(async () => {
    const serial = findCertificate(core, serialText).serial;
    const existing = core.parts.inventory.certificates.get(serial)!;
    if (existing.revocation)
      throw rejected('exists', `Certificate ${serial} was already revoked on ${existing.revocation.at}.`);
    return core.record([
      { type: 'certificate-revoked', at: new Date().toISOString(), ca: 'intermediate', serial, reason },
    ]);
  });
}

/** Revokes an intermediate this store's root issued; the root's CRL lists it. */
export function revokeIntermediate(
  core: SessionCore,
  serialText: string,
  reason: RevocationReason = 'unspecified',
): Promise<JournalHead> {
  return core.exclusive(async () => {
    const serial = normaliseSerial(serialText);
    const existing = serial ? core.parts.inventory.intermediates.get(serial) : undefined;
    if (!serial || !existing)
      throw rejected('not-found', `No intermediate with serial ${serialText} was issued by this root.`);
    if (existing.revocation)
      throw rejected('exists', `Intermediate ${serial} was already revoked on ${existing.revocation.at}.`);
    return core.record([{ type: 'certificate-revoked', at: new Date().toISOString(), ca: 'root', serial, reason }]);
  });
}

/** The intermediate's CRL, with the next CRL number. */
export function generateCrl(core: SessionCore, days?: number): Promise<IssuedCrl> {
  return core.exclusive(async () => {
    const entries = revokedEntries(core.parts.inventory.certificates.values());
    const crl = await createCrl({
      issuer: core.intermediateIssuer(),
      crlNumber: core.parts.inventory.crls.intermediate.lastNumber + 1,
      entries,
      ...(days ? { days } : {}),
    });
    await core.record([crlEvent('intermediate', crl, entries.length)]);
    return crl;
  });
}

/** The root's CRL (revoked intermediates), signed by the root unlocked for this alone (a string is its passphrase). */
export function generateRootCrl(
  core: SessionCore,
  root: string | RootKeySource,
  days = 365,
  ceremony?: CeremonyHook,
): Promise<IssuedCrl> {
  return core.exclusive(async () => {
    const before = core.parts.writer.current;
    const entries = revokedEntries(core.parts.inventory.intermediates.values());
    return core.withRoot(root, async (issuer, signer) => {
      ceremony?.log.present(signer.present);
      ceremony?.log.step('The root key was unlocked for this operation.');
      const crl = await createCrl({ issuer, crlNumber: core.parts.inventory.crls.root.lastNumber + 1, entries, days });
      ceremony?.log.signed(
        `the root CRL number ${crl.crlNumber} (${entries.length} revoked, next update ${crl.nextUpdate.toISOString()})`,
        crl.der,
      );
      await core.record([crlEvent('root', crl, entries.length)]);
      await finishCeremony(core, ceremony, signer, before);
      return crl;
    });
  });
}

function revokedEntries(records: Iterable<{ serial: string; revocation?: Revocation | undefined }>) {
  return [...records]
    .filter((record) => record.revocation)
    .map((record) => ({
      serialNumber: record.serial,
      revokedAt: new Date(record.revocation!.at),
      reason: record.revocation!.reason,
    }));
}

function crlEvent(ca: CaRole, crl: IssuedCrl, entries: number): JournalEvent {
  return {
    type: 'crl-generated',
    at: new Date().toISOString(),
    ca,
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    entries,
    sha256: sha256Hex(crl.der),
  };
}
