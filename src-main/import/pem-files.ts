/** Certificates, CRLs and keys in the files of a source folder, in PEM or DER, any number per file. */
import { decodeObjects, type DecodedObject } from '../engine/formats/input';
import type { SourceCertificate, SourceCrl } from './description';
import type { SourceFiles } from './source-files';

const MAX_OBJECT_FILE = 64 * 1024 * 1024;

/**
 * ASN.1 nodes a source file may hold: a CRL entry is about seven, so this
 * reads CRLs of over a hundred thousand entries while still bounding the
 * memory a crafted file could make the parser spend.
 */
export const MAX_SOURCE_NODES = 1_000_000;

/** The objects in a file, or null when it is neither PEM nor DER of a known kind. */
export function objectsIn(bytes: Uint8Array): DecodedObject[] | null {
  try {
    return decodeObjects(bytes, MAX_OBJECT_FILE, MAX_SOURCE_NODES);
  } catch {
    return null;
  }
}

/** Every certificate in the given files; files that hold none are skipped, and named in `skipped`. */
export async function certificatesIn(
  files: SourceFiles,
  paths: readonly string[],
): Promise<{ certificates: SourceCertificate[]; skipped: string[] }> {
  const certificates: SourceCertificate[] = [];
  const skipped: string[] = [];
  for (const file of paths) {
    const objects = objectsIn(await files.read(file));
    const found = (objects ?? []).filter((object) => object.kind === 'certificate');
    if (found.length === 0) skipped.push(files.name(file));
    for (const object of found) certificates.push({ file: files.name(file), der: object.der });
  }
  return { certificates, skipped };
}

/** A CRL file: its DER, or what is wrong with it (a truncated file is named, not skipped). */
export async function crlIn(files: SourceFiles, file: string): Promise<SourceCrl> {
  const objects = objectsIn(await files.read(file));
  const crl = objects?.find((object) => object.kind === 'crl');
  if (!crl) return { file: files.name(file), der: null, problem: 'it is not a readable CRL (damaged or truncated?)' };
  return { file: files.name(file), der: crl.der };
}
