/**
 * Revocation and CRLs, one CRL per issuer: a leaf goes on the CRL of the
 * intermediate generation that signed it, never another's; an intermediate
 * goes on the root's, which is signed by the root unlocked for that alone.
 * Each issuer has its own CRL number sequence, kept by the journal, so a
 * number never repeats or goes back.
 */
import type { CaRole, JournalEvent, JournalHead } from '../../../shared/domain/journal';
import type { RevocationReason } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import { createCrl, type IssuedCrl } from '../../engine/crl';
import { normaliseSerial } from '../../engine/serial';
import type { IntermediateRecord, Revocation } from '../inventory';
import { sha256Hex } from '../keyring';
import type { CeremonyHook } from '../../custody/ceremony-record';
import type { RootKeySource } from '../../custody/root-source';
import { recordWithPublicCopy } from './authorities';
import { finishCeremony, rootUnlocked } from './ceremony';
import { parsedCertificate, type SessionCore } from './core';
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

/** An intermediate generation of this store, by serial. */
export function findIntermediate(core: SessionCore, serialText: string): IntermediateRecord {
  const serial = normaliseSerial(serialText);
  const existing = serial ? core.parts.inventory.intermediates.get(serial) : undefined;
  if (!existing) throw rejected('not-found', `No intermediate with serial ${serialText} was issued by this root.`);
  return existing;
}

export interface RevokedIntermediate {
  readonly serial: string;
  readonly head: JournalHead;
  /** The root CRL signed in the same ceremony, which lists it. */
  readonly crl: IssuedCrl;
  /** Whether it was the active generation: then none is active until a rotation. */
  readonly wasActive: boolean;
}

/**
 * Revokes an intermediate and signs the root's new CRL in the same root
 * ceremony; both are journaled in one append. A revoked active generation
 * leaves none active.
 */
export function revokeIntermediate(
  core: SessionCore,
  serialText: string,
  reason: RevocationReason,
  root: string | RootKeySource,
  days = 365,
  ceremony?: CeremonyHook,
): Promise<RevokedIntermediate> {
  return core.exclusive(async () => {
    const before = core.parts.writer.current;
    const { intermediates, rootLeaves } = core.parts.inventory;
    const serial = normaliseSerial(serialText);
    // Leaves an imported single-tier root signed are revoked the same way, on the root's CRL.
    const existing = serial ? (intermediates.get(serial) ?? rootLeaves.get(serial)) : undefined;
    if (!serial || !existing)
      throw rejected('not-found', `No intermediate with serial ${serialText} was issued by this root.`);
    const what = rootLeaves.has(serial) ? 'Certificate' : 'Intermediate';
    if (existing.revocation)
      throw rejected('exists', `${what} ${serial} was already revoked on ${existing.revocation.at}.`);
    const at = new Date().toISOString();
    const entries = rootEntries(core);
    entries.push({ serialNumber: serial, revokedAt: new Date(at), reason });
    return core.withRoot(root, async (issuer, signer) => {
      rootUnlocked(ceremony, signer);
      const crl = await createCrl({ issuer, crlNumber: core.parts.inventory.crls.root.lastNumber + 1, entries, days });
      ceremony?.log.signed(
        `the root CRL number ${crl.crlNumber} revoking the intermediate ${serial} (${reason})`,
        crl.der,
      );
      const wasActive = core.parts.inventory.intermediate?.serial === serial;
      await core.record([{ type: 'certificate-revoked', at, ca: 'root', serial, reason }]);
      // The root CRL commits the store file without the revoked active intermediate's clear copy.
      const activeAfter = core.parts.inventory.intermediate?.certificate ?? null;
      await recordWithPublicCopy(core, 'intermediate-revocation', crlEvent('root', crl, entries.length), activeAfter);
      const head = core.parts.writer.current;
      core.intermediateKeys.delete(serial);
      core.intermediateProviders.delete(serial);
      await finishCeremony(core, ceremony, signer, before);
      return { serial, head, crl, wasActive };
    });
  });
}

