/**
 * Reads the OpenSSL CA of the guide Rootkeeper replaces: a root folder
 * (/root/ca: certs, crl, newcerts, private, index.txt, serial) and, when
 * there is one, its intermediate/ (the same plus crlnumber and csr). Each
 * folder's openssl.cnf, when present, says where its files are (dir,
 * database, serial, crlnumber, certificate, private_key, crl, new_certs_dir);
 * otherwise the guide's layout is assumed. Nothing is judged here.
 */
import path from 'node:path';
import { normaliseSerial } from '../engine/serial';
import type { ImportProblem, SourceCa, SourceDescription } from './description';
import { parseIndex } from './index-txt';
import { defaultCaSection, parseOpensslConfig } from './openssl-cnf';
import { certificatesIn, crlIn } from './pem-files';
import { SourceFiles } from './source-files';

export interface OpensslSource {
  readonly rootDir: string;
  /** Defaults to rootDir/intermediate when that folder exists. */
  readonly intermediateDir?: string;
}

interface Layout {
  readonly certificate: string;
  readonly privateKey: string;
  readonly database: string;
  readonly serial: string;
  readonly crlNumber: string;
  readonly crl: string;
  readonly crlDir: string;
  readonly newCerts: string;
  readonly certs: string;
}

const GUIDE_NAMES = {
  root: { certificate: 'certs/ca.cert.pem', privateKey: 'private/ca.key.pem', crl: 'crl/ca.crl.pem' },
  intermediate: {
    certificate: 'certs/intermediate.cert.pem',
    privateKey: 'private/intermediate.key.pem',
    crl: 'crl/intermediate.crl.pem',
  },
} as const;

/** Config file names the guide uses for each folder. */
const CONFIG_NAMES = {
  root: ['openssl.cnf'],
  intermediate: ['openssl.cnf', 'openssl-intermediate.cnf'],
} as const;

export async function readOpensslSource(source: OpensslSource): Promise<SourceDescription> {
  const rootDir = path.resolve(source.rootDir);
  const files = new SourceFiles(rootDir);
  const limits: string[] = [];
  const problems: ImportProblem[] = [];
  const leafKeys: string[] = [];
  const cas: SourceCa[] = [];
  const root = await readCaFolder(files, 'root', rootDir, limits, problems, leafKeys);
  if (root) cas.push(root);
  const intermediateDir = source.intermediateDir
    ? path.resolve(source.intermediateDir)
    : (await files.isFolder(path.join(rootDir, 'intermediate')))
      ? path.join(rootDir, 'intermediate')
      : null;
  if (intermediateDir) {
    const intermediate = await readCaFolder(files, 'intermediate', intermediateDir, limits, problems, leafKeys);
    if (intermediate) cas.push(intermediate);
  }
  return { kind: 'openssl', origin: rootDir, cas, leafKeys, limits, problems, files: () => files.hashed() };
}

async function readCaFolder(
  files: SourceFiles,
  role: 'root' | 'intermediate',
  folder: string,
  limits: string[],
  problems: ImportProblem[],
  leafKeys: string[],
): Promise<SourceCa | null> {
  const layout = await findLayout(files, role, folder, limits);
  if (!(await files.exists(layout.certificate))) {
    problems.push({
      file: files.name(layout.certificate),
      message: `the ${role} certificate is not there; point --${role === 'root' ? 'root' : 'intermediate'}-dir at the CA folder`,
    });
    return null;
  }
  const own = await certificatesIn(files, [layout.certificate]);
  const certificate = own.certificates[0];
  if (!certificate) {
    problems.push({ file: files.name(layout.certificate), message: 'it holds no certificate' });
    return null;
  }
  const key = (await files.exists(layout.privateKey))
    ? { file: files.name(layout.privateKey), bytes: await files.read(layout.privateKey) }
    : null;
  const index = (await files.exists(layout.database))
    ? parseIndex(files.name(layout.database), await files.readText(layout.database))
    : null;
  if (index) problems.push(...index.problems);
  else
    limits.push(
      `${files.name(layout.database)} is missing: the ${role}'s history cannot be checked against its database.`,
    );
  const found = await certificatesIn(files, [
    ...(await files.list(layout.newCerts)),
    ...(await certificateFiles(files, layout)),
  ]);
  for (const skipped of found.skipped) limits.push(`${skipped} holds no certificate and was not used.`);
  const crlPaths = new Set([
    ...((await files.exists(layout.crl)) ? [layout.crl] : []),
    ...(await files.list(layout.crlDir)),
  ]);
  const crls = [];
  for (const crl of crlPaths) crls.push(await crlIn(files, crl));
  await noteLeafKeys(files, path.dirname(layout.privateKey), layout.privateKey, leafKeys);
  return {
    role,
    folder: files.name(folder) || '.',
    certificate,
    key,
    keyLookedFor: key ? null : files.name(layout.privateKey),
    index: index ? { file: files.name(layout.database), entries: index.entries } : null,
    certificateFiles: found.certificates,
    certificateFor: (serial) => newCertsNames(serial).map((name) => files.name(path.join(layout.newCerts, name))),
    crls,
    serialFile: await readCounterText(files, layout.serial),
    crlNumberFile: await readCrlNumber(files, layout.crlNumber, problems),
  };
}

