/**
 * Reads any mix of loose files (XCA, step, KeyStore Explorer exports):
 * certificates and chains (PEM, DER), keys (PKCS#8, encrypted PKCS#8,
 * traditional encrypted PEM), PKCS#12 and CRLs. The hierarchy is rebuilt
 * from the certificates: the one self-signed CA is the root, the CA it signed
 * whose key is among the files is the intermediate; keys are matched to
 * certificates by public key. Revocations come from the newest valid CRL per
 * issuer (verify-history.ts), as no database travels with such exports.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { RootkeeperError, rejected } from '../../shared/errors';
import { identifyDer } from '../engine/formats/input';
import { readPkcs12 } from '../engine/formats/pkcs12';
import { x509 } from '../engine/x509';
import { wipe } from '../vault/secrets';
import type {
  ImportProblem,
  SourceCa,
  SourceCertificate,
  SourceCrl,
  SourceDescription,
  SourceKey,
} from './description';
import { isEncrypted, openSourceKey, publicKeyOf } from './keys';
import { objectsIn } from './pem-files';
import { checkInput } from '../store/bounded-read';
import { MAX_SOURCE_FILE_BYTES, SourceFiles } from './source-files';

interface OpenedKey {
  readonly file: string;
  readonly pkcs8: Buffer;
}

interface Collected {
  readonly certificates: SourceCertificate[];
  readonly crls: SourceCrl[];
  readonly keys: OpenedKey[];
  readonly unopened: string[];
  readonly limits: string[];
}

/**
 * `passphrases` are tried on every encrypted key and PKCS#12 in turn; none
 * opening one is exit 3 (WRONG_PASSPHRASE). With none given (a dry run),
 * encrypted keys are listed as not opened.
 */
export async function readFilesSource(
  paths: readonly string[],
  passphrases: readonly string[],
  cwd: string,
): Promise<SourceDescription> {
  const files = new SourceFiles(cwd);
  const collected: Collected = { certificates: [], crls: [], keys: [], unopened: [], limits: [] };
  try {
    for (const file of await checkFilesSource(paths, cwd)) {
      await collect(files, file, passphrases, collected);
    }
    return rebuild(files, paths.join(' '), collected);
  } catch (error) {
    for (const key of collected.keys) wipe(key.pkcs8);
    throw error;
  }
}

/**
 * Every file under the paths given, folders walked; each checked by type and
 * size (a FIFO, a device or an oversized file is refused, naming it) before
 * anything is read. The command runs this before it asks for a passphrase.
 */
export async function checkFilesSource(paths: readonly string[], cwd: string): Promise<string[]> {
  return expand(
    paths.map((entry) => path.resolve(cwd, entry)),
    new SourceFiles(cwd),
  );
}

async function expand(paths: readonly string[], files: SourceFiles): Promise<string[]> {
  const out: string[] = [];
  for (const entry of paths) {
    let info;
    try {
      info = await stat(entry);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw rejected('not-found', `${files.name(entry)}: there is no such file or folder.`);
      throw error;
    }
    if (info.isDirectory()) {
      const children = await readdir(entry);
      out.push(
        ...(await expand(
          children.sort().map((child) => path.join(entry, child)),
          files,
        )),
      );
    } else {
      checkInput(info, { maxBytes: MAX_SOURCE_FILE_BYTES, shown: files.name(entry) }, entry);
      out.push(entry);
    }
  }
  return out;
}

async function collect(files: SourceFiles, file: string, passphrases: readonly string[], into: Collected) {
  const bytes = await files.read(file);
  const name = files.name(file);
  const text = bytes.toString('latin1');
  if (
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) ||
    identifyDer(bytes) === 'private-key' ||
    identifyDer(bytes) === 'encrypted-private-key'
  ) {
    const opened = await openWithAny({ file: name, bytes }, passphrases);
    if (opened) into.keys.push({ file: name, pkcs8: opened });
    else into.unopened.push(name);
    return;
  }
  if (!text.includes('-----BEGIN') && identifyDer(bytes) === 'pkcs12') {
    await collectPkcs12(name, bytes, passphrases, into);
    return;
  }
  const objects = objectsIn(bytes);
  if (!objects || objects.length === 0) {
    into.limits.push(`${name} is not a certificate, key, PKCS#12 or CRL, and was not used.`);
    return;
  }
  for (const object of objects) {
    if (object.kind === 'certificate') into.certificates.push({ file: name, der: object.der });
    else if (object.kind === 'crl') into.crls.push({ file: name, der: object.der });
    else into.limits.push(`${name} holds ${object.kind}, which an import does not use.`);
  }
}

async function collectPkcs12(name: string, bytes: Buffer, passphrases: readonly string[], into: Collected) {
  if (passphrases.length === 0) {
    into.unopened.push(name);
    return;
  }
  for (const passphrase of passphrases) {
    try {
      const contents = await readPkcs12(bytes, passphrase);
      for (const der of contents.certificates) into.certificates.push({ file: name, der });
      if (contents.privateKey) into.keys.push({ file: name, pkcs8: Buffer.from(contents.privateKey) });
      return;
    } catch (error) {
      if (!(error instanceof RootkeeperError) || error.code !== 'WRONG_PASSPHRASE') throw error;
    }
  }
  throw new RootkeeperError('WRONG_PASSPHRASE', `None of the passphrases given opens ${name}; nothing was written.`);
}

