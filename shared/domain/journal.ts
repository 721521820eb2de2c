/**
 * The journal's events: every operation the store records, in order. The
 * inventory (what was issued, revoked, published) is these events replayed.
 * No event carries a private key or a passphrase.
 */
import * as v from 'valibot';
import { CRL_REASONS, LEAF_PROFILES, REVOCATION_REASONS, SubjectAltNameSchema } from './pki';

const Timestamp = v.pipe(v.string(), v.isoTimestamp());
const Base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]+$/));
export const CA_ROLES = ['root', 'intermediate'] as const;
export type CaRole = (typeof CA_ROLES)[number];
/** The kinds of existing CA an import reads (docs/import.md). */
export const IMPORT_SOURCES = ['openssl', 'easy-rsa', 'files'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

const CustodianRefSchema = v.strictObject({ index: v.number(), name: v.string() });

/** Where a key on a PKCS#11 token is: the token's serial, the key's CKA_ID (hex), and the module it was made through. */
const TokenKeyRefSchema = v.strictObject({ serial: v.string(), keyId: Hex, moduleHint: v.string() });
export type TokenKeyRef = v.InferOutput<typeof TokenKeyRefSchema>;

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
  event('intermediate-requested', {
    csr: Base64,
    subject: v.string(),
    /** The links the intermediate will write into every certificate it issues, once imported. */
    issuedCrlUrl: v.optional(v.string()),
    issuedAiaUrl: v.optional(v.string()),
  }),
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
    /** For a renewal: the certificate it renews (absent in journals written before batch renewal). */
    renewalOf: v.optional(Hex),
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
   * An existing CA brought in (docs/import.md): where from, what it held, its
   * counters, and the SHA-256 of every source file read. The certificates
   * follow as certificate-imported events, in the same first append.
   */
  event('pki-imported', {
    source: v.picklist(IMPORT_SOURCES),
    origin: v.string(),
    counts: v.strictObject({
      certificates: v.number(),
      valid: v.number(),
      expired: v.number(),
      revoked: v.number(),
    }),
    /** The intermediate that issues from now on, when the source had one. */
    intermediate: v.nullable(v.strictObject({ certificate: Base64, sha256: Hex, serial: Hex })),
    counters: v.array(
      v.strictObject({
        ca: v.picklist(CA_ROLES),
        subject: v.string(),
        /** The source's serial file (OpenSSL's next serial, hex), when it had one. */
        serialFile: v.nullable(v.string()),
        /** The source's crlnumber file (the number OpenSSL would use next). */
        crlNumberFile: v.nullable(v.number()),
        crlNumbersSeen: v.array(v.number()),
        /** The first CRL number Rootkeeper will use. */
        nextCrlNumber: v.number(),
      }),
    ),
    files: v.array(v.strictObject({ path: v.string(), sha256: Hex })),
  }),
  /** A certificate an imported CA had issued, with its revocation as the source recorded it. */
  event('certificate-imported', {
    ca: v.picklist(CA_ROLES),
    kind: v.picklist(['leaf', 'ca']),
    serial: Hex,
    profile: v.picklist(LEAF_PROFILES),
    subject: v.string(),
    sans: v.array(SubjectAltNameSchema),
    notBefore: Timestamp,
    notAfter: Timestamp,
    certificate: Base64,
    sha256: Hex,
    revocation: v.nullable(
      v.strictObject({
        at: Timestamp,
        reason: v.picklist(CRL_REASONS),
        /** When the key is known or suspected to have been compromised (RFC 5280 §5.3.2), as the source recorded it. */
        invalidityDate: v.optional(Timestamp),
      }),
    ),
  }),
  /**
   * A change of several store files begins (store/transaction.ts): the new
   * files are staged beside the old ones; the change counts once an event of
   * type `commit` follows, and is finished (or undone) on the next opening.
   */
  event('change-begun', {
    id: Hex,
    change: v.string(),
    commit: v.string(),
    files: v.array(v.strictObject({ name: v.string(), sha256: Hex })),
  }),
  event('change-ended', { id: Hex, outcome: v.picklist(['completed', 'rolled-back']) }),
  /**
   * The intent of a new intermediate generation (the first one, or a
   * rotation), journaled before its key file is written: opening the store
   * finishes it (key file present and sound) or abandons it.
   */
  event('intermediate-rotation-started', {
    serial: Hex,
    certificate: Base64,
    sha256: Hex,
    origin: v.picklist(['issued', 'imported']),
    /** The new generation's key file, a name no other generation uses; null when its key lives on a token. */
    keyFile: v.nullable(v.string()),
    /** The PKCS#11 token the generation's key was made on (it never leaves it), instead of a key file. */
    token: v.optional(TokenKeyRefSchema),
    /** The active generation it replaces, if any. */
    retiring: v.nullable(Hex),
    issuedCrlUrl: v.optional(v.string()),
    issuedAiaUrl: v.optional(v.string()),
  }),
  /** A rotation opening the store could not finish: nothing of it was kept. */
  event('intermediate-rotation-abandoned', { serial: Hex, why: v.string() }),
  /** The active generation stops issuing; it still signs its own CRLs until it expires. */
  event('intermediate-retired', { serial: Hex, successor: Hex }),
  /**
   * Root CRLs signed ahead in one root ceremony (each also journaled as a
   * crl-generated): published one by one on their dates. A later root
   * revocation makes the rest of it obsolete.
   */
  event('root-crl-scheduled', {
    count: v.number(),
    intervalDays: v.number(),
    graceDays: v.number(),
    firstNumber: v.number(),
    lastNumber: v.number(),
    lastThisUpdate: Timestamp,
    lastNextUpdate: Timestamp,
  }),
  /** A CRL signed by one intermediate generation, in that generation's own CRL number sequence. */
  event('issuer-crl-generated', {
    issuer: Hex,
    crlNumber: v.number(),
    thisUpdate: Timestamp,
    nextUpdate: Timestamp,
    entries: v.number(),
    sha256: Hex,
  }),
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
  /**
   * The root signed an online CA's request (`intermediate sign-external`):
   * an intermediate whose key lives elsewhere. It never issues here; it is
   * listed, shown, and revocable on the root's CRL.
   */
  event('intermediate-signed-external', { serial: Hex, certificate: Base64, sha256: Hex, csrSha256: Hex }),
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
  /** The root key used on its PKCS#11 token for one operation (or put there): which token and which key. */
  event('root-token', { serial: v.string(), keyId: v.string(), action: v.picklist(['created', 'used', 'imported']) }),
  /** An intermediate generation's key on its PKCS#11 token: made there, or opened to sign for a session. */
  event('intermediate-token', {
    intermediate: Hex,
    serial: v.string(),
    keyId: v.string(),
    action: v.picklist(['created', 'used']),
  }),
  /**
   * A signed ceremony record written: its file and the SHA-256 of its JSON;
   * since records can be written again, the JSON's exact bytes and the root's
   * signature over them (base64; absent in older journals).
   */
  event('ceremony-recorded', {
    operation: v.string(),
    file: v.string(),
    sha256: Hex,
    json: v.optional(Base64),
    signature: v.optional(Base64),
  }),
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
