/** What a root key source may see and use of a store: its root slot, the unlock throttle, the passphrase slot's opener. */
import type { RootSlotAccess } from '../custody/root-source';
import type { KdfPolicy } from '../vault/kdf';
import { openSlot, sharesSlotOf, tokenSlotOf, type Keyring } from './keyring';
import { throttled, type UnlockThrottle } from './throttle';

export function rootSlotAccess(
  dir: string,
  keyring: Keyring,
  throttle: UnlockThrottle,
  kdfPolicy: KdfPolicy | undefined,
): RootSlotAccess {
  return {
    storeId: keyring.storeId,
    rootCertificate: keyring.certificates.root,
    sharesSlot: sharesSlotOf(keyring),
    tokenSlot: tokenSlotOf(keyring),
    ...(kdfPolicy ? { kdfPolicy } : {}),
    throttled: async (attempt) => (await throttled(throttle, `${dir}#root`, attempt)).value,
    openPassphraseSlot: (passphrase) => openSlot(keyring, 'root-private-key', passphrase, kdfPolicy, 'root'),
  };
}
