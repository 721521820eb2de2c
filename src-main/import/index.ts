/** Importing an existing CA: one reader per source kind, one verifier, one writer (docs/import.md). */
export type { SourceDescription as ImportDescription } from './description';
export { readOpensslSource } from './openssl';
export { reportText } from './report';
export { verifySource, type KeyPassphrases } from './verify';
export { writeImport } from './write';
export type { ImportReport } from './plan';
export { readEasyRsaSource } from './easy-rsa';
export { detectSourceKind, isMkcertCaroot, readMkcertSource } from './mkcert';
export { checkFilesSource, readFilesSource } from './files';
export { checkSourceFolder } from './source-files';
export { matchPassphrases, readAnySource } from './detect';
