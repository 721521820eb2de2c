/**
 * Passphrase changes. The operator passphrase wraps the data key, so a new
 * operator passphrase brings a new data key: a new journal epoch (epochs.ts)
 * whose records, head and backups an old copy of the store file and the old
 * passphrase cannot open. The earlier data keys stay reachable, wrapped
 * under the new one, so nothing old is re-encrypted; the key files are
 * re-sealed under the new one. A new root passphrase re-seals the root's key
 * under a key derived from it with a fresh salt.
 *
 * Crash safety: the new store file (and re-sealed key files) are staged,
 * `passphrase-changed` commits them, then they are put in place
 * (core.ts changeKeyring, store/transaction.ts): a crash opens with exactly
 * one of the two passphrases.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { subkey, wipe } from '../../vault/secrets';
import { rejected } from '../../../shared/errors';
import type { KdfCost } from '../../vault/kdf';
import { keyFileText, readKeyFile } from '../key-file';
import { nextEpoch } from '../epochs';
import { noRootPassphrase, openSlot, sealSlot, sha256Hex, type Keyring } from '../keyring';
import { PENDING_KEY_FILE } from '../layout';
import { checkNewPassphrase } from '../passphrase-policy';
import { throttled } from '../throttle';
import type { StagedFile } from '../transaction';
import { KEYRING_CHANGE_RECORDS, type SessionCore } from './core';

/** Changes a passphrase after the current one opened its slot. */
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
    const opened = await throttled(parts.throttle, { dir: parts.dir, which }, () =>
      openSlot(parts.keyring, purpose, current, parts.kdfPolicy, which),
    );
    const secret = opened.value;
    try {
      await core.recordFailures(which, opened.failures);
      await opened.clear();
      await checkNewPassphrase(parts.keyring, which, next, parts.kdfPolicy, rootSubjectWords(core));
      const slotCostNow = cost ?? slotCost(parts.keyring, which);
      if (which === 'root') await resealRoot(core, next, slotCostNow, secret);
      else await rekeyOperator(core, next, slotCostNow);
    } finally {
      wipe(secret);
    }
  });
}

function committed(which: 'root' | 'operator') {
  return { type: 'passphrase-changed' as const, at: new Date().toISOString(), which };
}

/** The root's key under the new passphrase (a fresh salt, so a new key-encryption key). */
async function resealRoot(core: SessionCore, next: string, cost: KdfCost, rootPkcs8: Buffer): Promise<void> {
  const keyring = core.parts.keyring;
  const slot = await sealSlot(keyring, 'root-private-key', next, cost, rootPkcs8, keyring.certificates.root);
  await core.changeKeyring('passphrase', { ...keyring, slots: { ...keyring.slots, root: slot } }, committed('root'));
}

/**
 * A new data key under the new operator passphrase: the new store file (its
 * slot, the new epoch, the earlier data keys wrapped under the new one) and
 * the key files re-sealed under it, staged and committed together. Records
 * from the change's end on are sealed with it.
 */
async function rekeyOperator(core: SessionCore, next: string, cost: KdfCost): Promise<void> {
  const { parts } = core;
  const dataKey = randomBytes(32);
  try {
    const slot = await sealSlot(parts.keyring, 'operator-data-key', next, cost, dataKey);
    const withSlot: Keyring = { ...parts.keyring, slots: { ...parts.keyring.slots, operator: slot } };
    const firstSequence = parts.writer.current.sequence + KEYRING_CHANGE_RECORDS;
    const staged = await resealedKeyFiles(core, dataKey);
    await core.changeKeyring(
      'passphrase',
      nextEpoch(withSlot, parts.dataKey, dataKey, firstSequence),
      committed('operator'),
      staged,
      dataKey,
    );
  } catch (error) {
    // Until the change put it in place, the new key is ours to wipe; after, the session's (the same buffer).
    if (core.parts.dataKey !== dataKey) wipe(dataKey);
    throw error;
  }
}

/** The key files present, read under the current data key and sealed again under `dataKey`, for staging. */
async function resealedKeyFiles(core: SessionCore, dataKey: Buffer): Promise<StagedFile[]> {
  const { parts } = core;
  const inventory = parts.inventory;
  const files: { name: string; boundTo: string; purpose: 'intermediate-key' | 'pending-intermediate-key' }[] = [];
  // Every generation's key file, retired and expired ones too: each must still open under the new data key.
  for (const generation of inventory.intermediates.values())
    if (generation.keyFile && existsSync(path.join(parts.dir, generation.keyFile)))
      files.push({
        name: generation.keyFile,
        purpose: 'intermediate-key',
        boundTo: sha256Hex(Buffer.from(generation.certificate, 'base64')),
      });
  if (inventory.pendingRequest)
    files.push({
      name: PENDING_KEY_FILE,
      purpose: 'pending-intermediate-key',
      boundTo: sha256Hex(Buffer.from(inventory.pendingRequest.csr, 'base64')),
    });
  const newKey = subkey(dataKey, 'intermediate-key', core.storeId);
  try {
    const staged: StagedFile[] = [];
    for (const file of files) {
      const binding = { storeId: core.storeId, purpose: file.purpose, boundTo: file.boundTo };
      const pkcs8 = await readKeyFile(parts.dir, file.name, binding, core.keys.intermediate);
      try {
        staged.push({ name: file.name, data: keyFileText(binding, newKey, pkcs8) });
      } finally {
        wipe(pkcs8);
      }
    }
    return staged;
  } finally {
    wipe(newKey);
  }
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
