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
    /** Written with the store locked: journaled by the next unlock from a note (store/pending-notes.ts). */
    recordedWhileLocked: v.optional(v.boolean()),
    /** What the next unlock found at the destination then. */
    check: v.optional(v.picklist(['matches', 'changed', 'missing'])),
  }),
  /** `folder` (where it was written) is absent in records of older versions. */
  event('backup-made', { file: v.string(), sha256: Hex, folder: v.optional(v.string()) }),
  event('passphrase-changed', { which: v.picklist(['root', 'operator']) }),
  /** Wrong passphrases before a success; `which` and `times` are absent in records of older versions. */
  event('unlock-failed', {
    attempts: v.number(),
    first: Timestamp,
    last: Timestamp,
    which: v.optional(v.picklist(['operator', 'root'])),
    times: v.optional(v.array(Timestamp)),
  }),
  event('journal-recovered', { notice: v.string() }),
  /**
   * The store file is about to be rewritten as write `generation` (its
   * binding to the journal points at this record): a rollback of the journal
   * to just before a store-file change cannot pass for an interrupted one.
   */
  event('store-file-changing', { generation: v.number() }),
  /** A backup restored into this folder: the journal goes on from the backup's head. */
  event('store-restored', {
    file: v.string(),
    sha256: Hex,
    restoredHead: v.strictObject({ sequence: v.number(), chainHash: Hex }),
  }),
  /** An older copy of the store accepted on purpose (audit accept-rollback): what was last seen before it. */
  event('rollback-accepted', { sequence: v.number(), chainHash: Hex, lastSeen: v.number(), lastSeenHash: Hex }),
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
