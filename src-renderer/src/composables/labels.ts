/** Words for the contract's identifiers, shared by every screen. */
import type { CertificateStatus } from '../../../shared/domain/certificates';
import type { CaPurpose, KeyAlgorithm, RevocationReason } from '../../../shared/domain/pki';

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

export const REASON_LABELS: Readonly<Record<RevocationReason, string>> = {
  unspecified: 'No reason given',
  keyCompromise: 'Key compromise',
  affiliationChanged: 'Affiliation changed',
  superseded: 'Superseded',
  cessationOfOperation: 'Cessation of operation',
  cACompromise: 'CA key compromise',
};

export const STATUS_LABELS: Readonly<Record<CertificateStatus, string>> = {
  valid: 'Valid',
  expiring: 'Expiring within 30 days',
  expired: 'Expired',
  revoked: 'Revoked',
};
