/**
 * What the officer sees about a dropped CSR before approving it: the request,
 * and what would be issued. The types come from the schemas in
 * csr-schemas.ts, which also check the replies that carry them.
 */
import type * as v from 'valibot';
import type { CsrReportSchema, SigningPlanSchema } from './csr-schemas';

export type CsrReport = v.InferOutput<typeof CsrReportSchema>;
export type RequestedExtension = CsrReport['requestedExtensions'][number];
export type SigningPlan = v.InferOutput<typeof SigningPlanSchema>;
export type ComparisonRow = SigningPlan['comparison'][number];
export type ComparisonChange = ComparisonRow['change'];
export type Refusal = SigningPlan['refusals'][number];
