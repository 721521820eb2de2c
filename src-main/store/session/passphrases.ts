/**
 * Passphrase changes: the slot of the store file is re-sealed under the new
 * passphrase after the current one opened it.
 */
import { wipe } from '../../vault/secrets';
import { rejected } from '../../../shared/errors';
import type { KdfCost } from '../../vault/kdf';
import { keyringText, noRootPassphrase, openSlot, sealSlot, type Keyring } from '../keyring';
import { STORE_FILE } from '../layout';
import { changeStoreFiles as changeFiles } from '../transaction';
import { checkNewPassphrase } from '../passphrase-policy';
import { throttled } from '../throttle';
import type { SessionCore } from './core';

/** Changes a passphrase: only the store file's slot is rewritten; nothing else is re-encrypted. */
export function changePassphrase(
  core: SessionCore,
  which: 'root' | 'operator',
  current: string,
  next: string,
  cost?: KdfCost,
): Promise<void> {
  return core.exclusive(async () => {
    const { parts } = core;
    const purpose = which === 'root' ? 'root-private-key' : 'operator-data-key';
    let keyring: Keyring;
    const { value: secret } = await throttled(parts.throttle, `${parts.dir}#${which}`, () =>
      openSlot(parts.keyring, purpose, current, parts.kdfPolicy, which),
    );
    try {
      await checkNewPassphrase(parts.keyring, which, next, parts.kdfPolicy, rootSubjectWords(core));
      const slot = await sealSlot(
        parts.keyring,
        purpose,
        next,
        cost ?? slotCost(parts.keyring, which),
        secret,
        parts.keyring.certificates.root,
      );
      keyring = { ...parts.keyring, slots: { ...parts.keyring.slots, [which]: slot } };
    } finally {
      wipe(secret);
    }
    // Staged, journaled, then put in place (store/transaction.ts): a crash opens with the old or the new passphrase.
    await changeFiles(core, 'passphrase', [{ name: STORE_FILE, data: keyringText(keyring) }], {
      type: 'passphrase-changed',
      at: new Date().toISOString(),
      which,
    });
    parts.keyring = keyring;
  });
}

/** Words of the root's subject, which a new passphrase must not be built from. */
function rootSubjectWords(core: SessionCore): string[] {
  return core
    .rootCertificate()
    .subject.split(/[=,\s]+/)
    .filter((word) => word.length > 2);
}

function slotCost(keyring: Keyring, which: 'root' | 'operator'): KdfCost {
  const slot = keyring.slots[which];
  if ('kind' in slot) throw rejected('policy', noRootPassphrase(slot)!);
  const { memoryKiB, passes, parallelism } = slot.kdf;
  return { memoryKiB, passes, parallelism };
}
