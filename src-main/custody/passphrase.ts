/** The root sealed under the root passphrase: the store's original root key source. */
import { rejected } from '../../shared/errors';
import { x509 } from '../engine/x509';
import { signerFromPkcs8, type RootSlotAccess, type SealedRootSource } from './root-source';

export function passphraseSource(passphrase: string): SealedRootSource {
  const source: SealedRootSource = {
    kind: 'passphrase',
    async unseal(access: RootSlotAccess) {
      if (access.sharesSlot) {
        throw rejected(
          'policy',
          `The root is held by custodians, ${access.sharesSlot.threshold} of ${access.sharesSlot.total} shares needed: give their shares (--root-share) instead of a root passphrase.`,
        );
      }
      if (access.tokenSlot) throw tokenHeld(access.tokenSlot.serial);
      const pkcs8 = await access.throttled(() => access.openPassphraseSlot(passphrase));
      return { pkcs8, present: [] };
    },
    async signer(access: RootSlotAccess) {
      const { pkcs8, present } = await source.unseal(access);
      return signerFromPkcs8(pkcs8, rootCertificateOf(access), present);
    },
  };
  return source;
}

export function rootCertificateOf(access: RootSlotAccess): x509.X509Certificate {
  return new x509.X509Certificate(Buffer.from(access.rootCertificate, 'base64'));
}

/** The refusal a sealed source gives when the root key lives on a token. */
export function tokenHeld(serial: string) {
  return rejected(
    'policy',
    `The root key lives on PKCS#11 token ${serial}: give the token's PIN (--root-pin-passin) instead of a root passphrase or shares.`,
  );
}
