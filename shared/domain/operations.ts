/**
 * The request and response schemas of every operation. Requests are checked
 * on the main side before anything runs; responses are checked before they
 * leave it. No response carries a private key or a passphrase.
 */
import * as v from 'valibot';
import {
  CERTIFICATE_STATUSES,
  CertificateDetailSchema,
  CertificateSummarySchema,
  WrittenFolderSchema,
} from './certificates';
import { AUDIT_CATEGORIES, AuditEntrySchema } from './audit';
import { CsrReportSchema, SigningPlanSchema } from './csr-schemas';
import { OverviewSchema } from './overview';
import { CA_ROLES } from './journal';
import {
  CeremonyRequestSchema,
  CustodyPlanSchema,
  CustodyResultSchema,
  CustodyStatusSchema,
  RootShares,
  IntermediateTokenPlanSchema,
  RootTokenPlanSchema,
  ShareInputSchema,
  VerifiedShareSchema,
  WrittenRecordSchema,
} from './custody';
import { CA_PURPOSES, KEY_ALGORITHMS, LEAF_PROFILES, REVOCATION_REASONS, SubjectAltNameSchema } from './pki';

const Passphrase = v.pipe(v.string(), v.maxLength(1024));
const Text = v.pipe(v.string(), v.maxLength(4096));
const Days = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9132));
/** A CSR, a certificate: never more than this. */
const MAX_FILE_BYTES = 64 * 1024;
const FileBytes = v.pipe(v.instance(Uint8Array), v.maxLength(MAX_FILE_BYTES, 'must be at most 64 KiB'));
/** Where an export goes: a folder the main side chose (a dialog handle in the app, a path in the CLI). */
const Destination = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));
const Serial = v.pipe(v.string(), v.regex(/^[0-9A-Fa-f:]{1,64}$/, 'must be a hex serial number'));

export const CERTIFICATE_SORTS = ['issued', 'subject', 'notAfter', 'serial'] as const;
export type CertificateSort = (typeof CERTIFICATE_SORTS)[number];
/** The most certificates one listing page carries. */
export const MAX_PAGE = 5000;

/**
 * What a native dialog is opened for. The main side picks the dialog (folder,
 * open or save) and its wording from the purpose; the renderer gets back an
 * opaque handle for the chosen path, and the path itself only to show it.
 */
export const CHOICE_PURPOSES = [
  'store-folder',
  'export-folder',
  'backup-save',
  'backup-open',
  'import-source',
  'pkcs11-module',
] as const;
export type ChoicePurpose = (typeof CHOICE_PURPOSES)[number];

/** What a dropped folder or file may be used for: read only, as the source of an import. */
export const DROP_PURPOSES = ['import-source'] as const;

const Head = v.strictObject({ sequence: v.number(), chainHash: v.string() });
/** Where a root key on a PKCS#11 token lives: the token's serial and the key's CKA_ID. Nothing secret. */
const RootTokenRef = v.strictObject({ serial: v.string(), keyId: v.string() });

export const NameConstraintsRequestSchema = v.strictObject({
  permittedDns: v.optional(v.array(Text)),
  excludedDns: v.optional(v.array(Text)),
  permittedIp: v.optional(v.array(Text)),
  excludedIp: v.optional(v.array(Text)),
  permittedEmail: v.optional(v.array(Text)),
  excludedEmail: v.optional(v.array(Text)),
});