/**
 * One generation's CRL (the active one's by default), with its next CRL
 * number. `beforeRecording` claims its destination before the number is used up.
 */
export function generateCrl(
  core: SessionCore,
  days?: number,
  issuerSerial?: string,
  beforeRecording?: (crl: IssuedCrl) => Promise<void>,
): Promise<IssuedCrl> {
  return core.exclusive(async () => {
    const serial = issuerSerial ? findIntermediate(core, issuerSerial).serial : activeSerial(core);
    const [issued] = await signIssuerCrls(core, [serial], days, beforeRecording);
    return issued!.crl;
  });
}

export interface IssuerCrl {
  readonly issuer: IntermediateRecord;
  readonly crl: IssuedCrl;
}

/** The CRL of every generation that still signs (active and retired, not expired), in one append. */
export function generateIssuerCrls(core: SessionCore, days?: number): Promise<IssuerCrl[]> {
  return core.exclusive(async () => {
    const live = liveGenerations(core).map((record) => record.serial);
    if (live.length === 0) throw rejected('policy', 'No intermediate of this store can sign a CRL now.');
    return signIssuerCrls(core, live, days);
  });
}

/**
 * Generations whose key is here (or on a token: without its PIN their CRL is
 * refused with the token's name, never silently skipped), not revoked and
 * not expired: the ones with a CRL to keep publishing.
 */
export function liveGenerations(core: SessionCore, now = new Date()): IntermediateRecord[] {
  return [...core.parts.inventory.intermediates.values()].filter(
    (record) =>
      !record.revocation &&
      (core.intermediateKeys.has(record.serial) || record.token !== undefined) &&
      parsedCertificate(record.certificate).notAfter >= now,
  );
}

async function signIssuerCrls(
  core: SessionCore,
  serials: readonly string[],
  days?: number,
  beforeRecording?: (crl: IssuedCrl) => Promise<void>,
): Promise<IssuerCrl[]> {
  const signed: IssuerCrl[] = [];
  for (const serial of serials) {
    const issuer = core.parts.inventory.intermediates.get(serial)!;
    if (issuer.revocation) throw rejected('policy', `The intermediate ${serial} is revoked: it signs no more CRLs.`);
    const leaves = [...core.parts.inventory.certificates.values()].filter((record) => record.issuer === serial);
    const crl = await createCrl({
      issuer: core.generationIssuer(serial),
      crlNumber: issuer.crl.lastNumber + 1,
      entries: revokedEntries(leaves),
      ...(days ? { days } : {}),
    });
    signed.push({ issuer, crl });
  }
  // Destinations are claimed before the numbers are used up: a refusal there leaves them free.
  if (beforeRecording) for (const { crl } of signed) await beforeRecording(crl);
  await core.record(
    signed.flatMap(({ issuer, crl }) => [...core.tokenUse(issuer.serial), issuerCrlEvent(issuer.serial, crl)]),
  );
  return signed;
}

function activeSerial(core: SessionCore): string {
  core.intermediateIssuer();
  return core.parts.inventory.intermediate!.serial;
}

/**
 * The root's CRL (revoked intermediates), signed by the root unlocked for
 * this alone (a string is its passphrase). `beforeRecording` claims its
 * destination before the number is used up.
 */
export function generateRootCrl(
  core: SessionCore,
  root: string | RootKeySource,
  days = 365,
  beforeRecording?: (crl: IssuedCrl) => Promise<void>,
  ceremony?: CeremonyHook,
): Promise<IssuedCrl> {
  return core.exclusive(async () => {
    const before = core.parts.writer.current;
    const entries = rootEntries(core);
    return core.withRoot(root, async (issuer, signer) => {
      rootUnlocked(ceremony, signer);
      const crl = await createCrl({ issuer, crlNumber: core.parts.inventory.crls.root.lastNumber + 1, entries, days });
      ceremony?.log.signed(
        `the root CRL number ${crl.crlNumber} (${entries.length} revoked, next update ${crl.nextUpdate.toISOString()})`,
        crl.der,
      );
      await beforeRecording?.(crl);
      await core.record([crlEvent('root', crl, entries.length)]);
      await finishCeremony(core, ceremony, signer, before);
      return crl;
    });
  });
}

