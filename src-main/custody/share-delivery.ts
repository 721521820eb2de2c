/**
 * A new share set made ready for its custodians: the custody key split,
 * each share's text file (sealed under the custodian's PIN if they chose
 * one) and printable card, and the custodian list the root slot keeps.
 */
import { randomBytes } from 'node:crypto';
import { rejected } from '../../shared/errors';
import type { KdfCost } from '../vault/kdf';
import { wipe } from '../vault/secrets';
import { sealSharesSlot, shareDigest, type Custodian, type SharesSlot } from './custody-slot';
import { shareCard } from './share-card';
import { checkPin, sealedShareText, shareFileName, shareText, type ShareFacts } from './share-file';
import { CUSTODY_KEY_BYTES, checkQuorum, splitKey } from './split';

export interface CustodianPlan {
  readonly name: string;
  /** The custodian's own PIN for their share file, or null for none. */
  readonly pin: string | null;
}

export interface CustodyPlan {
  readonly threshold: number;
  readonly custodians: readonly CustodianPlan[];
}

export interface ShareFileOut {
  readonly name: string;
  readonly data: string | Uint8Array;
}

export interface PreparedCustody {
  readonly slot: SharesSlot;
  readonly files: readonly ShareFileOut[];
}

/** Refuses a plan before any key is made: M-of-N, names (distinct, printable, distinct file names), PINs. */
export function checkCustodyPlan(plan: CustodyPlan): void {
  checkQuorum(plan.threshold, plan.custodians.length);
  const names = new Set<string>();
  const files = new Set<string>();
  plan.custodians.forEach((custodian, position) => {
    const name = custodian.name.normalize('NFC').trim();
    // eslint-disable-next-line no-control-regex
    if (name === '' || name.length > 128 || /[\u0000-\u001f\u007f]/.test(name)) {
      throw rejected('invalid-name', `Custodian ${position + 1} needs a name of 1 to 128 printable characters.`);
    }
    if (names.has(name.toLowerCase())) throw rejected('duplicate-name', `Two custodians are named "${name}".`);
    const file = shareFileName(position + 1, name, 'txt').toLowerCase();
    if (files.has(file)) throw rejected('duplicate-name', `Two custodians' share files would both be ${file}.`);
    names.add(name.toLowerCase());
    files.add(file);
    if (custodian.pin !== null) checkPin(custodian.pin, name);
  });
}

/**
 * Splits a fresh custody key, seals the root's PKCS#8 under it, and renders
 * every share. The key is wiped before this returns; only the shares hold it.
 */
export async function prepareCustody(
  plan: CustodyPlan,
  store: { storeId: string; rootCertificateSha256: string; facts: Omit<ShareFacts, 'custodian' | 'madeAt'> },
  pkcs8: Buffer,
  pinCost: KdfCost,
): Promise<PreparedCustody> {
  checkCustodyPlan(plan);
  const key = randomBytes(CUSTODY_KEY_BYTES);
  try {
    const set = await splitKey(key, store.storeId, plan.threshold, plan.custodians.length);
    const madeAt = new Date().toISOString();
    const files: ShareFileOut[] = [];
    const custodians: Custodian[] = [];
    for (const [position, custodian] of plan.custodians.entries()) {
      const share = set.shares[position]!;
      const name = custodian.name.normalize('NFC').trim();
      const facts: ShareFacts = { ...store.facts, custodian: name, madeAt };
      const sealed = custodian.pin === null ? undefined : await sealedShareText(share, facts, custodian.pin, pinCost);
      files.push({ name: shareFileName(share.index, name, 'txt'), data: sealed ?? shareText(share, facts) });
      files.push({ name: shareFileName(share.index, name, 'pdf'), data: await shareCard(share, facts, sealed) });
      custodians.push({
        index: share.index,
        name,
        digest: shareDigest(store.storeId, share),
        pin: custodian.pin !== null,
      });
    }
    const slot = sealSharesSlot(
      store.storeId,
      {
        kind: 'shares',
        threshold: set.threshold,
        total: set.total,
        setId: set.setId,
        createdAt: madeAt,
        custodians,
      },
      store.rootCertificateSha256,
      key,
      pkcs8,
    );
    for (const share of set.shares) wipe(share.data);
    return { slot, files };
  } finally {
    wipe(key);
  }
}
