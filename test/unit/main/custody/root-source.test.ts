/**
 * The root key source interface, as a PKCS#11 token source will use it: a
 * signer over a CryptoKey that another WebCrypto provider holds
 * (@peculiar/webcrypto here, standing in for the token's), released once
 * when the operation ends, however it ends. OpenSSL checks that the root
 * CRL and the ceremony record signed through that provider verify.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Crypto as OtherProvider } from '@peculiar/webcrypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CeremonyLog } from '../../../../src-main/custody/ceremony-record';
import { signerFromKey, type RootKeySource, type RootSlotAccess } from '../../../../src-main/custody/root-source';
import { rootCertificateOf } from '../../../../src-main/custody/passphrase';
import { toArrayBuffer } from '../../../../src-main/engine/bytes';
import { x509 } from '../../../../src-main/engine/x509';
import { ceremonyHook } from '../../../../src-main/exports/ceremony';
import type { Session } from '../../../../src-main/store/session';
import { wipe } from '../../../../src-main/vault/secrets';
import { run } from '../../../support/run';
import { ROOT_PASSPHRASE, makeStore, readFolder, unlock } from '../../../support/store';
import { makeTempDir } from '../../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
let session: Session;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-root-source-'));
  await makeStore(path.join(dir, 'ca'));
  session = await unlock(path.join(dir, 'ca'));
});
afterAll(async () => {
  await session.lock();
  await cleanup();
});

/** A device-like source: its key lives in another provider, which counts what it signs. */
function deviceSource() {
  const provider = new OtherProvider();
  const counts = { signed: 0, released: 0 };
  const sign = provider.subtle.sign.bind(provider.subtle);
  provider.subtle.sign = ((...args: Parameters<typeof sign>) => {
    counts.signed += 1;
    return sign(...args);
  }) as typeof sign;
  const source: RootKeySource = {
    kind: 'token',
    async signer(access: RootSlotAccess) {
      // The test's "device" is loaded from the sealed slot; a token would find its key by CKA_ID.
      const pkcs8 = await access.openPassphraseSlot(ROOT_PASSPHRASE);
      try {
        const key = await provider.subtle.importKey(
          'pkcs8',
          toArrayBuffer(pkcs8),
          { name: 'ECDSA', namedCurve: 'P-384' },
          false,
          ['sign'],
        );
        return signerFromKey({
          key: key as never,
          provider: provider as never,
          certificate: rootCertificateOf(access),
          present: [],
          release: () => {
            counts.released += 1;
          },
        });
      } finally {
        wipe(pkcs8);
      }
    },
  };
  return { source, counts };
}

describe('a root key source whose key stays in another WebCrypto provider', () => {
  it('signs the root CRL and its ceremony record through that provider, then is released once', async () => {
    const { source, counts } = deviceSource();
    const usb = path.join(dir, 'usb');
    const hook = ceremonyHook(new CeremonyLog('root-crl', { folder: usb, witnesses: ['Wendy Witness'] }), 'test');
    const crl = await session.generateRootCrl(source, 30, undefined, hook);
    expect(counts).toEqual({ signed: 2, released: 1 });

    await writeFile(path.join(dir, 'root.crl'), crl.der);
    const root = new x509.X509Certificate(Buffer.from(session.chainRoot()));
    await writeFile(path.join(dir, 'root.pem'), root.toString('pem'));
    const checked = run('openssl', ['crl', '-inform', 'DER', '-in', 'root.crl', '-CAfile', 'root.pem', '-noout'], {
      cwd: dir,
    });
    expect(checked.stderr).toMatch(/verify OK/);

    const json = hook.written!.json;
    const verified = run(
      'openssl',
      ['dgst', '-sha384', '-verify', 'root-pubkey.pem', '-signature', `${json}.sig`, json],
      { cwd: usb },
    );
    expect(verified.stdout.trim(), verified.stderr).toBe('Verified OK');
  });

  it('is released when the operation fails after the unlock, and the journal keeps nothing of it', async () => {
    const { source, counts } = deviceSource();
    const before = await readFolder(path.join(dir, 'ca'));
    const refusal = new Error('the destination was taken');
    await expect(
      session.generateRootCrl(source, 30, async () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(counts).toEqual({ signed: 1, released: 1 });
    expect(await readFolder(path.join(dir, 'ca'))).toEqual(before);
  });
});
