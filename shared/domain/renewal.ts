/**
 * Batch renewal, the offline answer to "automate renewal": every valid
 * certificate expiring soon (or the ones chosen) renewed in one operation;
 * those whose key came with a request are listed for their owners instead.
 */
import * as v from 'valibot';
import { WrittenFolderSchema } from './certificates';
import { KEY_ALGORITHMS } from './pki';

const Serial = v.pipe(v.string(), v.regex(/^[0-9A-Fa-f:]{1,64}$/, 'must be a hex serial number'));

export const RenewBatchRequestSchema = v.strictObject({
  /** Every valid certificate expiring within this many days; or give `serials`. */
  expiringWithinDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3650))),
  /** The certificates chosen (the GUI's selection); each must be valid. */
  serials: v.optional(v.pipe(v.array(Serial), v.minLength(1), v.maxLength(100_000))),
  /** "same" re-signs each public key (bundles without keys); a key type makes a new key here for each. */
  key: v.picklist(['same', ...KEY_ALGORITHMS]),
  days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9132))),
  /** For new keys: the passphrase that encrypts each; null writes them unencrypted. */
  keyPassphrase: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1024)))),
  destination: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
  force: v.optional(v.boolean()),
});

const Listed = {
  serial: v.string(),
  subject: v.string(),
  notAfter: v.string(),
};

export const RenewBatchResponseSchema = v.strictObject({
  renewed: v.array(
    v.strictObject({
      oldSerial: v.string(),
      newSerial: v.string(),
      subject: v.string(),
      notAfter: v.string(),
      folder: v.string(),
      files: WrittenFolderSchema.entries.files,
    }),
  ),
  /** Issued from a request (or imported): the owner sends a new request; nothing was signed for them. */
  needRequest: v.array(v.strictObject({ ...Listed, why: v.picklist(['csr', 'imported']) })),
  /** Renewed before (by the certificate named): not renewed again. */
  alreadyRenewed: v.array(v.strictObject({ ...Listed, renewedBy: v.string() })),
});
export type RenewBatchResponse = v.InferOutput<typeof RenewBatchResponseSchema>;

/** What a renewal of the chosen certificates would do, before a folder is chosen: nothing is signed. */
export const PlanRenewalRequestSchema = v.strictObject({
  serials: v.pipe(v.array(Serial), v.minLength(1), v.maxLength(100_000)),
});

export const PlanRenewalResponseSchema = v.strictObject({
  renew: v.array(v.strictObject(Listed)),
  needRequest: RenewBatchResponseSchema.entries.needRequest,
  alreadyRenewed: RenewBatchResponseSchema.entries.alreadyRenewed,
});
