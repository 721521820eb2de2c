/**
 * The journal's events: every operation the store records, in order. The
 * inventory (what was issued, revoked, published) is these events replayed.
 * No event carries a private key or a passphrase.
 */
import * as v from 'valibot';
import { LEAF_PROFILES, REVOCATION_REASONS, SubjectAltNameSchema } from './pki';

const Timestamp = v.pipe(v.string(), v.isoTimestamp());
const Base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]+$/));
export const CA_ROLES = ['root', 'intermediate'] as const;
export type CaRole = (typeof CA_ROLES)[number];

const CustodianRefSchema = v.strictObject({ index: v.number(), name: v.string() });

const event = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), at: Timestamp, ...entries });

export const JournalEventSchema = v.variant('type', [
  event('store-created', {
    storeId: v.string(),
    kdf: v.strictObject({ memoryKiB: v.number(), passes: v.number(), parallelism: v.number() }),
  }),
  event('root-created', { certificate: Base64, sha256: Hex }),
  /** An intermediate signed by this store's root. */
  event('intermediate-issued', { certificate: Base64, sha256: Hex, serial: Hex }),
  /** A key generated here, waiting for a root kept elsewhere to sign it. */
  event('intermediate-requested', { csr: Base64, subject: v.string() }),
  event('intermediate-imported', { certificate: Base64, sha256: Hex }),
  event('certificate-issued', {
    serial: Hex,
    profile: v.picklist(LEAF_PROFILES),
    subject: v.string(),
    sans: v.array(SubjectAltNameSchema),
    notBefore: Timestamp,
    notAfter: Timestamp,
    source: v.picklist(['generated-key', 'csr', 'renewal']),
    certificate: Base64,
  }),
  event('certificate-revoked', {
    ca: v.picklist(CA_ROLES),
    serial: Hex,
    reason: v.picklist(REVOCATION_REASONS),
  }),
  event('crl-generated', {
    ca: v.picklist(CA_ROLES),
    crlNumber: v.number(),
    thisUpdate: Timestamp,
    nextUpdate: Timestamp,
    entries: v.number(),
    sha256: Hex,
  }),
  event('export-written', {
    kind: v.string(),
    folder: v.string(),
    files: v.array(v.strictObject({ name: v.string(), sha256: Hex })),
  }),
  event('backup-made', { file: v.string(), sha256: Hex }),
  event('passphrase-changed', { which: v.picklist(['root', 'operator']) }),
  event('unlock-failed', { attempts: v.number(), first: Timestamp, last: Timestamp }),
  event('journal-recovered', { notice: v.string() }),
  /** The root put in M-of-N custody (at the ceremony, or split from a passphrase root), or its shares issued anew. */
  event('custody-created', {
    threshold: v.number(),
    total: v.number(),
    setId: v.string(),
    custodians: v.array(CustodianRefSchema),
    replaces: v.nullable(v.string()),
  }),
  /** Shares that unlocked the root for one operation, by index and custodian. */
  event('root-quorum', { setId: v.string(), custodians: v.array(CustodianRefSchema) }),
  /** A signed ceremony record written: its file and the SHA-256 of its JSON. */
  event('ceremony-recorded', { operation: v.string(), file: v.string(), sha256: Hex }),
]);

export type JournalEvent = v.InferOutput<typeof JournalEventSchema>;
export type JournalEventType = JournalEvent['type'];

/** The authenticated end of the journal, to compare with the officer's paper log. */
export interface JournalHead {
  readonly sequence: number;
  /** SHA-256 chain hash of the last record, hex. */
  readonly chainHash: string;
}

/** One record of the journal: its sequence number (from 1) and its event. */
export interface JournalEntry {
  readonly sequence: number;
  readonly event: JournalEvent;
}
