/**
 * The root signer's detached signatures, for every root key type, checked
 * by OpenSSL the way the ceremony README says: SHA-256 for P-256, SHA-384
 * for P-384 and RSA; ECDSA as DER (r, s), RSA as PKCS#1 v1.5. A changed
 * byte is refused.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signerFromPkcs8 } from '../../../../src-main/custody/root-source';
import { generateKeyPair } from '../../../../src-main/engine/keys';
import { createRootCertificate } from '../../../../src-main/engine/profiles/root';
import { parseSubject } from '../../../../src-main/engine/names';
import { crypto, x509 } from '../../../../src-main/engine/x509';
import { run } from '../../../support/run';
import { makeTempDir } from '../../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('rootkeeper-record-signature-')));
afterAll(() => cleanup());

describe('detached record signatures by the root', () => {
  for (const [algorithm, digest] of [
    ['ec-p256', 'sha256'],
    ['ec-p384', 'sha384'],
    ['rsa-2048', 'sha384'],
  ] as const) {
    it(`${algorithm}: openssl dgst -${digest} verifies, and refuses an edit`, async () => {
      const keys = await generateKeyPair(algorithm, true);
      const root = await createRootCertificate({ subject: parseSubject(`CN=${algorithm} Root`), keys });
      const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
      const signer = await signerFromPkcs8(pkcs8, root.certificate, []);
      expect(pkcs8.every((byte) => byte === 0)).toBe(true);
      expect(signer.digest).toBe(digest);
      const data = Buffer.from(JSON.stringify({ record: algorithm, steps: ['one', 'two'] }));
      const folder = path.join(dir, algorithm);
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'record.json'), data);
      await writeFile(path.join(folder, 'record.json.sig'), await signer.signDetached(data));
      await writeFile(
        path.join(folder, 'root-pubkey.pem'),
        x509.PemConverter.encode(root.certificate.publicKey.rawData, 'PUBLIC KEY'),
      );
      const ok = run(
        'openssl',
        ['dgst', `-${digest}`, '-verify', 'root-pubkey.pem', '-signature', 'record.json.sig', 'record.json'],
        {
          cwd: folder,
        },
      );
      expect(ok.stdout.trim(), ok.stderr).toBe('Verified OK');
      if (algorithm.startsWith('ec')) {
        const parsed = run('openssl', ['asn1parse', '-inform', 'DER', '-in', 'record.json.sig'], { cwd: folder });
        expect(parsed.stdout).toMatch(/SEQUENCE[\s\S]*INTEGER[\s\S]*INTEGER/);
      }
      data[3]! ^= 1;
      await writeFile(path.join(folder, 'record.json'), data);
      const refused = run(
        'openssl',
        ['dgst', `-${digest}`, '-verify', 'root-pubkey.pem', '-signature', 'record.json.sig', 'record.json'],
        {
          cwd: folder,
        },
      );
      expect(refused.stdout).toContain('Verification failure');
    });
  }
});
