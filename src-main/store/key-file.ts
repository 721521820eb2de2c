/**
 * Private keys kept in the store (the intermediate's, and one waiting for a
 * root elsewhere to sign it): PKCS#8 sealed with a subkey of the data key.
 * The associated data binds the file to this store and to the certificate
 * or request it belongs to, so a key file swapped in from elsewhere fails.
 */
import path from 'node:path';
import * as v from 'valibot';
import { open, seal } from '../vault/aead';
import { writeFileAtomic } from './atomic-write';
import { encodeChecked, readCheckedFile } from './checked-file';
import { fault } from './fault';
import { StoreDamagedError } from './damage';

const Base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const KeyFileSchema = v.strictObject({
  format: v.literal('rootkeeper-key'),
  version: v.literal(1),
  storeId: v.string(),
  purpose: v.picklist(['intermediate-key', 'pending-intermediate-key']),
  /** SHA-256 of the certificate (or request) the key belongs to. */
  boundTo: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  nonce: Base64,
  ciphertext: Base64,
});

export type KeyPurpose = v.InferOutput<typeof KeyFileSchema>['purpose'];

interface Binding {
  readonly storeId: string;
  readonly purpose: KeyPurpose;
  readonly boundTo: string;
}

function header(binding: Binding): Buffer {
  return Buffer.from(JSON.stringify({ format: 'rootkeeper-key', version: 1, ...binding }));
}

export async function writeKeyFile(
  dir: string,
  name: string,
  binding: Binding,
  key: Buffer,
  pkcs8: Buffer,
): Promise<void> {
  await fault('key-file.before-write');
  await writeFileAtomic(path.join(dir, name), keyFileText(binding, key, pkcs8));
}

/** The key file's bytes, for a transaction that stages it before it replaces the old key. */
export function keyFileText(binding: Binding, key: Buffer, pkcs8: Buffer): string {
  const sealed = seal(key, pkcs8, header(binding));
  return encodeChecked({
    format: 'rootkeeper-key',
    version: 1,
    ...binding,
    nonce: sealed.nonce.toString('base64'),
    ciphertext: sealed.ciphertext.toString('base64'),
  });
}

/** The PKCS#8 bytes (wipe them after use); damage if the file is missing, altered or not this key's. */
export async function readKeyFile(dir: string, name: string, binding: Binding, key: Buffer): Promise<Buffer> {
  const file = await readCheckedFile(path.join(dir, name), KeyFileSchema);
  if (!file) throw new StoreDamagedError(name, 'it is missing');
  if (file.storeId !== binding.storeId || file.purpose !== binding.purpose || file.boundTo !== binding.boundTo) {
    throw new StoreDamagedError(name, 'it belongs to another store or certificate');
  }
  const pkcs8 = open(
    key,
    { nonce: Buffer.from(file.nonce, 'base64'), ciphertext: Buffer.from(file.ciphertext, 'base64') },
    header(binding),
  );
  if (!pkcs8) throw new StoreDamagedError(name, 'it does not authenticate');
  return pkcs8;
}
