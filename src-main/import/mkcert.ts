/**
 * A mkcert CAROOT (rootCA.pem, rootCA-key.pem): recognised so it can be
 * refused with the reason. Its root has pathLen 0 and no cRLSign, so it can
 * sign neither an intermediate nor a CRL; the verifier says so, once, for it
 * and for any root like it.
 */
import path from 'node:path';
import type { SourceDescription } from './description';
import { certificatesIn } from './pem-files';
import { SourceFiles } from './source-files';

export async function isMkcertCaroot(folder: string): Promise<boolean> {
  const files = new SourceFiles(folder);
  return (
    (await files.exists(path.join(folder, 'rootCA.pem'))) && (await files.exists(path.join(folder, 'rootCA-key.pem')))
  );
}

export async function readMkcertSource(folder: string): Promise<SourceDescription> {
  const dir = path.resolve(folder);
  const files = new SourceFiles(dir);
  const { certificates } = await certificatesIn(files, [path.join(dir, 'rootCA.pem')]);
  const keyFile = path.join(dir, 'rootCA-key.pem');
  return {
    kind: 'mkcert',
    origin: dir,
    cas: certificates[0]
      ? [
          {
            role: 'root',
            folder: '.',
            certificate: certificates[0],
            key: { file: 'rootCA-key.pem', bytes: await files.read(keyFile) },
            keyLookedFor: null,
            index: null,
            certificateFiles: [],
            certificateFor: () => [],
            crls: [],
            serialFile: null,
            crlNumberFile: null,
          },
        ]
      : [],
    leafKeys: [],
    limits: [],
    problems: certificates[0] ? [] : [{ file: 'rootCA.pem', message: 'it holds no certificate' }],
    files: () => files.hashed(),
  };
}

/** What kind of CA a folder holds, for the GUI's picker and the commands' guard. */
export async function detectSourceKind(folder: string): Promise<'openssl' | 'easy-rsa' | 'mkcert' | null> {
  const files = new SourceFiles(folder);
  if (await isMkcertCaroot(folder)) return 'mkcert';
  if ((await files.exists(path.join(folder, 'ca.crt'))) && (await files.isFolder(path.join(folder, 'issued'))))
    return 'easy-rsa';
  if (
    (await files.exists(path.join(folder, 'certs/ca.cert.pem'))) ||
    (await files.exists(path.join(folder, 'openssl.cnf')))
  )
    return 'openssl';
  return null;
}