export const Requests = {
  createStore: v.strictObject({
    rootSubject: Text,
    rootKey: v.optional(v.picklist(KEY_ALGORITHMS)),
    rootDays: v.optional(Days),
    /** The root passphrase; absent when `custody` puts the root in M-of-N custody instead. */
    rootPassphrase: v.optional(Passphrase),
    operatorPassphrase: Passphrase,
    custody: v.optional(CustodyPlanSchema),
    /** The root key on a PKCS#11 token instead of a root passphrase or custody. */
    rootToken: v.optional(RootTokenPlanSchema),
    ceremony: v.optional(CeremonyRequestSchema),
    /** argon2id cost: higher than the default is allowed, lower only down to the floor (64 MiB, 2 passes). */
    kdfMemoryMiB: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096))),
    kdfPasses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(64))),
  }),
  unlock: v.strictObject({
    passphrase: Passphrase,
    idleMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(240))),
  }),
  createIntermediate: v.strictObject({
    subject: Text,
    key: v.optional(v.picklist(KEY_ALGORITHMS)),
    days: v.optional(Days),
    purpose: v.optional(v.picklist(CA_PURPOSES)),
    nameConstraints: v.optional(NameConstraintsRequestSchema),
    crlUrl: v.optional(Text),
    /** The root passphrase, or (for a root in custody) `rootShares`. */
    rootPassphrase: v.optional(Passphrase),
    rootShares: v.optional(RootShares),
    /** For a root on a PKCS#11 token: its PIN, and a module path overriding the store's hint. */
    rootTokenPin: v.optional(Passphrase),
    rootPkcs11Module: v.optional(Text),
    ceremony: v.optional(CeremonyRequestSchema),
    /** Replace the active generation, which is retired; without it an active one refuses. */
    rotate: v.optional(v.boolean()),
    /** The intermediate's issuing key on a PKCS#11 token instead of a key file in the store. */
    intermediateToken: v.optional(IntermediateTokenPlanSchema),
    /** This intermediate's CRL and certificate URLs, written into every certificate it issues (http:// only). */
    issuedCrlUrl: v.optional(Text),
    issuedAiaUrl: v.optional(Text),
  }),
  requestIntermediate: v.strictObject({
    subject: Text,
    key: v.optional(v.picklist(KEY_ALGORITHMS)),
    /** A folder to write the request to (for the USB stick that carries it to the root). */
    destination: v.optional(Destination),
    rotate: v.optional(v.boolean()),
    issuedCrlUrl: v.optional(Text),
    issuedAiaUrl: v.optional(Text),
  }),
  importIntermediate: v.strictObject({ certificate: FileBytes, rotate: v.optional(v.boolean()) }),
  issueCertificate: v.strictObject({
    profile: v.picklist(LEAF_PROFILES),
    commonName: v.pipe(
      v.string(),
      v.minLength(1),
      v.maxLength(64),
      // The check every other name passes: a control character would reach terminals through `list`.
      // eslint-disable-next-line no-control-regex
      v.check((value) => !/[\u0000-\u001f\u007f-\u009f]/.test(value), 'a common name without control characters'),
    ),
    sans: v.pipe(v.array(SubjectAltNameSchema), v.maxLength(100)),
    days: v.optional(Days),
    key: v.optional(v.picklist(KEY_ALGORITHMS)),
    /** The passphrase that encrypts the exported key; null writes it unencrypted, on explicit request. */
    keyPassphrase: v.nullable(Passphrase),
    pkcs12: v.optional(v.strictObject({ profile: v.picklist(['modern', 'compatible']), password: Passphrase })),
    destination: Destination,
    force: v.optional(v.boolean()),
  }),
  inspectCsr: v.strictObject({
    csr: FileBytes,
    profile: v.picklist(LEAF_PROFILES),
    days: v.optional(Days),
    sans: v.optional(v.array(SubjectAltNameSchema)),
  }),
  signCsrs: v.strictObject({
    csrs: v.pipe(v.array(FileBytes), v.minLength(1), v.maxLength(100_000)),
    profile: v.picklist(LEAF_PROFILES),
    days: v.optional(Days),
    /** The officer's edited SANs; only with a single request. */
    sans: v.optional(v.array(SubjectAltNameSchema)),
    /** The requests' file names, for messages that say which one was refused. */
    names: v.optional(v.array(Text)),
    destination: Destination,
    force: v.optional(v.boolean()),
    /** As `openssl ca` writes: `<SERIAL>.pem` each, one ca-chain.cert.pem and one SHA256SUMS, no bundle folders. */
    flat: v.optional(v.boolean()),
  }),
  revoke: v.strictObject({ serial: Serial, reason: v.optional(v.picklist(REVOCATION_REASONS)) }),
  generateCrl: v.strictObject({
    ca: v.picklist(CA_ROLES),
    days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366))),
    rootPassphrase: v.optional(Passphrase),
    rootShares: v.optional(RootShares),
    /** For a root on a PKCS#11 token: its PIN, and a module path overriding the store's hint. */
    rootTokenPin: v.optional(Passphrase),
    rootPkcs11Module: v.optional(Text),
    ceremony: v.optional(CeremonyRequestSchema),
    /** A folder to write the CRL to, PEM and DER. */
    destination: v.optional(Destination),
    /** For ca "intermediate": this generation's CRL instead of the active one's. */
    issuer: v.optional(Serial),
  }),
  /** Revokes an intermediate generation; the root signs its new CRL in the same ceremony. */
  revokeAuthority: v.strictObject({
    serial: Serial,
    reason: v.optional(v.picklist(REVOCATION_REASONS)),
    rootPassphrase: v.optional(Passphrase),
    rootShares: v.optional(RootShares),
    /** For a root on a PKCS#11 token: its PIN, and a module path overriding the store's hint. */
    rootTokenPin: v.optional(Passphrase),
    rootPkcs11Module: v.optional(Text),
    ceremony: v.optional(CeremonyRequestSchema),
    days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366))),
    /** A folder to write the root CRL to. */
    destination: v.optional(Destination),
  }),
  /** The CRL of every intermediate that still signs, with its certificate, into one folder ready to publish. */
  generateIssuerCrls: v.strictObject({
    days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366))),
    destination: Destination,
    force: v.optional(v.boolean()),
    /** Write into a new folder inside the destination (`crls-<UTC time>`), as the app does with a chosen folder. */
    subfolder: v.optional(v.boolean()),
  }),
  listIntermediates: v.strictObject({}),
  /** Root CRLs signed ahead: `count` of them, `intervalDays` apart, each overlapping the next by `graceDays`. */
  scheduleRootCrls: v.strictObject({
    rootPassphrase: v.optional(Passphrase),
    rootShares: v.optional(RootShares),
    /** For a root on a PKCS#11 token: its PIN, and a module path overriding the store's hint. */
    rootTokenPin: v.optional(Passphrase),
    rootPkcs11Module: v.optional(Text),
    ceremony: v.optional(CeremonyRequestSchema),
    count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(12)),
    intervalDays: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(366)),
    graceDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(365))),
    destination: Destination,
    force: v.optional(v.boolean()),
    /** Write into a new folder inside the destination (`root-crl-schedule-<first CRL number>`). */
    subfolder: v.optional(v.boolean()),
  }),
  /** What needs attention within this many days (30 by default). */
  lifecycleStatus: v.strictObject({
    withinDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3650))),
  }),
  showAuthority: v.strictObject({ serial: Serial }),
  exportRoot: v.strictObject({ destination: Destination, force: v.optional(v.boolean()) }),
  exportChain: v.strictObject({ destination: v.optional(Destination), force: v.optional(v.boolean()) }),
  exportBundle: v.strictObject({ serial: Serial, destination: Destination, force: v.optional(v.boolean()) }),
  listCertificates: v.strictObject({
    /** Only certificates expiring within this many days (status "expiring" measured with it). */
    expiringWithinDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(36500))),
    /** Case-insensitive text found in the serial, the subject or a name. */
    query: v.optional(v.pipe(v.string(), v.maxLength(256))),
    status: v.optional(v.picklist(CERTIFICATE_STATUSES)),
    sort: v.optional(v.picklist(CERTIFICATE_SORTS)),
    descending: v.optional(v.boolean()),
    /** A page of the matches: the GUI's list is virtualised. Everything when absent. */
    offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PAGE))),
  }),
  showCertificate: v.strictObject({ serial: Serial }),
  renewCertificate: v.strictObject({
    serial: Serial,
    /** "same" re-signs the certificate's public key; a key type makes a new key here. */
    key: v.picklist(['same', ...KEY_ALGORITHMS]),
    days: v.optional(Days),
    /** For a new key: as for issueCertificate. */
    keyPassphrase: v.optional(v.nullable(Passphrase)),
    destination: Destination,
    force: v.optional(v.boolean()),
  }),
  journalEntries: v.strictObject({
    category: v.optional(v.picklist(AUDIT_CATEGORIES)),
    /** Text found in the summary or the serial. */
    query: v.optional(v.pipe(v.string(), v.maxLength(256))),
    /** A page, newest first; every matching event when absent (each call reads the whole journal). */
    offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_PAGE))),
  }),
  exportAudit: v.strictObject({ destination: Destination }),
  choosePath: v.strictObject({ purpose: v.picklist(CHOICE_PURPOSES) }),
  /**
   * A folder or file dropped on the window, as an import source. The page
   * never supplies `path`: the window API takes the dropped File, and only
   * the preload can turn it into its path (shared/window-api.ts).
   */
  useDroppedPath: v.strictObject({
    purpose: v.picklist(DROP_PURPOSES),
    path: v.pipe(v.string(), v.minLength(1, 'a dropped file that has a path on disk'), v.maxLength(4096)),
  }),
  useStoreFolder: v.strictObject({ destination: Destination }),
  backup: v.strictObject({ destination: Destination }),
  /** A backup file (chosen on the main side) and the passphrase that opens it. */
  verifyBackup: v.strictObject({ source: Destination, passphrase: Passphrase }),
  restoreBackup: v.strictObject({ source: Destination, passphrase: Passphrase }),
  changePassphrase: v.strictObject({ which: v.picklist(['root', 'operator']), current: Passphrase, next: Passphrase }),
  /** A chain hash from the paper log that the journal must pass through. */
  verifyJournal: v.strictObject({ expectHead: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))) }),
  /** An older copy of the store put back on purpose: the operator and the root (passphrase, shares or token PIN), journaled. */
  acceptRollback: v.strictObject({
    operatorPassphrase: Passphrase,
    rootPassphrase: v.optional(Passphrase),
    rootShares: v.optional(RootShares),
    rootTokenPin: v.optional(Passphrase),
    rootPkcs11Module: v.optional(Text),
  }),
  /** A passphrase root put in custody (root passphrase), or a shared root's shares issued anew (a quorum). */
  changeCustody: v.strictObject({
    rootPassphrase: v.optional(Passphrase),
    rootShares: v.optional(RootShares),
    /** For a root on a PKCS#11 token: its PIN, and a module path overriding the store's hint. */
    rootTokenPin: v.optional(Passphrase),
    rootPkcs11Module: v.optional(Text),
    custody: CustodyPlanSchema,
    ceremony: v.optional(CeremonyRequestSchema),
  }),
  verifyShare: v.strictObject({ share: ShareInputSchema }),
  ceremonyRecords: v.strictObject({}),
  /** A past ceremony record (its JSON file's name) written again into a folder, from the journal's copy. */
  exportCeremonyRecord: v.strictObject({
    file: v.pipe(v.string(), v.regex(/^ceremony-[0-9A-Za-z-]+\.json$/, 'must be a ceremony record’s file name')),
    destination: Destination,
  }),
  /** The usual PKCS#11 modules found here, and the tokens one module sees (for the ceremony's token choice). */
  tokenChoices: v.strictObject({ module: v.optional(Destination) }),
  /** The token an intermediate's key lives on, opened with its PIN until the session locks; a module overrides the recorded one. */
  openIntermediateToken: v.strictObject({ pin: Passphrase, module: v.optional(Destination) }),
  /** The sealed root copied onto a PKCS#11 token; with `replaceRootSlot` the store then keeps only the token slot. */
  moveRootToToken: v.strictObject({
    rootPassphrase: v.optional(Passphrase),
    rootShares: v.optional(RootShares),
    module: Destination,
    serial: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
    pin: Passphrase,
    keyId: v.optional(v.pipe(v.string(), v.regex(/^(?:[0-9A-Fa-f]{2}){1,64}$/, 'must be a key id in hex'))),
    replaceRootSlot: v.boolean(),
  }),
  convert: v.strictObject({
    input: v.pipe(v.instance(Uint8Array), v.maxLength(4 * 1024 * 1024)),
    to: v.picklist(['pem', 'der', 'p7b']),
  }),
};

