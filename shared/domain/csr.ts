/** What the officer sees about a dropped CSR before approving it: the request, and what would be issued. */
import type { LeafProfile, SubjectAltName } from './pki';
import type { RejectionReason } from '../errors';

export interface RequestedExtension {
  readonly oid: string;
  /** "subjectAltName", "basicConstraints"… or the OID when unknown. */
  readonly name: string;
  readonly critical: boolean;
  /** The value for people: "CA:TRUE, pathlen:0", "DNS:www.example.com, IP:10.0.0.1". */
  readonly value: string;
}

export interface CsrReport {
  readonly subject: string;
  readonly key: { readonly label: string; readonly family: 'ec' | 'rsa'; readonly bits: number };
  /** Always true in a report: a request whose signature fails is refused, not reported. */
  readonly signatureValid: true;
  readonly requestedSans: readonly SubjectAltName[];
  /** SAN entries of kinds Rootkeeper does not issue (URI, directory name…), as text. */
  readonly unsupportedSans: readonly string[];
  readonly requestedExtensions: readonly RequestedExtension[];
  /** SHA-256 of the request's DER, colon-separated, for confirming it by phone with whoever sent it. */
  readonly sha256: string;
}

export type ComparisonChange = 'same' | 'added' | 'removed' | 'changed';

export interface ComparisonRow {
  readonly field: string;
  readonly requested: string;
  readonly issued: string;
  readonly change: ComparisonChange;
}

export interface Refusal {
  readonly reason: RejectionReason;
  readonly message: string;
}

/** The "requested vs to-be-issued" comparison shown before the officer confirms. */
export interface SigningPlan {
  readonly profile: LeafProfile;
  readonly subject: string;
  readonly sans: readonly SubjectAltName[];
  readonly days: number;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly comparison: readonly ComparisonRow[];
  readonly warnings: readonly string[];
  /** Non-empty means the request cannot be signed as it stands. */
  readonly refusals: readonly Refusal[];
}
