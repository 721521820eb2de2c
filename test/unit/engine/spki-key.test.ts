/**
 * publicKeyObject's JWK import of canonical P-256/P-384 keys against
 * OpenSSL's own DER import: the same key (the same SPKI exported), the same
 * refusal of a point off the curve, and every other key through the DER path.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publicKeyObject } from '../../../src-main/engine/spki-key';

const spkiOf = (key: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
  new Uint8Array(key.export({ type: 'spki', format: 'der' }));
const viaDer = (spki: Uint8Array) => createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });

describe('a public key from its SPKI', () => {
  it('imports P-256 and P-384 keys as OpenSSL does, and they verify what the private key signed', () => {
    for (const namedCurve of ['P-256', 'P-384']) {
      for (let index = 0; index < 20; index++) {
        const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve });
        const spki = spkiOf(publicKey);
        const key = publicKeyObject(spki);
        expect(Buffer.from(key.export({ type: 'spki', format: 'der' }))).toEqual(Buffer.from(spki));
        expect(verify('sha256', Buffer.from('data'), key, sign('sha256', Buffer.from('data'), privateKey))).toBe(true);
      }
    }
  });

  it('refuses, as the DER import does, a point changed anywhere', () => {
    const spki = spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    fc.assert(
      fc.property(fc.integer({ min: 27, max: spki.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const changed = spki.slice();
        changed[at]! ^= mask;
        const outcome = (read: () => unknown) => {
          try {
            read();
            return 'accepted';
          } catch {
            return 'refused';
          }
        };
        expect(outcome(() => publicKeyObject(changed))).toBe(outcome(() => viaDer(changed)));
      }),
    );
  });

  it('takes RSA keys, and EC keys in other encodings, through the DER import', () => {
    const rsa = spkiOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey);
    expect(Buffer.from(publicKeyObject(rsa).export({ type: 'spki', format: 'der' }))).toEqual(Buffer.from(rsa));
    // A compressed point, as `openssl ec -conv_form compressed` writes it: not the canonical prefix.
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const made = spawnSync('openssl', ['ec', '-pubout', '-outform', 'DER', '-conv_form', 'compressed'], { input: pem });
    expect(made.status).toBe(0);
    const compressed = new Uint8Array(made.stdout);
    expect(compressed.length).toBe(59);
    const key = publicKeyObject(compressed);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(key.equals(viaDer(compressed))).toBe(true);
  });
});
