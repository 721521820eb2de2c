/**
 * Moving a passphrase (or shares) root onto a PKCS#11 token: the sealed key
 * is opened once, created on the token as a sensitive, non-extractable
 * object, and the token's key is checked twice — its public key is the root
 * certificate's, and a signature it makes verifies under the certificate —
 * before anything is journaled. With `replaceSlot` the store's root slot
 * becomes the token slot (the sealed copy is gone from the store file);
 * without it both stay, and the root can be used either way. There is no way
 * back: a key on a token cannot be read out.
 */
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { rejected } from '../../../shared/errors';
import type { SealedRootSource } from '../../custody/root-source';
import { openToken } from '../../custody/token/pkcs11-token';
import { destroyObjects, importToToken } from '../../custody/token/token-import';
import { checkKeyId, findTokenKey } from '../../custody/token/token-key';
import type { TokenSlot } from '../../custody/token/token-slot';
import { wipe } from '../../vault/secrets';
import { sha256Hex, tokenSlotOf } from '../keyring';
import { rootAccessOf, type SessionCore } from './core';

export interface TokenTarget {
  readonly modulePath: string;
  readonly serial: string;
  readonly pin: string;
  readonly keyId?: string;
}

export interface MovedRoot {
  readonly serial: string;
  readonly keyId: string;
  /** Whether the store's root slot is now the token slot (else the sealed root stays beside the token's copy). */
  readonly rootSlotReplaced: boolean;
}

export function moveRootToToken(
  core: SessionCore,
  source: SealedRootSource,
  target: TokenTarget,
  replaceSlot: boolean,
): Promise<MovedRoot> {
  return core.exclusive(async () => {
    if (tokenSlotOf(core.parts.keyring)) throw rejected('policy', 'The root key already lives on a token.');
    const keyId = (target.keyId ?? randomBytes(8).toString('hex')).toLowerCase();
    // The token first: present, PIN right, key id free — before the root is opened.
    const token = openToken({ modulePath: target.modulePath, serial: target.serial });
    try {
      await checkKeyId(token, { pin: target.pin, keyId });
      const { pkcs8 } = await source.unseal(rootAccessOf(core));
      let made;
      try {
        made = importToToken(token, pkcs8, keyId);
      } finally {
        wipe(pkcs8);
      }
      try {
        await checkTokenKey(core, token, keyId);
      } catch (error) {
        destroyObjects(made);
        throw error;
      }
      const root = core.rootCertificate();
      const slot: TokenSlot = {
        kind: 'token',
        serial: token.info.serial,
        keyId,
        moduleHint: target.modulePath,
        rootCertificateSha256: sha256Hex(new Uint8Array(root.rawData)),
        createdAt: new Date().toISOString(),
      };
      const imported = {
        type: 'root-token' as const,
        at: slot.createdAt,
        serial: slot.serial,
        keyId,
        action: 'imported' as const,
      };
      // The token slot replaces the sealed one in the record's own transaction (core.ts changeKeyring).
      if (replaceSlot)
        await core.changeKeyring(
          'root-token',
          { ...core.parts.keyring, slots: { ...core.parts.keyring.slots, root: slot } },
          imported,
        );
      else await core.record([imported]);
      return { serial: slot.serial, keyId, rootSlotReplaced: replaceSlot };
    } finally {
      token.close();
    }
  });
}

/** The token's key is the root's: same public key, and a signature it makes verifies under the certificate. */
async function checkTokenKey(core: SessionCore, token: ReturnType<typeof openToken>, keyId: string): Promise<void> {
  const pair = await findTokenKey(token, keyId);
  const root = core.rootCertificate();
  const rootSpki = Buffer.from(root.publicKey.rawData);
  if (!rootSpki.equals(pair.spki)) {
    throw rejected('policy', `The key created on token ${token.info.serial} is not the root's: nothing was kept.`);
  }
  const challenge = randomBytes(32);
  const algorithm = pair.privateKey.algorithm as { name: string; namedCurve?: string };
  const ec = algorithm.name === 'ECDSA';
  const signature = Buffer.from(
    await pair.provider.subtle.sign(
      ec ? { name: 'ECDSA', hash: 'SHA-256' } : { name: algorithm.name, hash: 'SHA-256' },
      pair.privateKey as never,
      challenge,
    ),
  );
  const publicKey = createPublicKey({ key: rootSpki, format: 'der', type: 'spki' });
  const ok = verify('sha256', challenge, ec ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey, signature);
  if (!ok)
    throw rejected('policy', `The key on token ${token.info.serial} does not sign for the root: nothing was kept.`);
}
