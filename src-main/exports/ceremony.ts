/**
 * Writes a ceremony record into the chosen (USB) folder: the JSON, its
 * detached signature by the root, the PDF, the root's public key and a
 * README with the verify command. Each file atomically; an earlier
 * record in the folder is never replaced.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../store/atomic-write';
import { x509 } from '../engine/x509';
import { ceremonyPdf } from '../custody/ceremony-pdf';
import {
  recordBaseName,
  runningCode,
  verifyCommand,
  type CeremonyHook,
  type CeremonyLog,
  type CeremonyRecord,
  type KeptRecord,
  type StoreRecordFacts,
  type WrittenRecord,
} from '../custody/ceremony-record';
import { sha256Hex } from '../custody/hash';
import type { RootSigner } from '../custody/root-source';

/** The hook the store calls to write the record, with the app's version and code added. */
export function ceremonyHook(log: CeremonyLog, appVersion: string): CeremonyHook {
  const hook: CeremonyHook = {
    log,
    async write(facts: StoreRecordFacts, signer, rootCertificate) {
      const { kept, ...written } = await writeCeremonyRecord(
        log,
        { ...facts, appVersion, code: await runningCode() },
        signer,
        rootCertificate,
      );
      hook.kept = kept;
      hook.written = written;
      return written;
    },
  };
  return hook;
}

export async function writeCeremonyRecord(
  log: CeremonyLog,
  facts: Omit<Parameters<CeremonyLog['record']>[0], 'digest' | 'jsonFile'>,
  signer: Pick<RootSigner, 'digest' | 'signDetached'>,
  rootCertificate: Uint8Array,
): Promise<WrittenRecord & { kept: KeptRecord }> {
  const folder = log.request.folder;
  await mkdir(folder, { recursive: true });
  const base = freeBaseName(folder, log);
  const jsonFile = `${base}.json`;
  log.step(`This record was written to ${jsonFile} and signed by the root.`);
  const record: CeremonyRecord = log.record({ ...facts, digest: signer.digest, jsonFile });
  const json = Buffer.from(`${JSON.stringify(record, null, 2)}\n`);
  const signature = await signer.signDetached(json);
  const files = await ceremonyRecordFiles(jsonFile, json, signature, rootCertificate);
  for (const [name, data] of files) await writeFileAtomic(path.join(folder, name), data, 0o644);
  return {
    folder,
    json: jsonFile,
    sha256: sha256Hex(json),
    files: files.map(([name]) => name),
    kept: { json, signature },
  };
}

/**
 * A record's files from its exact JSON bytes and the root's signature over
 * them: the JSON, the .sig, the PDF, the root's public key and certificate,
 * and the README with the verify command. The same when a record is
 * written again from the journal's copy.
 */
export async function ceremonyRecordFiles(
  jsonFile: string,
  json: Uint8Array,
  signature: Uint8Array,
  rootCertificate: Uint8Array,
): Promise<[string, string | Uint8Array][]> {
  const record = JSON.parse(Buffer.from(json).toString('utf8')) as CeremonyRecord;
  const base = jsonFile.replace(/\.json$/, '');
  const pdf = await ceremonyPdf(record, jsonFile);
  const publicKey = new x509.X509Certificate(Buffer.from(rootCertificate)).publicKey.rawData;
  return [
    [jsonFile, json],
    [`${jsonFile}.sig`, signature],
    [`${base}.pdf`, pdf],
    ['root-pubkey.pem', x509.PemConverter.encode(publicKey, 'PUBLIC KEY')],
    ['root-ca.pem', x509.PemConverter.encode(Buffer.from(rootCertificate), 'CERTIFICATE')],
    ['README.txt', readme(record, jsonFile)],
  ];
}

function freeBaseName(folder: string, log: CeremonyLog): string {
  const at = new Date(log.startedAt);
  for (let attempt = 1; ; attempt += 1) {
    const base = recordBaseName(log.operation, at, attempt);
    if (!existsSync(path.join(folder, `${base}.json`))) return base;
  }
}

function readme(record: CeremonyRecord, jsonFile: string): string {
  return [
    'Rootkeeper ceremony records',
    '===========================',
    '',
    'Each ceremony-<UTC time>-<operation>.json is the record of one key ceremony;',
    'its .json.sig is a signature over the exact bytes of the JSON by the root key',
    'itself, and its .pdf the same record printed, with lines to sign.',
    '',
    'First check root-ca.pem is your root: its SHA-256 fingerprint must be the one',
    'written in the paper log at the root key ceremony.',
    '',
    '    openssl x509 -in root-ca.pem -noout -fingerprint -sha256',
    `    (expected: ${record.store.rootSha256})`,
    '',
    'Then take the public key from that certificate and verify the record:',
    '',
    '    openssl x509 -in root-ca.pem -noout -pubkey > root-pubkey.pem',
    `    ${verifyCommand(record.signature.digest, jsonFile)}`,
    '',
    'OpenSSL prints "Verified OK" for an untouched record; any change to the JSON',
    'makes it print "Verification failure". root-pubkey.pem is also written here',
    'for convenience, but only the one taken from the checked certificate counts.',
    `Records signed by a P-256 root use -sha256; P-384 and RSA roots use -sha384.`,
    '',
  ].join('\n');
}
