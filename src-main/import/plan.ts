/**
 * What the verifier makes of a source: the CAs and every certificate with
 * its status, ready for the report and the writer. The CA keys (PKCS#8) are
 * kept apart from the report, which is shown and printed.
 */
import type { ImportSource } from '../../shared/domain/journal';
import type { CrlReason, LeafProfile, SubjectAltName } from '../../shared/domain/pki';
import type { ImportProblem } from './description';
import type { SourceFileHash } from './source-files';

export type ImportedStatus = 'valid' | 'expired' | 'revoked';

export interface PlannedCertificate {
  readonly issuer: 'root' | 'intermediate';
  readonly kind: 'leaf' | 'ca';
  readonly serial: string;
  readonly subject: string;
  readonly profile: LeafProfile;
  readonly sans: readonly SubjectAltName[];
  readonly notBefore: string;
  readonly notAfter: string;
  readonly status: ImportedStatus;
  readonly revocation: {
    readonly at: string;
    readonly reason: CrlReason;
    /** The invalidity date the source recorded (index.txt keyTime, a CRL entry's invalidityDate). */
    readonly invalidityDate?: string;
  } | null;
  readonly file: string;
  readonly sha256: string;
  readonly der: Uint8Array;
}

export interface PlannedCa {
  readonly role: 'root' | 'intermediate';
  readonly subject: string;
  readonly serial: string;
  readonly sha256: string;
  readonly notAfter: string;
  readonly file: string;
  readonly keyFile: string | null;
  /** Whether the key was opened and matched to the certificate (a dry run without passphrases skips it). */
  readonly keyChecked: boolean;
  readonly der: Uint8Array;
  readonly serialFile: string | null;
  readonly crlNumberFile: number | null;
  readonly crlNumbersSeen: readonly number[];
  readonly nextCrlNumber: number;
  readonly crlFiles: readonly string[];
}

/** The report, as text (report.ts) or --json: nothing secret in it. */
export interface ImportReport {
  readonly source: ImportSource | 'mkcert';
  readonly origin: string;
  /** True when nothing stands in the way of the import. */
  readonly ready: boolean;
  readonly cas: readonly Omit<PlannedCa, 'der'>[];
  readonly certificates: readonly Omit<PlannedCertificate, 'der'>[];
  readonly problems: readonly ImportProblem[];
  readonly limits: readonly string[];
  readonly leafKeys: readonly string[];
  readonly files: readonly SourceFileHash[];
}

export interface ImportPlan {
  readonly report: ImportReport;
  readonly cas: readonly PlannedCa[];
  readonly certificates: readonly PlannedCertificate[];
  /** The CA keys as PKCS#8, by role; the writer seals and wipes them. */
  readonly keys: Map<'root' | 'intermediate', Buffer>;
}

export function reportOf(
  base: Pick<ImportReport, 'source' | 'origin' | 'problems' | 'limits' | 'leafKeys' | 'files'>,
  cas: readonly PlannedCa[],
  certificates: readonly PlannedCertificate[],
): ImportReport {
  return {
    ...base,
    ready: base.problems.length === 0 && cas.length > 0,
    cas: cas.map(({ der: _der, ...ca }) => ca),
    certificates: certificates.map(({ der: _der, ...certificate }) => certificate),
  };
}