export const Responses = {
  createStore: v.strictObject({
    storeId: v.string(),
    rootSubject: v.string(),
    rootSha256: v.string(),
    rootNotAfter: v.string(),
    /** The journal's head after the ceremony: for the ceremony record on paper. */
    head: v.optional(Head),
    shareFiles: v.optional(v.array(v.string())),
    /** The share files and cards as written, each read back with its SHA-256. */
    shares: v.optional(WrittenFolderSchema),
    ceremonyRecord: v.optional(WrittenRecordSchema),
  }),
  unlock: v.strictObject({ locksAt: v.string(), head: Head, notices: v.array(v.string()) }),
  lock: v.strictObject({ locked: v.literal(true) }),
  intermediate: v.strictObject({
    certificate: CertificateDetailSchema,
    warnings: v.array(v.string()),
    ceremonyRecord: v.optional(WrittenRecordSchema),
  }),
  requestIntermediate: v.strictObject({
    csrPem: v.string(),
    subject: v.string(),
    written: v.nullable(WrittenFolderSchema),
  }),
  issued: v.strictObject({
    certificate: CertificateSummarySchema,
    bundle: WrittenFolderSchema,
    warnings: v.array(v.string()),
  }),
  inspectCsr: v.strictObject({ report: CsrReportSchema, plan: SigningPlanSchema }),
  signCsrs: v.strictObject({
    issued: v.array(
      v.strictObject({
        certificate: CertificateSummarySchema,
        bundle: WrittenFolderSchema,
        warnings: v.array(v.string()),
      }),
    ),
    /** With `flat`: the files written once for the whole batch (the chain, SHA256SUMS). */
    batchFiles: v.optional(WrittenFolderSchema),
  }),
  revoke: v.strictObject({ serial: v.string(), head: Head }),
  generateCrl: v.strictObject({
    ca: v.picklist(CA_ROLES),
    crlNumber: v.number(),
    thisUpdate: v.string(),
    nextUpdate: v.string(),
    entries: v.number(),
    pem: v.string(),
    written: v.nullable(WrittenFolderSchema),
    ceremonyRecord: v.optional(WrittenRecordSchema),
  }),
  written: WrittenFolderSchema,
  /** With the share folder as read back (each file's name and SHA-256), for the officer's screen: never a share's words. */
  changeCustody: v.strictObject({ ...CustodyResultSchema.entries, shares: v.optional(WrittenFolderSchema) }),
  custodyStatus: CustodyStatusSchema,
  verifyShare: VerifiedShareSchema,
  ceremonyRecords: v.strictObject({
    records: v.array(
      v.strictObject({
        sequence: v.number(),
        at: v.string(),
        operation: v.string(),
        file: v.string(),
        sha256: v.string(),
        /** Whether the journal keeps the record's bytes, so it can be written again. */
        kept: v.boolean(),
      }),
    ),
  }),
  exportCeremonyRecord: v.strictObject({ sha256: v.string(), written: WrittenFolderSchema }),
  moveRootToToken: v.strictObject({ serial: v.string(), keyId: v.string(), rootSlotReplaced: v.boolean() }),
  openIntermediateToken: v.strictObject({ serial: v.string(), keyId: v.string(), intermediates: v.array(v.string()) }),
  tokenChoices: v.strictObject({
    modules: v.array(v.strictObject({ name: v.string(), path: v.string() })),
    tokens: v.array(
      v.strictObject({ serial: v.string(), label: v.string(), manufacturer: v.string(), model: v.string() }),
    ),
  }),
  exportChain: v.strictObject({ pem: v.string(), written: v.nullable(WrittenFolderSchema) }),
  listCertificates: v.strictObject({ certificates: v.array(CertificateSummarySchema), total: v.number() }),
  showCertificate: v.strictObject({ summary: CertificateSummarySchema, detail: CertificateDetailSchema }),
  verifyJournal: v.strictObject({
    head: Head,
    records: v.number(),
    /** The record the expected head belongs to, when one was given. */
    expected: v.optional(v.number()),
  }),
  acceptRollback: v.strictObject({ from: Head, head: Head, lastSeen: Head }),
  overview: OverviewSchema,
  journalEntries: v.strictObject({ entries: v.array(AuditEntrySchema), total: v.number() }),
  choosePath: v.strictObject({ choice: v.nullable(v.strictObject({ destination: v.string(), label: v.string() })) }),
  useDroppedPath: v.strictObject({ destination: v.string(), label: v.string() }),
  /** `rootToken`: the root key is not in the backup; it lives on this token, without which the root cannot sign. */
  backup: v.strictObject({ file: v.string(), sha256: v.string(), head: Head, rootToken: v.optional(RootTokenRef) }),
  verifyBackup: v.strictObject({ storeId: v.string(), head: Head, rootToken: v.optional(RootTokenRef) }),
  changePassphrase: v.strictObject({ which: v.picklist(['root', 'operator']) }),
  convert: v.strictObject({ output: v.instance(Uint8Array) }),
};
