/**
 * Root custody on the wire: shares given to unlock the root, the M-of-N
 * plan of a new share set, and the ceremony record's destination and
 * witnesses. Shares and PINs travel main-ward only; no response carries one.
 */
import * as v from 'valibot';

const Text = v.pipe(v.string(), v.maxLength(4096));
const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const Secret = v.pipe(v.string(), v.maxLength(1024));
const Destination = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));

/** One custodian's share: a share file's text or its words, and the PIN if the share is protected. */

/** A custodian's share PIN: its shortest length, checked as typed and again main-side (custody/share-file.ts). */
export const MIN_SHARE_PIN_LENGTH = 6;
export const ShareInputSchema = v.strictObject({
  text: v.pipe(v.string(), v.maxLength(16 * 1024)),
  /** Where it came from ("share-2-Alan-Turing.txt", "custodian 2"), for messages. */
  label: Text,
  pin: v.optional(Secret),
});

export const RootShares = v.pipe(v.array(ShareInputSchema), v.minLength(1), v.maxLength(16));

/** A root made on a PKCS#11 token: which module and token, the PIN(s), and the key id (new or existing). */
export const RootTokenPlanSchema = v.strictObject({
  /** The module's absolute path (a known one, or chosen by the officer). */
  module: Destination,
  serial: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  pin: Secret,
  soPin: v.optional(Secret),
  keyId: v.optional(v.pipe(v.string(), v.regex(/^(?:[0-9A-Fa-f]{2}){1,64}$/, 'must be a key id in hex'))),
  /** Use the key already on the token with `keyId` instead of generating one. */
  useExistingKey: v.optional(v.boolean()),
});

/** An intermediate's issuing key on a PKCS#11 token (no SO PIN: the token generates as the user or holds a key already). */
export const IntermediateTokenPlanSchema = v.strictObject({
  module: Destination,
  serial: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  pin: Secret,
  keyId: v.optional(v.pipe(v.string(), v.regex(/^(?:[0-9A-Fa-f]{2}){1,64}$/, 'must be a key id in hex'))),
  useExistingKey: v.optional(v.boolean()),
});

/** The custodians of a new share set: M of these N rebuild the root key. */
export const CustodyPlanSchema = v.strictObject({
  threshold: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(16)),
  custodians: v.pipe(v.array(v.strictObject({ name: Name, pin: v.nullable(Secret) })), v.minLength(2), v.maxLength(16)),
  /** The folder the share files and cards go to. */
  shareOut: Destination,
});

/** One confirmed step: when (an ISO 8601 UTC time) and what, in words. */
function CeremonyCheckSchema() {
  return v.strictObject({
    at: v.pipe(v.string(), v.isoTimestamp()),
    step: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  });
}

export const CeremonyRequestSchema = v.strictObject({
  /** The folder the record goes to (a USB stick). */
  destination: Destination,
  witnesses: v.pipe(v.array(Name), v.maxLength(32)),
  /** The steps the officer confirmed one by one in the app's ceremony wizard, with their UTC times, recorded first. */
  checklist: v.optional(v.pipe(v.array(CeremonyCheckSchema()), v.maxLength(32))),
});

export const WrittenRecordSchema = v.strictObject({
  folder: v.string(),
  json: v.string(),
  sha256: v.string(),
  files: v.array(v.string()),
});

const CustodianRef = v.strictObject({ index: v.number(), name: v.string() });

export const CustodyResultSchema = v.strictObject({
  threshold: v.number(),
  total: v.number(),
  setId: v.string(),
  custodians: v.array(CustodianRef),
  replaces: v.nullable(v.string()),
  shareFiles: v.array(v.string()),
  ceremonyRecord: v.nullable(WrittenRecordSchema),
});

export const CustodyStatusSchema = v.strictObject({
  mode: v.picklist(['passphrase', 'shares', 'token']),
  /** Where the root key lives when `mode` is token: nothing secret. */
  token: v.optional(v.strictObject({ serial: v.string(), keyId: v.string(), moduleHint: v.string() })),
  threshold: v.nullable(v.number()),
  total: v.nullable(v.number()),
  setId: v.nullable(v.string()),
  sharesMadeAt: v.nullable(v.string()),
  custodians: v.array(v.strictObject({ index: v.number(), name: v.string(), pin: v.boolean() })),
});

export const VerifiedShareSchema = v.strictObject({
  index: v.number(),
  total: v.number(),
  threshold: v.number(),
  custodian: v.string(),
  setId: v.string(),
});
