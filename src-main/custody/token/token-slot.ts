/**
 * The root slot of a store whose root key lives on a PKCS#11 token: no key,
 * only where to find it — the token's serial, the key's CKA_ID, the module
 * path as a hint — bound to the root certificate by its SHA-256 (as the
 * other slots are, through their AEAD header) and to the key by its public
 * half, compared with the certificate's at every use.
 */
import * as v from 'valibot';

const Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]+$/));

export const TokenSlotSchema = v.strictObject({
  kind: v.literal('token'),
  /** CK_TOKEN_INFO.serialNumber, as the token reports it. */
  serial: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  /** CKA_ID of the key pair, hex. */
  keyId: v.pipe(Hex, v.minLength(2), v.maxLength(128)),
  /** The module the key was made through; --root-pkcs11-module overrides it. */
  moduleHint: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
  /** SHA-256 of the root certificate this slot belongs to. */
  rootCertificateSha256: v.pipe(Hex, v.length(64)),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
});

export type TokenSlot = v.InferOutput<typeof TokenSlotSchema>;
