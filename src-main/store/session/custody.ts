/**
 * Custody of the root: a passphrase root split into M-of-N shares, or a
 * shared root's shares issued anew (resharing). Either way the root slot is
 * re-sealed under a fresh custody key, so every earlier share — and the
 * passphrase, for a split — stops opening it. The new shares are delivered
 * (written where the officer chose) before the store file changes: a crash
 * between leaves the old custody in force and the new files unused.
 */
import { prepareCustody, type CustodyPlan, type ShareFileOut } from '../../custody/share-delivery';
import type { CeremonyHook } from '../../custody/ceremony-record';
import { signerFromPkcs8, type SealedRootSource } from '../../custody/root-source';
import type { CustodianRef } from '../../custody/custody-slot';
import { fingerprints } from '../../engine/formats/certificates';
import type { KdfCost } from '../../vault/kdf';
import { wipe } from '../../vault/secrets';
import { sha256Hex, sharesSlotOf } from '../keyring';
import { finishCeremony } from './ceremony';
import { rootAccessOf, type SessionCore } from './core';

export interface CustodyChange extends CustodyPlan {
  /** Writes the share files; nothing in the store has changed yet when it runs. */
  deliver(files: readonly ShareFileOut[]): Promise<void>;
  /** The argon2id cost of PIN-protected share files. */
  readonly pinCost: KdfCost;
}

export interface CustodyResult {
  readonly threshold: number;
  readonly total: number;
  readonly setId: string;
  readonly custodians: readonly CustodianRef[];
  readonly replaces: string | null;
}

/** `source` opens the current root: the passphrase (split) or a quorum of the current shares (reshare). */
export function changeCustody(
  core: SessionCore,
  source: SealedRootSource,
  change: CustodyChange,
  ceremony?: CeremonyHook,
): Promise<CustodyResult> {
  return core.exclusive(async () => {
    const before = core.parts.writer.current;
    const previous = sharesSlotOf(core.parts.keyring);
    const { pkcs8, present } = await source.unseal(rootAccessOf(core));
    let prepared;
    let signer;
    try {
      // The signer (for the ceremony record) gets its own copy: the original is wiped below, whatever happens.
      signer = await signerFromPkcs8(Buffer.from(pkcs8), core.rootCertificate(), present);
      ceremony?.log.present(present);
      ceremony?.log.step('The root key was unlocked to be sealed under a new custody key.');
      const root = core.rootCertificate();
      prepared = await prepareCustody(
        change,
        {
          storeId: core.storeId,
          rootCertificateSha256: sha256Hex(new Uint8Array(root.rawData)),
          facts: {
            storeName: root.subject,
            storeId: core.storeId,
            rootSha256: fingerprints(new Uint8Array(root.rawData)).sha256,
          },
        },
        pkcs8,
        change.pinCost,
      );
      ceremony?.log.step(
        `A new custody key was split into ${prepared.slot.total} shares, any ${prepared.slot.threshold} of which rebuild it (set ${prepared.slot.setId}).`,
      );
      await change.deliver(prepared.files);
      for (const custodian of prepared.slot.custodians) {
        ceremony?.log.receiving(
          custodian,
          prepared.files.map((file) => file.name).filter((name) => name.startsWith(`share-${custodian.index}-`)),
        );
      }
      const custodians = prepared.slot.custodians.map(({ index, name }) => ({ index, name }));
      const at = new Date().toISOString();
      if (previous && present.length > 0)
        await core.record([{ type: 'root-quorum', at, setId: previous.setId, custodians: [...present] }]);
      // The new root slot commits with its record, the store file bound to the journal (core.ts changeKeyring).
      await core.changeKeyring(
        'custody',
        { ...core.parts.keyring, slots: { ...core.parts.keyring.slots, root: prepared.slot } },
        {
          type: 'custody-created',
          at,
          threshold: prepared.slot.threshold,
          total: prepared.slot.total,
          setId: prepared.slot.setId,
          custodians,
          replaces: previous?.setId ?? null,
        },
      );
      ceremony?.log.step(
        previous
          ? `The root was re-sealed; share set ${previous.setId} no longer opens it.`
          : 'The root was re-sealed; the root passphrase no longer opens it.',
      );
    } finally {
      wipe(pkcs8);
    }
    const custodians = prepared.slot.custodians.map(({ index, name }) => ({ index, name }));
    await finishCeremony(core, ceremony, signer, before);
    return {
      threshold: prepared.slot.threshold,
      total: prepared.slot.total,
      setId: prepared.slot.setId,
      custodians,
      replaces: previous?.setId ?? null,
    };
  });
}
