/**
 * Opens a source CA's private key with its passphrase: PEM (PKCS#8,
 * encrypted PKCS#8, traditional "Proc-Type: 4,ENCRYPTED" RSA/EC keys) and DER
 * through Node's OpenSSL, PKCS#12 through the engine's reader. The result is
 * PKCS#8 DER for the vault; the caller wipes it.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { RootkeeperError, rejected } from '../../shared/errors';
import { readPkcs12 } from '../engine/formats/pkcs12';
import type { SourceKey } from './description';

export function isEncrypted(key: SourceKey): boolean {
  if (key.container === 'pkcs12') return true;
  const text = key.bytes.toString('latin1');
  return (
    text.includes('ENCRYPTED PRIVATE KEY') || text.includes('Proc-Type: 4,ENCRYPTED') || !text.includes('-----BEGIN')
  );
}

/** The key as PKCS#8 DER; exit 3 (WRONG_PASSPHRASE) when the passphrase does not open it. */
export async function openSourceKey(key: SourceKey, passphrase: string | null): Promise<Buffer> {
  if (key.container === 'pkcs12') {
    if (passphrase === null) throw needPassphrase(key);
    const contents = await readPkcs12(key.bytes, passphrase);
    if (!contents.privateKey) throw rejected('not-found', `${key.file} holds no private key.`);
    return Buffer.from(contents.privateKey);
  }
  let object: KeyObject;
  try {
    object = createPrivateKey(
      key.bytes.toString('latin1').includes('-----BEGIN')
        ? { key: key.bytes, format: 'pem', passphrase: passphrase ?? '' }
        : { key: key.bytes, format: 'der', type: 'pkcs8', passphrase: passphrase ?? '' },
    );
  } catch {
    if (isEncrypted(key)) {
      if (passphrase === null) throw needPassphrase(key);
      throw new RootkeeperError('WRONG_PASSPHRASE', `The passphrase does not open ${key.file}; nothing was written.`);
    }
    throw rejected('malformed', `${key.file} is not a private key Rootkeeper can read.`);
  }
  return object.export({ type: 'pkcs8', format: 'der' });
}

function needPassphrase(key: SourceKey): RootkeeperError {
  return rejected('policy', `${key.file} is encrypted: give its passphrase to check and import it.`);
}

/** SubjectPublicKeyInfo DER of a PKCS#8 key: compared with a certificate's to prove the pair. */
export function publicKeyOf(pkcs8: Buffer): Buffer {
  return createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({
    type: 'spki',
    format: 'der',
  });
}
