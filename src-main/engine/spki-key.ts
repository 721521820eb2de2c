/**
 * A public key as a Node KeyObject, from its SubjectPublicKeyInfo DER.
 * OpenSSL 3's DER decoder costs about 0.25 ms a key (a CSR's signature
 * check is most of its reading cost in a batch); a P-256 or P-384 key in
 * its one canonical encoding (named curve, uncompressed point) is imported
 * from its coordinates instead, as a JWK, in about 0.1 ms. OpenSSL checks
 * the point is on the curve either way; test/unit/engine/spki-key.test.ts
 * proves the two imports give the same key.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';

/** The fixed bytes of each canonical SPKI, up to and including the uncompressed point's 0x04. */
const EC_PREFIXES = [
  { crv: 'P-256', prefix: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex'), size: 32 },
  { crv: 'P-384', prefix: Buffer.from('3076301006072a8648ce3d020106052b8104002203620004', 'hex'), size: 48 },
] as const;

export function publicKeyObject(spki: Uint8Array): KeyObject {
  const der = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
  for (const { crv, prefix, size } of EC_PREFIXES) {
    if (der.length !== prefix.length + 2 * size || !der.subarray(0, prefix.length).equals(prefix)) continue;
    const x = der.subarray(prefix.length, prefix.length + size).toString('base64url');
    const y = der.subarray(prefix.length + size).toString('base64url');
    return createPublicKey({ key: { kty: 'EC', crv, x, y }, format: 'jwk' });
  }
  return createPublicKey({ key: der, format: 'der', type: 'spki' });
}