/** The key's PKCS#8 with the first passphrase that opens it; null when encrypted and no passphrase was given. */
async function openWithAny(key: SourceKey, passphrases: readonly string[]): Promise<Buffer | null> {
  if (!isEncrypted(key)) return openSourceKey(key, '');
  if (passphrases.length === 0) return null;
  for (const passphrase of passphrases) {
    try {
      return await openSourceKey(key, passphrase);
    } catch (error) {
      if (!(error instanceof RootkeeperError) || error.code !== 'WRONG_PASSPHRASE') throw error;
    }
  }
  throw new RootkeeperError(
    'WRONG_PASSPHRASE',
    `None of the passphrases given opens ${key.file}; nothing was written.`,
  );
}

function rebuild(files: SourceFiles, origin: string, collected: Collected): SourceDescription {
  const problems: ImportProblem[] = [];
  const limits = [...collected.limits];
  const unique = dedupe(collected.certificates);
  const isCa = (certificate: SourceCertificate) =>
    new x509.X509Certificate(Buffer.from(certificate.der)).getExtension(x509.BasicConstraintsExtension)?.ca === true;
  const node = (certificate: SourceCertificate) => new NodeCertificate(Buffer.from(certificate.der));
  const roots = unique.filter(
    (certificate) => isCa(certificate) && node(certificate).verify(node(certificate).publicKey),
  );
  const keyOf = (certificate: SourceCertificate) => {
    const spki = node(certificate).publicKey.export({ type: 'spki', format: 'der' });
    return collected.keys.find((key) => publicKeyOf(key.pkcs8).equals(spki)) ?? null;
  };
  if (roots.length !== 1) {
    problems.push({
      file: origin,
      message:
        roots.length === 0
          ? 'no self-signed root CA certificate is among the files: add the root certificate'
          : `${roots.length} self-signed roots are among the files (${roots.map((root) => root.file).join(', ')}): import one hierarchy at a time`,
    });
    return finish(files, origin, [], collected, problems, limits, new Set());
  }
  const root = roots[0]!;
  const underRoot = unique.filter(
    (certificate) => certificate !== root && isCa(certificate) && node(certificate).verify(node(root).publicKey),
  );
  const withKeys = underRoot.filter((certificate) => keyOf(certificate));
  if (withKeys.length > 1)
    problems.push({
      file: origin,
      message: `${withKeys.length} intermediates with their keys are among the files (${withKeys.map((c) => c.file).join(', ')}): import with the one that issues from now on`,
    });
  const intermediate = withKeys.length === 1 ? withKeys[0]! : null;
  const others = unique.filter((certificate) => certificate !== root);
  const used = new Set<OpenedKey>();
  const ca = (role: 'root' | 'intermediate', certificate: SourceCertificate, crls: SourceCrl[]): SourceCa => {
    const key = keyOf(certificate);
    if (key) used.add(key);
    return {
      role,
      folder: '.',
      certificate,
      key: key ? { file: key.file, bytes: key.pkcs8 } : null,
      keyLookedFor: key
        ? null
        : `the files given (no key matches ${certificate.file}${collected.unopened.length ? `; ${collected.unopened.length} encrypted file(s) were not opened: give --key-passin` : ''})`,
      index: null,
      certificateFiles: role === 'root' ? others : [],
      certificateFor: () => [],
      crls,
      serialFile: null,
      crlNumberFile: null,
    };
  };
  const cas = [ca('root', root, collected.crls), ...(intermediate ? [ca('intermediate', intermediate, [])] : [])];
  return finish(files, origin, cas, collected, problems, limits, used);
}

function finish(
  files: SourceFiles,
  origin: string,
  cas: SourceCa[],
  collected: Collected,
  problems: ImportProblem[],
  limits: string[],
  used: Set<OpenedKey>,
): SourceDescription {
  const leafKeys: string[] = [];
  for (const key of collected.keys) {
    if (used.has(key)) continue;
    // Never imported: listed, and the decrypted copy wiped at once.
    leafKeys.push(key.file);
    wipe(key.pkcs8);
  }
  for (const name of collected.unopened)
    limits.push(`${name} is encrypted and was not opened (no passphrase given): its match is checked on import.`);
  return { kind: 'files', origin, cas, leafKeys, limits, problems, files: () => files.hashed() };
}

function dedupe(certificates: readonly SourceCertificate[]): SourceCertificate[] {
  const seen = new Map<string, SourceCertificate>();
  for (const certificate of certificates) {
    const key = Buffer.from(certificate.der).toString('base64');
    if (!seen.has(key)) seen.set(key, certificate);
  }
  return [...seen.values()];
}
