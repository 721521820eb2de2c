/** The import of an existing CA as the GUI sees it: the dry-run report (nothing secret in it) and the result. */
import * as v from 'valibot';
import { CRL_REASONS, LEAF_PROFILES, SubjectAltNameSchema } from './pki';

export const IMPORT_KINDS = ['openssl', 'easy-rsa', 'files', 'mkcert'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

const Passphrase = v.pipe(v.string(), v.maxLength(1024));
const Destination = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));
const Role = v.picklist(['root', 'intermediate']);

export const ImportProblemSchema = v.strictObject({
  file: v.string(),
  line: v.optional(v.number()),
  serial: v.optional(v.string()),
  message: v.string(),
});

export const ImportReportSchema = v.strictObject({
  source: v.picklist(IMPORT_KINDS),
  origin: v.string(),
  ready: v.boolean(),
  cas: v.array(
    v.strictObject({
      role: Role,
      subject: v.string(),
      serial: v.string(),
      sha256: v.string(),
      notAfter: v.string(),
      file: v.string(),
      keyFile: v.nullable(v.string()),
      keyChecked: v.boolean(),
      serialFile: v.nullable(v.string()),
      crlNumberFile: v.nullable(v.number()),
      crlNumbersSeen: v.array(v.number()),
      nextCrlNumber: v.number(),
      crlFiles: v.array(v.string()),
    }),
  ),
  certificates: v.array(
    v.strictObject({
      issuer: Role,
      kind: v.picklist(['leaf', 'ca']),
      serial: v.string(),
      subject: v.string(),
      profile: v.picklist(LEAF_PROFILES),
      sans: v.array(SubjectAltNameSchema),
      notBefore: v.string(),
      notAfter: v.string(),
      status: v.picklist(['valid', 'expired', 'revoked']),
      revocation: v.nullable(
        v.strictObject({ at: v.string(), reason: v.picklist(CRL_REASONS), invalidityDate: v.optional(v.string()) }),
      ),
      file: v.string(),
      sha256: v.string(),
    }),
  ),
  problems: v.array(ImportProblemSchema),
  limits: v.array(v.string()),
  leafKeys: v.array(v.string()),
  files: v.array(v.strictObject({ path: v.string(), sha256: v.string() })),
});
export type ImportReportView = v.InferOutput<typeof ImportReportSchema>;

/** The source keys' passphrases: each is tried on each key (the officer need not say which is which). */
const KeyPassphrases = v.pipe(v.array(Passphrase), v.maxLength(8));

export const ImportRequests = {
  inspectImport: v.strictObject({ source: Destination, keyPassphrases: KeyPassphrases }),
  importStore: v.strictObject({
    source: Destination,
    keyPassphrases: KeyPassphrases,
    rootPassphrase: Passphrase,
    operatorPassphrase: Passphrase,
  }),
};

export const ImportResponses = {
  inspectImport: ImportReportSchema,
  importStore: v.strictObject({
    storeId: v.string(),
    rootSha256: v.string(),
    certificates: v.number(),
    report: ImportReportSchema,
  }),
};
