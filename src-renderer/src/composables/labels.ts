/** Words for the contract's identifiers, shared by every screen. */
import type { AttentionKind, GenerationStatus } from '../../../shared/domain/authorities';
import type { CertificateStatus } from '../../../shared/domain/certificates';
import type { CaPurpose, CrlReason, KeyAlgorithm } from '../../../shared/domain/pki';

export const KEY_LABELS: Readonly<Record<KeyAlgorithm, string>> = {
  'ec-p256': 'ECDSA P-256',
  'ec-p384': 'ECDSA P-384',
  'rsa-2048': 'RSA 2048',
  'rsa-3072': 'RSA 3072',
  'rsa-4096': 'RSA 4096 (slow to make)',
};

export const PURPOSE_LABELS: Readonly<Record<CaPurpose, string>> = {
  server: 'Server certificates (TLS servers)',
  client: 'Client certificates (people, devices)',
  both: 'Both',
};

/** Every RFC 5280 reason: an imported CA may carry those officers cannot choose here. */
export const REASON_LABELS: Readonly<Record<CrlReason, string>> = {
  unspecified: 'No reason given',
  keyCompromise: 'Key compromise',
  affiliationChanged: 'Affiliation changed',
  superseded: 'Superseded',
  cessationOfOperation: 'Cessation of operation',
  cACompromise: 'CA compromise',
  certificateHold: 'Certificate on hold',
  removeFromCRL: 'Removed from CRL',
  privilegeWithdrawn: 'Privilege withdrawn',
  aACompromise: 'Attribute authority compromise',
};

export const STATUS_LABELS: Readonly<Record<CertificateStatus, string>> = {
  valid: 'Valid',
  expiring: 'Expiring within 30 days',
  expired: 'Expired',
  revoked: 'Revoked',
};

export const GENERATION_LABELS: Readonly<Record<GenerationStatus, string>> = {
  active: 'Active',
  retired: 'Retired',
  revoked: 'Revoked',
  expired: 'Expired',
  external: 'External',
};

/** What each status means for the officer, one sentence. */
export const GENERATION_MEANINGS: Readonly<Record<GenerationStatus, string>> = {
  active: 'Issues every new certificate and signs its own CRL.',
  retired: 'Issues nothing more; still signs the CRL of what it issued until it expires.',
  revoked: 'On the root’s CRL: it signs nothing any more.',
  expired: 'Past its validity: it signs nothing any more.',
  external: 'An online CA’s intermediate, signed by this root; its key is elsewhere.',
};

export const ATTENTION_LABELS: Readonly<Record<AttentionKind, string>> = {
  'no-active-intermediate': 'No active intermediate',
  'crl-overdue': 'CRL expired',
  'crl-due': 'CRL due',
  'crl-never-published': 'CRL never published',
  'crl-schedule-obsolete': 'Root CRL schedule obsolete',
  'ca-expired': 'CA expired',
  'ca-expiring': 'CA expiring',
  'certificate-expiring': 'Certificate expiring',
};
