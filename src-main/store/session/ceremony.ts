/**
 * The end of a ceremony inside a root operation: the record written and
 * signed while the root is still unlocked, then journaled.
 */
import { keptInJournal, type CeremonyHook } from '../../custody/ceremony-record';
import type { RootSigner } from '../../custody/root-source';
import { fingerprints } from '../../engine/formats/certificates';
import type { JournalHead } from '../../../shared/domain/journal';
import { sharesSlotOf, type Keyring } from '../keyring';
import type { SessionCore } from './core';

export function custodyFacts(keyring: Keyring) {
  const slot = sharesSlotOf(keyring);
  return slot ? { threshold: slot.threshold, total: slot.total, setId: slot.setId } : null;
}

/** The first lines of a root operation's record: who opened the root, and that it was opened. */
export function rootUnlocked(ceremony: CeremonyHook | undefined, signer: RootSigner): void {
  ceremony?.log.present(signer.present);
  const token = signer.token;
  ceremony?.log.step(
    token
      ? `The root key was used on PKCS#11 token ${token.serial} (key id ${token.keyId}), logged in with its PIN.`
      : 'The root key was unlocked for this operation.',
  );
}

export async function finishCeremony(
  core: SessionCore,
  ceremony: CeremonyHook | undefined,
  signer: RootSigner,
  before: JournalHead,
): Promise<void> {
  if (!ceremony) return;
  const root = core.rootCertificate();
  const written = await ceremony.write(
    {
      store: {
        id: core.storeId,
        rootSubject: root.subject,
        rootSha256: fingerprints(new Uint8Array(root.rawData)).sha256,
      },
      custody: custodyFacts(core.parts.keyring),
      journal: { before, after: core.parts.writer.current },
    },
    signer,
    new Uint8Array(root.rawData),
  );
  await core.record([
    {
      type: 'ceremony-recorded',
      at: new Date().toISOString(),
      operation: ceremony.log.operation,
      file: written.json,
      sha256: written.sha256,
      ...keptInJournal(ceremony),
    },
  ]);
}
