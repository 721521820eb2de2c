/**
 * Passphrase changes. The operator passphrase wraps the data key, so a new
 * operator passphrase brings a new data key: a new journal epoch (epochs.ts)
 * whose records, head and backups an old copy of the store file and the old
 * passphrase cannot open. The earlier data keys stay reachable, wrapped
 * under the new one, so nothing old is re-encrypted. A new root passphrase
 * re-seals the root's key under a key derived from it with a fresh salt.
 *
 * Crash safety: the store file's rename is the commit point. Until then the
 * old state is whole; after it, the head and the key files may still be
 * under the old data key, which opening recognises and finishes (store.ts).
 */
import { randomBytes } from 'node:crypto';
import { wipe } from '../../vault/secrets';
import type { KdfCost } from '../../vault/kdf';
import { readKeyFile, writeKeyFile } from '../key-file';
import { nextEpoch } from '../epochs';
import { openSlot, sealSlot, sha256Hex, type Keyring } from '../keyring';
import { INTERMEDIATE_KEY_FILE, PENDING_KEY_FILE } from '../layout';
import { checkNewPassphrase } from '../passphrase-policy';
import { throttled } from '../throttle';
import type { SessionCore } from './core';

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
    await core.record([{ type: 'passphrase-changed', at: new Date().toISOString(), which }]);
  });
}

/** The root's key under the new passphrase (a fresh salt, so a new key-encryption key). */
async function resealRoot(core: SessionCore, next: string, cost: KdfCost, rootPkcs8: Buffer): Promise<void> {
  const keyring = core.parts.keyring;
  const slot = await sealSlot(keyring, 'root-private-key', next, cost, rootPkcs8, keyring.certificates.root);
  await core.saveKeyring({ ...keyring, slots: { ...keyring.slots, root: slot } });
}

/**
 * A new data key under the new operator passphrase. Records from the next
 * one on are sealed with it; the key files are re-sealed with it after the
 * store file is written.
 */
async function rekeyOperator(core: SessionCore, next: string, cost: KdfCost): Promise<void> {
  const { parts } = core;
  const dataKey = randomBytes(32);
  try {
    const slot = await sealSlot(parts.keyring, 'operator-data-key', next, cost, dataKey);
    const withSlot: Keyring = { ...parts.keyring, slots: { ...parts.keyring.slots, operator: slot } };
    // After saveKeyring's intent record: the first record sealed under the new key.
    const firstSequence = parts.writer.current.sequence + 2;
    const keyKeys = keyFiles(core);
    const pkcs8s = await Promise.all(keyKeys.map((file) => file.read()));
    try {
      await core.saveKeyring(nextEpoch(withSlot, parts.dataKey, dataKey, firstSequence), dataKey);
      for (const [index, file] of keyKeys.entries()) await file.write(pkcs8s[index]!);
    } finally {
      wipe(...pkcs8s);
    }
  } catch (error) {
    // Until saveKeyring took it over, the new key is ours to wipe; after, the session's (it is the same buffer).
    if (core.parts.dataKey !== dataKey) wipe(dataKey);
    throw error;
  }
}

/** The key files present, each able to read its key (under the current data key) and write it (under the session's). */
function keyFiles(core: SessionCore) {
  const { parts } = core;
  const inventory = parts.inventory;
  const files: { name: string; boundTo: string; purpose: 'intermediate-key' | 'pending-intermediate-key' }[] = [];
  if (inventory.intermediate)
    files.push({
      name: INTERMEDIATE_KEY_FILE,
      purpose: 'intermediate-key',
      boundTo: sha256Hex(Buffer.from(inventory.intermediate.certificate, 'base64')),
    });
  if (inventory.pendingRequest)
    files.push({
      name: PENDING_KEY_FILE,
      purpose: 'pending-intermediate-key',
      boundTo: sha256Hex(Buffer.from(inventory.pendingRequest.csr, 'base64')),
    });
  return files.map((file) => {
    const binding = { storeId: core.storeId, purpose: file.purpose, boundTo: file.boundTo };
    return {
      read: () => readKeyFile(parts.dir, file.name, binding, core.keys.intermediate),
      write: (pkcs8: Buffer) => writeKeyFile(parts.dir, file.name, binding, core.keys.intermediate, pkcs8),
    };
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
  const { memoryKiB, passes, parallelism } = keyring.slots[which].kdf;
  return { memoryKiB, passes, parallelism };
}