/** What the root's CRL lists: revoked intermediates, and leaves an imported single-tier root signed. */
function rootEntries(core: SessionCore) {
  const { intermediates, rootLeaves } = core.parts.inventory;
  return revokedEntries([...intermediates.values(), ...rootLeaves.values()]);
}

function revokedEntries(records: Iterable<{ serial: string; revocation?: Revocation | undefined }>) {
  return [...records]
    .filter((record) => record.revocation)
    .map((record) => ({
      serialNumber: record.serial,
      revokedAt: new Date(record.revocation!.at),
      reason: record.revocation!.reason,
      ...(record.revocation!.invalidityDate ? { invalidityDate: new Date(record.revocation!.invalidityDate) } : {}),
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

function issuerCrlEvent(issuer: string, crl: IssuedCrl): JournalEvent {
  return {
    type: 'issuer-crl-generated',
    at: new Date().toISOString(),
    issuer,
    crlNumber: crl.crlNumber,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate.toISOString(),
    entries: crl.entries,
    sha256: sha256Hex(crl.der),
  };
}

export interface ScheduledCrl extends IssuedCrl {
  /** When to publish it: its thisUpdate. */
  readonly publishOn: Date;
}

/**
 * Root CRLs signed ahead, as root key ceremonies do: `count` CRLs whose
 * thisUpdate dates are `intervalDays` apart from now, each valid until the
 * next one's date plus `graceDays`, CRL numbers increasing; one root unlock,
 * one journal append.
 */
export function generateRootCrlSchedule(
  core: SessionCore,
  root: string | RootKeySource,
  schedule: { count: number; intervalDays: number; graceDays: number },
  ceremony?: CeremonyHook,
): Promise<ScheduledCrl[]> {
  return core.exclusive(async () => {
    const before = core.parts.writer.current;
    const { count, intervalDays, graceDays } = schedule;
    if (count < 1 || count > 12 || intervalDays < 1 || graceDays < 0 || intervalDays + graceDays > 366)
      throw rejected(
        'invalid-option',
        'A schedule is 1 to 12 CRLs, each valid for at most 366 days with its grace period.',
      );
    const entries = rootEntries(core);
    const first = core.parts.inventory.crls.root.lastNumber + 1;
    const start = Date.now();
    return core.withRoot(root, async (issuer, signer) => {
      rootUnlocked(ceremony, signer);
      const crls: ScheduledCrl[] = [];
      for (let index = 0; index < count; index++) {
        const now = new Date(start + index * intervalDays * 86_400_000);
        const crl = await createCrl({ issuer, crlNumber: first + index, entries, days: intervalDays + graceDays, now });
        crls.push({ ...crl, publishOn: crl.thisUpdate });
        ceremony?.log.signed(
          `the root CRL number ${crl.crlNumber} to publish on ${crl.thisUpdate.toISOString()} (next update ${crl.nextUpdate.toISOString()})`,
          crl.der,
        );
      }
      const last = crls[crls.length - 1]!;
      await core.record([
        ...crls.map((crl) => crlEvent('root', crl, entries.length)),
        {
          type: 'root-crl-scheduled',
          at: new Date().toISOString(),
          count,
          intervalDays,
          graceDays,
          firstNumber: first,
          lastNumber: last.crlNumber,
          lastThisUpdate: last.thisUpdate.toISOString(),
          lastNextUpdate: last.nextUpdate.toISOString(),
        },
      ]);
      await finishCeremony(core, ceremony, signer, before);
      return crls;
    });
  });
}
