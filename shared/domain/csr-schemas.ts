/** Runtime schemas for the CSR report and signing plan (types in csr.ts), so replies are checked like any other. */
import * as v from 'valibot';
import { REJECTION_REASONS } from '../errors';
import { LEAF_PROFILES, SubjectAltNameSchema } from './pki';

export const CsrReportSchema = v.strictObject({
  subject: v.string(),
  key: v.strictObject({ label: v.string(), family: v.picklist(['ec', 'rsa']), bits: v.number() }),
  signatureValid: v.literal(true),
  requestedSans: v.array(SubjectAltNameSchema),
  unsupportedSans: v.array(v.string()),
  requestedExtensions: v.array(
    v.strictObject({ oid: v.string(), name: v.string(), critical: v.boolean(), value: v.string() }),
  ),
  sha256: v.string(),
});

export const SigningPlanSchema = v.strictObject({
  profile: v.picklist(LEAF_PROFILES),
  subject: v.string(),
  sans: v.array(SubjectAltNameSchema),
  days: v.number(),
  notBefore: v.string(),
  notAfter: v.string(),
  comparison: v.array(
    v.strictObject({
      field: v.string(),
      requested: v.string(),
      issued: v.string(),
      change: v.picklist(['same', 'added', 'removed', 'changed']),
    }),
  ),
  warnings: v.array(v.string()),
  refusals: v.array(v.strictObject({ reason: v.picklist(REJECTION_REASONS), message: v.string() })),
});
