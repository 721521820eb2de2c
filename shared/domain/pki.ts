/** The vocabulary of certificates that the GUI, the CLI and the engine share. */
import * as v from 'valibot';

/** Key types Rootkeeper generates and accepts. Ed25519 and RSA-PSS are refused: browsers reject them in TLS chains. */
export const KEY_ALGORITHMS = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];
export const KeyAlgorithmSchema = v.picklist(KEY_ALGORITHMS);

/** Defaults: P-384 for the long-lived CAs, P-256 for leaves (fast, and every client supports it). */
export const DEFAULT_CA_KEY: KeyAlgorithm = 'ec-p384';
export const DEFAULT_LEAF_KEY: KeyAlgorithm = 'ec-p256';

export const LEAF_PROFILES = ['server', 'client'] as const;
export type LeafProfile = (typeof LEAF_PROFILES)[number];

/** What an intermediate may issue; it becomes the intermediate's extended key usage. */
export const CA_PURPOSES = ['server', 'client', 'both'] as const;
export type CaPurpose = (typeof CA_PURPOSES)[number];

export const SAN_TYPES = ['dns', 'ip', 'email', 'upn'] as const;
export type SanType = (typeof SAN_TYPES)[number];

export interface SubjectAltName {
  readonly type: SanType;
  readonly value: string;
}
export const SubjectAltNameSchema = v.strictObject({ type: v.picklist(SAN_TYPES), value: v.string() });

/** CRL reasons an officer may give. Unspecified is written by leaving the reason out, as RFC 5280 asks. */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  /** For an intermediate whose key was compromised. */
  'cACompromise',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/**
 * Every reason RFC 5280 §5.3.1 names, by its ASN.1 name. Officers choose from
 * REVOCATION_REASONS; an imported CA may carry any of these, and they are
 * kept as they were.
 */
export const CRL_REASONS = [
  ...REVOCATION_REASONS,
  'cACompromise',
  'certificateHold',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;
export type CrlReason = (typeof CRL_REASONS)[number];

/** An intermediate's name constraints, as text; each entry is checked by validators/name-constraints.ts. */
export interface NameConstraintsSpec {
  readonly permittedDns?: readonly string[];
  readonly excludedDns?: readonly string[];
  /** CIDR ranges, IPv4 or IPv6. */
  readonly permittedIp?: readonly string[];
  readonly excludedIp?: readonly string[];
  /** Email domains ("example.com", or ".example.com" for every host under it) or single mailboxes. */
  readonly permittedEmail?: readonly string[];
  readonly excludedEmail?: readonly string[];
}

/** Validity bounds in days, and the defaults with the reason for each (docs/pki.md). */
export const VALIDITY_DAYS = {
  root: { default: 7300, max: 9132 },
  intermediate: { default: 1826, max: 3652 },
  /** 397 is what Apple recommends; more than 825 and Apple rejects the certificate whatever its CA. */
  leaf: { default: 397, max: 825 },
  crl: { default: 30, max: 366 },
} as const;
