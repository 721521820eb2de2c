/**
 * Reads an easy-rsa 3 pki/: ca.crt, private/ca.key, index.txt, serial,
 * crlnumber when present (Debian's 3.1.0 writes none, and its CRLs carry no
 * number), issued/, certs_by_serial/, revoked/ and renewed/ copies, crl.pem.
 * easy-rsa's CA is single-tier: it becomes the store's root, its leaves stay
 * under it (and on the root's CRL).
 */
import path from 'node:path';
import { normaliseSerial } from '../engine/serial';
import type { ImportProblem, SourceCa, SourceDescription } from './description';
import { parseIndex } from './index-txt';
import { newCertsNames } from './openssl';
import { certificatesIn, crlIn } from './pem-files';
import { SourceFiles } from './source-files';

/** Where easy-rsa keeps copies of the certificates it signed. */
const CERTIFICATE_FOLDERS = [
  'issued',
  'certs_by_serial',
  'revoked/certs_by_serial',
  'renewed/certs_by_serial',
  'renewed/issued',
  'expired/certs_by_serial',
  'expired/issued',
];

/** Where it keeps leaf keys (listed in the report, never read). */
const KEY_FOLDERS = ['private', 'revoked/private_by_serial', 'renewed/private_by_serial', 'expired/private_by_serial'];

export async function readEasyRsaSource(pki: string): Promise<SourceDescription> {
  const dir = path.resolve(pki);
  const files = new SourceFiles(dir);
  const at = (name: string) => path.join(dir, name);
  const problems: ImportProblem[] = [];
  const limits: string[] = [];
  const { certificates: own } = (await files.exists(at('ca.crt')))
    ? await certificatesIn(files, [at('ca.crt')])
    : { certificates: [] };
  const certificate = own[0];
  if (!certificate) {
    problems.push({ file: 'ca.crt', message: 'there is no CA certificate: is this an easy-rsa pki/ after build-ca?' });
    return { kind: 'easy-rsa', origin: dir, cas: [], leafKeys: [], limits, problems, files: () => files.hashed() };
  }
  const keyFile = at('private/ca.key');
  const key = (await files.exists(keyFile)) ? { file: 'private/ca.key', bytes: await files.read(keyFile) } : null;
  const index = (await files.exists(at('index.txt')))
    ? parseIndex('index.txt', await files.readText(at('index.txt')))
    : null;
  if (index) problems.push(...index.problems);
  else limits.push('index.txt is missing: revocations come from crl.pem alone.');
  const paths: string[] = [];
  for (const folder of CERTIFICATE_FOLDERS) paths.push(...(await files.list(at(folder))));
  const found = await certificatesIn(files, paths);
  for (const skipped of found.skipped) limits.push(`${skipped} holds no certificate and was not used.`);
  const crls = (await files.exists(at('crl.pem'))) ? [await crlIn(files, at('crl.pem'))] : [];
  const leafKeys: string[] = [];
  for (const folder of KEY_FOLDERS)
    for (const file of await files.list(at(folder))) if (file !== keyFile) leafKeys.push(files.name(file));
  const ca: SourceCa = {
    role: 'root',
    folder: '.',
    certificate,
    key,
    keyLookedFor: key ? null : 'private/ca.key',
    index: index ? { file: 'index.txt', entries: index.entries } : null,
    certificateFiles: found.certificates,
    certificateFor: (serial) =>
      newCertsNames(serial).flatMap((name) => [
        `certs_by_serial/${name}`,
        `revoked/certs_by_serial/${name.replace(/\.pem$/, '.crt')}`,
      ]),
    crls,
    serialFile: (await files.exists(at('serial'))) ? (await files.readText(at('serial'))).trim() : null,
    crlNumberFile: await crlNumber(files, at('crlnumber')),
  };
  return { kind: 'easy-rsa', origin: dir, cas: [ca], leafKeys, limits, problems, files: () => files.hashed() };
}

async function crlNumber(files: SourceFiles, file: string): Promise<number | null> {
  if (!(await files.exists(file))) return null;
  const hex = normaliseSerial((await files.readText(file)).trim());
  return hex ? Number.parseInt(hex, 16) : null;
}
