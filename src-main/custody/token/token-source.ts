/**
 * The root on a PKCS#11 token: the store's token slot says which token
 * (serial) and which key (CKA_ID); the officer gives the PIN. For one
 * operation the token is opened, logged in, its key checked against the root
 * certificate's public key, and the signer signs through the token's
 * WebCrypto; releasing it logs out and closes the session. Nothing is
 * decrypted here and nothing of the key is ever read.
 */
import { rejected } from '../../../shared/errors';
import { rootCertificateOf } from '../passphrase';
import { signerFromKey, type RootKeySource, type RootSigner, type RootSlotAccess } from '../root-source';
import { sha256Hex } from '../hash';
import { openToken, type OpenToken } from './pkcs11-token';
import { findTokenKey } from './token-key';
import type { TokenSlot } from './token-slot';

export interface TokenCredential {
  /** The token's user PIN. */
  readonly pin: string;
  /** The module to load instead of the store's hint. */
  readonly modulePath?: string;
}

export function tokenSource(credential: TokenCredential): RootKeySource {
  return {
    kind: 'token',
    async signer(access: RootSlotAccess): Promise<RootSigner> {
      const slot = access.tokenSlot;
      if (!slot) {
        throw rejected(
          'policy',
          access.sharesSlot
            ? 'The root is held by custodians in shares, not on a token: give their shares (--root-share).'
            : 'The root is sealed under the root passphrase, not on a token: give --root-passin.',
        );
      }
      if (slot.rootCertificateSha256 !== sha256Hex(Buffer.from(access.rootCertificate, 'base64'))) {
        throw rejected('policy', 'The store file’s token slot belongs to another root certificate.');
      }
      const token = openToken({ modulePath: credential.modulePath ?? slot.moduleHint, serial: slot.serial });
      try {
        // A wrong PIN counts against the store's throttle like a wrong passphrase (and against the token's own counter).
        await access.throttled(async () => token.login(credential.pin));
        return await tokenSigner(token, slot, access);
      } catch (error) {
        token.close();
        throw error;
      }
    },
  };
}

/** The token's key, refused unless its public half is the root certificate's. */
async function tokenSigner(token: OpenToken, slot: TokenSlot, access: RootSlotAccess): Promise<RootSigner> {
  const pair = await findTokenKey(token, slot.keyId);
  const certificate = rootCertificateOf(access);
  const rootSpki = Buffer.from(certificate.publicKey.rawData);
  if (!rootSpki.equals(pair.spki)) {
    throw rejected(
      'not-found',
      `The key with id ${slot.keyId} on token ${slot.serial} is not the root's key: its public key differs from the root certificate's.`,
    );
  }
  return signerFromKey({
    key: pair.privateKey,
    provider: pair.provider,
    certificate,
    present: [],
    token: { serial: slot.serial, keyId: slot.keyId },
    release: () => token.close(),
  });
}
