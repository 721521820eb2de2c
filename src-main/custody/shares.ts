/**
 * The root held by custodians: M of the N shares rebuild the custody key,
 * which opens the root slot for one operation and is wiped. Every share is
 * checked on its own first and named when refused — mistyped, of another
 * store, of a set replaced by resharing, given twice, or not matching the
 * share made for its custodian — so no refusal reads "wrong passphrase".
 */
import { RootkeeperError, rejected } from '../../shared/errors';
import type { KdfPolicy } from '../vault/kdf';
import { wipe } from '../vault/secrets';
import { openSharesSlot, shareDigest, type CustodianRef, type SharesSlot } from './custody-slot';
import { rootCertificateOf, tokenHeld } from './passphrase';
import type { RootSlotAccess, SealedRootSource } from './root-source';
import { signerFromPkcs8 } from './root-source';
import { storeTagOf, type Share } from './share-codec';
import { readShareText } from './share-file';
import { combineShares } from './split';
import { sha256Hex } from './hash';

export interface ShareInput {
  /** A share file's text, or the words alone. */
  readonly text: string;
  /** Where it came from, for messages: "share.txt", "stdin line 2". */
  readonly label: string;
  /** Asked only when the share is PIN-protected. */
  readonly pin?: () => Promise<string>;
}

/** The custodian a share of this slot belongs to, for messages. */
export function custodianOf(slot: SharesSlot, index: number): string {
  return slot.custodians.find((custodian) => custodian.index === index)?.name ?? `custodian ${index}`;
}

/**
 * Checks one decoded share against the store's custody: header first (store,
 * set, M-of-N), then its digest. Returns the custodian it belongs to.
 */
export function checkShare(storeId: string, slot: SharesSlot, share: Share, label: string): CustodianRef {
  const name = custodianOf(slot, share.index);
  const which = `Share ${share.index} (${label})`;
  if (share.storeTag !== storeTagOf(storeId)) {
    throw rejected(
      'wrong-kind',
      `${which} belongs to another store (store ${share.storeTag}…), not to this one (${storeTagOf(storeId)}…).`,
    );
  }
  if (share.setId !== slot.setId || share.threshold !== slot.threshold || share.total !== slot.total) {
    throw rejected(
      'policy',
      `${which} is of share set ${share.setId} (${share.threshold} of ${share.total}), which resharing replaced: this store's shares are set ${slot.setId} (${slot.threshold} of ${slot.total}).`,
    );
  }
  const custodian = slot.custodians.find((entry) => entry.index === share.index);
  if (!custodian || custodian.digest !== shareDigest(storeId, share)) {
    throw new RootkeeperError(
      'WRONG_PASSPHRASE',
      `Share ${share.index} of custodian ${name} (${label}) is not the share made for them: it was altered or forged.`,
    );
  }
  return { index: share.index, name: custodian.name };
}

/** Decodes and checks shares; refuses the first bad one by name, and a share given twice. */
export async function acceptShares(
  storeId: string,
  slot: SharesSlot,
  inputs: readonly ShareInput[],
  policy?: KdfPolicy,
): Promise<{ shares: Share[]; present: CustodianRef[] }> {
  const shares: Share[] = [];
  const present: CustodianRef[] = [];
  for (const input of inputs) {
    const share = await readShareText(input.text, input.label, input.pin, policy);
    const custodian = checkShare(storeId, slot, share, input.label);
    if (shares.some((taken) => taken.index === share.index)) {
      throw rejected(
        'duplicate-name',
        `Share ${share.index} of custodian ${custodian.name} was given twice (${input.label}).`,
      );
    }
    shares.push(share);
    present.push(custodian);
  }
  return { shares, present };
}

export function sharesSource(inputs: readonly ShareInput[]): SealedRootSource {
  const source: SealedRootSource = {
    kind: 'shares',
    async unseal(access: RootSlotAccess) {
      const slot = access.sharesSlot;
      if (access.tokenSlot) throw tokenHeld(access.tokenSlot.serial);
      if (!slot) {
        throw rejected(
          'policy',
          'The root is sealed under the root passphrase, not held in shares: give --root-passin.',
        );
      }
      return access.throttled(() => rebuild(access, slot, inputs));
    },
    async signer(access: RootSlotAccess) {
      const { pkcs8, present } = await source.unseal(access);
      return signerFromPkcs8(pkcs8, rootCertificateOf(access), present);
    },
  };
  return source;
}

async function rebuild(
  access: RootSlotAccess,
  slot: SharesSlot,
  inputs: readonly ShareInput[],
): Promise<{ pkcs8: Buffer; present: CustodianRef[] }> {
  const { shares, present } = await acceptShares(access.storeId, slot, inputs, access.kdfPolicy);
  if (shares.length < slot.threshold) {
    const given = present.map((custodian) => `share ${custodian.index} of ${custodian.name}`).join(', ');
    // Too few genuine shares is not a guess: LOCKED (exit 3 too) is not counted by the throttle (issue 11).
    throw new RootkeeperError(
      'LOCKED',
      `${shares.length} valid share${shares.length === 1 ? '' : 's'} of the ${slot.threshold} needed${given ? ` (${given})` : ''}: the root stays locked.`,
    );
  }
  const used = shares.slice(0, slot.threshold);
  const key = Buffer.from(await combineShares(used));
  try {
    const pkcs8 = openSharesSlot(access.storeId, slot, sha256Hex(Buffer.from(access.rootCertificate, 'base64')), key);
    if (!pkcs8) {
      throw new RootkeeperError(
        'STORE_DAMAGED',
        'The shares are genuine but do not open the root slot: the store file was altered.',
      );
    }
    return { pkcs8, present: present.slice(0, slot.threshold) };
  } finally {
    wipe(key);
    for (const share of shares) wipe(share.data);
  }
}
