/**
 * The neutral description every source reader produces (OpenSSL folder,
 * easy-rsa pki/, loose files): the CAs with their keys, the certificates they
 * issued, their databases, CRLs and counters, each item with the file (and
 * line) it came from. Readers only collect; verify.ts judges, write.ts writes.
 */
import type { ImportSource } from '../../shared/domain/journal';
import type { SourceFileHash } from './source-files';

/** A line of an OpenSSL-style index.txt (OpenSSL and easy-rsa keep the same database). */
export interface IndexEntry {
  readonly file: string;
  readonly line: number;
  readonly status: 'V' | 'R' | 'E';
  readonly expires: Date | null;
  readonly revokedAt: Date | null;
  /** OpenSSL's reason text, as written (keyCompromise, CACompromise, …), or null. */
  readonly reasonText: string | null;
  /** The compromise time of `keyTime`/`CAkeyTime` entries (openssl ca -crl_compromise / -crl_CA_compromise). */
  readonly invalidityDate: Date | null;
  /** Hex, normalised. */
  readonly serial: string;
  /** The file column; "unknown" in practice. */
  readonly filename: string;
  /** OpenSSL's one-line form: /C=GB/O=Alice Ltd/CN=www.example.com. */
  readonly subject: string;
}

export interface SourceCertificate {
  readonly file: string;
  readonly der: Uint8Array;
}

export interface SourceCrl {
  readonly file: string;
  /** Null when the file could not be decoded at all. */
  readonly der: Uint8Array | null;
  readonly problem?: string;
}

/** A private key as found: its bytes stay unparsed until a passphrase is given (keys.ts). */
export interface SourceKey {
  readonly file: string;
  readonly bytes: Buffer;
  /** Inside a PKCS#12 file: opened with the same passphrase. */
  readonly container?: 'pkcs12';
}

export interface SourceCa {
  readonly role: 'root' | 'intermediate';
  /** The folder it lives in, as the report names it. */
  readonly folder: string;
  readonly certificate: SourceCertificate;
  readonly key: SourceKey | null;
  /** Where the key was looked for, when it was not found. */
  readonly keyLookedFor: string | null;
  /** index.txt, when the source keeps one. */
  readonly index: { readonly file: string; readonly entries: readonly IndexEntry[] } | null;
  /** Certificate files this CA's folder holds (newcerts/, certs/, issued/…), whatever their issuer. */
  readonly certificateFiles: readonly SourceCertificate[];
  /** Where an index entry's certificate is expected, by serial: e.g. newcerts/1000.pem. */
  readonly certificateFor: (serial: string) => readonly string[];
  readonly crls: readonly SourceCrl[];
  /** The serial file's content (hex), if any. */
  readonly serialFile: string | null;
  /** The crlnumber file's value: the number OpenSSL would use next. */
  readonly crlNumberFile: number | null;
}

export interface SourceDescription {
  readonly kind: ImportSource | 'mkcert';
  /** The folder (or files) imported, as given. */
  readonly origin: string;
  /** Root first, then the intermediate when there is one. */
  readonly cas: readonly SourceCa[];
  /** Private keys of leaves seen and deliberately not imported (docs/import.md says what to do with them). */
  readonly leafKeys: readonly string[];
  /** What the reader noticed and could not use, with what to do. */
  readonly limits: readonly string[];
  /** Problems found while reading (unreadable files, malformed lines). */
  readonly problems: readonly ImportProblem[];
  readonly files: () => SourceFileHash[];
}

/** One disagreement, named so the officer can find it. */
export interface ImportProblem {
  readonly file: string;
  readonly line?: number;
  readonly serial?: string;
  readonly message: string;
}
