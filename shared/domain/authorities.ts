/**
 * Intermediate generations as the CLI and the GUI see them: every CA the
 * store's root signed, with its status, what it issued and its own CRL.
 */
import * as v from 'valibot';
import { CertificateDetailSchema, WrittenFolderSchema } from './certificates';
import { WrittenRecordSchema } from './custody';

export const GENERATION_STATUSES = ['active', 'retired', 'revoked', 'expired', 'external'] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

export const IntermediateGenerationSchema = v.strictObject({
  /** Hex, as the store keeps serials. */
  serial: v.string(),
  subject: v.string(),
  /** The key, as `openssl x509 -text` would name it. */
  key: v.string(),
  notBefore: v.string(),
  notAfter: v.string(),
  status: v.picklist(GENERATION_STATUSES),
  origin: v.picklist(['issued', 'imported']),
  /** Certificates it signed. */
  issued: v.number(),
  /** Its last CRL number; 0 when it never published one. */
  crlNumber: v.number(),
  nextUpdate: v.nullable(v.string()),
  issuedCrlUrl: v.nullable(v.string()),
  issuedAiaUrl: v.nullable(v.string()),
  revokedAt: v.nullable(v.string()),
  /** An online CA's intermediate (sign-external): its key is elsewhere; it never issues here. */
  external: v.optional(v.boolean()),
  /** Its key lives on this PKCS#11 token (by serial and CKA_ID); `open` once its PIN opened it in this session. */
  token: v.optional(v.strictObject({ serial: v.string(), keyId: v.string(), open: v.boolean() })),
});
export type IntermediateGeneration = v.InferOutput<typeof IntermediateGenerationSchema>;

export const ListIntermediatesResponseSchema = v.strictObject({
  intermediates: v.array(IntermediateGenerationSchema),
});

export const ShowAuthorityResponseSchema = v.strictObject({
  kind: v.picklist(['root', 'intermediate']),
  generation: v.nullable(IntermediateGenerationSchema),
  detail: CertificateDetailSchema,
});

const CrlSummary = v.strictObject({
  crlNumber: v.number(),
  thisUpdate: v.string(),
  nextUpdate: v.string(),
  entries: v.number(),
  pem: v.string(),
});

export const RevokeAuthorityResponseSchema = v.strictObject({
  serial: v.string(),
  head: v.strictObject({ sequence: v.number(), chainHash: v.string() }),
  /** The root CRL signed in the same ceremony. */
  rootCrl: CrlSummary,
  /** Whether the revoked one was the active generation: none is active until a rotation. */
  wasActive: v.boolean(),
  written: v.nullable(WrittenFolderSchema),
  ceremonyRecord: v.optional(WrittenRecordSchema),
});

export const IssuerCrlsResponseSchema = v.strictObject({
  crls: v.array(
    v.strictObject({
      issuer: v.string(),
      subject: v.string(),
      status: v.picklist(GENERATION_STATUSES),
      crlNumber: v.number(),
      thisUpdate: v.string(),
      nextUpdate: v.string(),
      entries: v.number(),
      crlFile: v.string(),
      certificateFile: v.string(),
    }),
  ),
  written: WrittenFolderSchema,
});

/** What needs doing, for `rootkeeper status` and the overview's attention list. */
export const ATTENTION_KINDS = [
  'no-active-intermediate',
  'crl-overdue',
  'crl-due',
  'crl-never-published',
  'crl-schedule-obsolete',
  'ca-expired',
  'ca-expiring',
  'certificate-expiring',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

export const AttentionItemSchema = v.strictObject({
  kind: v.picklist(ATTENTION_KINDS),
  subject: v.string(),
  serial: v.nullable(v.string()),
  /** When it falls due (ISO time); null when it is due now and has no date. */
  due: v.nullable(v.string()),
  /** One sentence: what to do. */
  action: v.string(),
});
export type AttentionItem = v.InferOutput<typeof AttentionItemSchema>;

export const LifecycleStatusSchema = v.strictObject({
  withinDays: v.number(),
  cas: v.array(
    v.strictObject({
      role: v.picklist(['root', 'intermediate']),
      serial: v.string(),
      subject: v.string(),
      status: v.picklist(['root', ...GENERATION_STATUSES]),
      notAfter: v.string(),
      crlNumber: v.number(),
      nextUpdate: v.nullable(v.string()),
    }),
  ),
  attention: v.array(AttentionItemSchema),
});

export const RootCrlScheduleResponseSchema = v.strictObject({
  crls: v.array(
    v.strictObject({
      crlNumber: v.number(),
      publishOn: v.string(),
      nextUpdate: v.string(),
      file: v.string(),
    }),
  ),
  /** When the schedule it replaces was signed, if one was. */
  supersedes: v.nullable(v.string()),
  written: WrittenFolderSchema,
  ceremonyRecord: v.optional(WrittenRecordSchema),
});