/** certs/ holds the CA's own copies of what it signed (and the chain files); keys and requests are not there. */
async function certificateFiles(files: SourceFiles, layout: Layout): Promise<string[]> {
  const listed = await files.list(layout.certs);
  return listed.filter((file) => /\.(pem|crt|cer|der)$/i.test(file));
}

async function findLayout(
  files: SourceFiles,
  role: 'root' | 'intermediate',
  folder: string,
  limits: string[],
): Promise<Layout> {
  const guide = GUIDE_NAMES[role];
  const at = (name: string) => path.join(folder, name);
  const fallback: Layout = {
    certificate: at(guide.certificate),
    privateKey: at(guide.privateKey),
    database: at('index.txt'),
    serial: at('serial'),
    crlNumber: at('crlnumber'),
    crl: at(guide.crl),
    crlDir: at('crl'),
    newCerts: at('newcerts'),
    certs: at('certs'),
  };
  for (const name of CONFIG_NAMES[role]) {
    const file = at(name);
    if (!(await files.exists(file))) continue;
    const section = defaultCaSection(parseOpensslConfig(await files.readText(file)));
    if (!section) continue;
    const declared = section.get('dir');
    // A folder copied from /root/ca elsewhere: its paths are read under the folder given.
    const where = (value: string | undefined, otherwise: string): string => {
      if (!value) return otherwise;
      if (declared && (value === declared || value.startsWith(`${declared}/`)))
        return path.join(folder, value.slice(declared.length));
      return path.isAbsolute(value) ? value : path.join(folder, value);
    };
    if (declared && path.resolve(declared) !== folder)
      limits.push(`${files.name(file)} names dir ${declared}; its files were read from ${folder} instead.`);
    return {
      certificate: where(section.get('certificate'), fallback.certificate),
      privateKey: where(section.get('private_key'), fallback.privateKey),
      database: where(section.get('database'), fallback.database),
      serial: where(section.get('serial'), fallback.serial),
      crlNumber: where(section.get('crlnumber'), fallback.crlNumber),
      crl: where(section.get('crl'), fallback.crl),
      crlDir: where(section.get('crl_dir'), fallback.crlDir),
      newCerts: where(section.get('new_certs_dir'), fallback.newCerts),
      certs: where(section.get('certs'), fallback.certs),
    };
  }
  return fallback;
}

/** OpenSSL names a new certificate by its serial in upper-case hex, whole bytes. */
export function newCertsNames(serial: string): string[] {
  const even = serial.length % 2 ? `0${serial}` : serial;
  return [...new Set([`${even.toUpperCase()}.pem`, `${serial.toUpperCase()}.pem`, `${serial}.pem`])];
}

async function readCounterText(files: SourceFiles, file: string): Promise<string | null> {
  if (!(await files.exists(file))) return null;
  return (await files.readText(file)).trim() || null;
}

/** crlnumber holds the next CRL number in hex, as OpenSSL will use it. */
async function readCrlNumber(files: SourceFiles, file: string, problems: ImportProblem[]): Promise<number | null> {
  const text = await readCounterText(files, file);
  if (text === null) return null;
  const hex = normaliseSerial(text);
  const value = hex ? Number.parseInt(hex, 16) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    problems.push({ file: files.name(file), message: `"${text}" is not a CRL number` });
    return null;
  }
  return value;
}

/** Leaf keys (the guide keeps server keys beside the CA's): listed, never read. */
async function noteLeafKeys(files: SourceFiles, privateDir: string, caKey: string, leafKeys: string[]): Promise<void> {
  for (const file of await files.list(privateDir)) {
    if (file === caKey || path.basename(file).startsWith('.rand')) continue;
    leafKeys.push(files.name(file));
  }
}
