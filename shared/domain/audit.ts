/** The journal as the audit timeline shows it: one line per event, in words. */
import * as v from 'valibot';

/** The timeline's filters: kinds of event grouped as an officer thinks of them. */
export const AUDIT_CATEGORIES = ['ca', 'issuance', 'revocation', 'export', 'access'] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

export const AuditEntrySchema = v.strictObject({
  sequence: v.number(),
  at: v.string(),
  type: v.string(),
  category: v.picklist(AUDIT_CATEGORIES),
  /** One sentence: what happened. */
  summary: v.string(),
  /** The certificate concerned, when there is one. */
  serial: v.nullable(v.string()),
});
export type AuditEntry = v.InferOutput<typeof AuditEntrySchema>;
