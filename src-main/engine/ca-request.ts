/**
 * A CSR for an intermediate whose root lives on another machine: the root's
 * officer signs it there, and the certificate comes back to be imported.
 */
import type { DistinguishedName } from '../../shared/validators/distinguished-name';
import { signatureAlgorithmFor } from './keys';
import { toX509Name } from './names';
import { publicKeyOf, type SubjectKey } from './profiles/common';
import { x509, type CryptoKeyPair } from './x509';

export async function createCaRequest(subject: DistinguishedName, keys: CryptoKeyPair): Promise<Uint8Array> {
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: toX509Name(subject),
    keys: keys as never,
    signingAlgorithm: signatureAlgorithmFor(keys.privateKey) as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return new Uint8Array(request.rawData);
}

/** True when the certificate certifies exactly this public key (compared as SubjectPublicKeyInfo bytes). */
export async function certificateMatchesKey(certificate: x509.X509Certificate, key: SubjectKey): Promise<boolean> {
  const spki = new Uint8Array((await publicKeyOf(key)).rawData);
  return Buffer.from(certificate.publicKey.rawData).equals(spki);
}
