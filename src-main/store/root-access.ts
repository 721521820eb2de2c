/** What a root key source may see and use of a store: its root slot, the unlock throttle, the passphrase slot's opener. */
import type { RootSlotAccess } from '../custody/root-source';
import type { KdfPolicy } from '../vault/kdf';
import { openSlot, sharesSlotOf, tokenSlotOf, type Keyring } from './keyring';
import { throttled, type FailureSummary, type UnlockThrottle } from './throttle';

/** A successful root unlock's earlier failures, and how to clear them once they are journaled. */
export interface RootOpened {
  readonly failures: FailureSummary | null;
  clear(): Promise<void>;
}

/**
 * `opened` hears of every successful attempt, so the caller can journal the
 * failures that came before it (throttle.ts); by default they are cleared.
 */
export function rootSlotAccess(
  dir: string,
  keyring: Keyring,
  throttle: UnlockThrottle,
  kdfPolicy: KdfPolicy | undefined,
  opened: (result: RootOpened) => void = (result) => void result.clear(),
): RootSlotAccess {
  return {
    storeId: keyring.storeId,
    rootCertificate: keyring.certificates.root,
    sharesSlot: sharesSlotOf(keyring),
    tokenSlot: tokenSlotOf(keyring),
    ...(kdfPolicy ? { kdfPolicy } : {}),
    throttled: async (attempt) => {
      const result = await throttled(throttle, { dir, which: 'root' }, attempt);
      opened(result);
      return result.value;
    },
    openPassphraseSlot: (passphrase) => openSlot(keyring, 'root-private-key', passphrase, kdfPolicy, 'root'),
  };
}
