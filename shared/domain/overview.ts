/** What the unlocked GUI shows at a glance: the two CAs, the CRLs, the inventory's counts, the journal's head. */
import * as v from 'valibot';
import { CertificateDetailSchema } from './certificates';

const CrlStateSchema = v.strictObject({
  /** 0 when none was ever generated. */
  lastNumber: v.number(),
  thisUpdate: v.nullable(v.string()),
  nextUpdate: v.nullable(v.string()),
});

export const OverviewSchema = v.strictObject({
  root: CertificateDetailSchema,
  intermediate: v.nullable(
    v.strictObject({ detail: CertificateDetailSchema, origin: v.picklist(['issued', 'imported']) }),
  ),
  /** A key made here whose certificate a root elsewhere has yet to sign. */
  pendingRequest: v.nullable(v.strictObject({ subject: v.string(), at: v.string(), csrPem: v.string() })),
  crls: v.strictObject({ root: CrlStateSchema, intermediate: CrlStateSchema }),
  counts: v.strictObject({
    total: v.number(),
    valid: v.number(),
    expiring: v.number(),
    expired: v.number(),
    revoked: v.number(),
  }),
  head: v.strictObject({ sequence: v.number(), chainHash: v.string() }),
});
export type Overview = v.InferOutput<typeof OverviewSchema>;
