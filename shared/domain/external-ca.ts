/**
 * An online CA's intermediate, signed by the offline root from the online
 * CA's request (`intermediate sign-external`): what is asked and answered.
 */
import * as v from 'valibot';
import { IntermediateGenerationSchema } from './authorities';
import { CertificateDetailSchema, WrittenFolderSchema } from './certificates';
import { CsrReportSchema } from './csr-schemas';
import { NameConstraintsRequestSchema } from './operations';
import { CA_PURPOSES } from './pki';
import { RootShares } from './custody';

export const SignExternalRequestSchema = v.strictObject({
  /** The online CA's CSR, PEM or DER. */
  csr: v.pipe(v.instance(Uint8Array), v.maxLength(64 * 1024, 'must be at most 64 KiB')),
  /** The root passphrase, the custodians' shares, or the PIN of the token the root is on (one of them). */
  rootPassphrase: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  rootShares: v.optional(RootShares),
  rootTokenPin: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  rootPkcs11Module: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3652))),
  purpose: v.optional(v.picklist(CA_PURPOSES)),
  nameConstraints: v.optional(NameConstraintsRequestSchema),
  /** The root's CRL (http:// only); by default the one the store's latest intermediate names. */
  crlUrl: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  /** A folder to write the certificate (PEM and DER) and the chain to. */
  destination: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
  force: v.optional(v.boolean()),
});

export const SignExternalResponseSchema = v.strictObject({
  certificate: CertificateDetailSchema,
  generation: IntermediateGenerationSchema,
  /** The root CRL URL written into it, if any. */
  crlUrl: v.nullable(v.string()),
  warnings: v.array(v.string()),
  written: v.nullable(WrittenFolderSchema),
});

/** An online CA's request read before the root signs it (subject, key, signature): needs no issuing intermediate. */
export const InspectCaRequestSchema = v.strictObject({ csr: SignExternalRequestSchema.entries.csr });
export const InspectCaResponseSchema = v.strictObject({ report: CsrReportSchema });
