/** How the inventory and a single certificate look to the GUI and the CLI's --json output. */
import * as v from 'valibot';
import { CRL_REASONS, LEAF_PROFILES, SubjectAltNameSchema } from './pki';

export const CERTIFICATE_STATUSES = ['valid', 'expiring', 'expired', 'revoked'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** "Expiring" means within this many days, unless the caller asks otherwise. */
export const EXPIRING_DAYS = 30;

export const CertificateSummarySchema = v.strictObject({
  /** Hex, lower case, without leading zeros: the store's key. */
  serial: v.string(),
  profile: v.picklist(LEAF_PROFILES),
  subject: v.string(),
  sans: v.array(SubjectAltNameSchema),
  notBefore: v.string(),
  notAfter: v.string(),
  issuedAt: v.string(),
  status: v.picklist(CERTIFICATE_STATUSES),
  revocationReason: v.nullable(v.picklist(CRL_REASONS)),
  revokedAt: v.nullable(v.string()),
  /**
   * Present on a leaf an imported single-tier CA (easy-rsa) signed with its
   * root: revoking it needs the root, which signs its new CRL at once.
   */
  issuedBy: v.optional(v.literal('root')),
});
export type CertificateSummary = v.InferOutput<typeof CertificateSummarySchema>;

export const ExtensionDetailSchema = v.strictObject({
  oid: v.string(),
  name: v.string(),
  critical: v.boolean(),
  value: v.string(),
});

/** Every field as `openssl x509 -text` shows it, decoded on the main side. */
export const CertificateDetailSchema = v.strictObject({
  version: v.number(),
  serial: v.string(),
  subject: v.string(),
  issuer: v.string(),
  notBefore: v.string(),
  notAfter: v.string(),
  publicKey: v.string(),
  signatureAlgorithm: v.string(),
  extensions: v.array(ExtensionDetailSchema),
  sha256: v.string(),
  sha1: v.string(),
  pem: v.string(),
});
export type CertificateDetail = v.InferOutput<typeof CertificateDetailSchema>;

export const WrittenFolderSchema = v.strictObject({
  folder: v.string(),
  files: v.array(v.strictObject({ name: v.string(), sha256: v.string(), bytes: v.number() })),
});
export type WrittenFolderSummary = v.InferOutput<typeof WrittenFolderSchema>;
