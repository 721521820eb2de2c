import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toArrayBuffer } from '../../../src-main/engine/bytes';
import { RootkeeperError } from '../../../shared/errors';
import { createCrl } from '../../../src-main/engine/crl';
import {
  certificatePem,
  certificatesPem,
  convertCertificates,
  fingerprints,
  pkcs7Der,
  pkcs7Pem,
  readCertificates,
} from '../../../src-main/engine/formats/certificates';
import { decodeObjects, decodeSingle } from '../../../src-main/engine/formats/input';
import { buildPkcs12 } from '../../../src-main/engine/formats/pkcs12';
import { encryptPrivateKeyPem, privateKeyPem } from '../../../src-main/engine/formats/pkcs8';
import { crypto, x509 } from '../../../src-main/engine/x509';
import { makeHierarchy, makeLeaf, type TestHierarchy, type TestLeaf } from '../../support/pki';

let hierarchy: TestHierarchy;
let leaf: TestLeaf;
beforeAll(async () => {
  hierarchy = await makeHierarchy();
  leaf = await makeLeaf(hierarchy);
});

function reasonOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof RootkeeperError) return error.reason;
    throw error;
  }
  return 'no error';
}

describe('decodeObjects', () => {
  it('tells every kind of file apart, in PEM and in DER', async () => {
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', leaf.keys.privateKey));
    const crl = await createCrl({ issuer: hierarchy.intermediateIssuer, crlNumber: 1, entries: [] });
    const p12 = await buildPkcs12({
      privateKey: pkcs8,
      certificates: [{ der: leaf.leaf.der }],
      password: 'pw',
      profile: 'modern',
    });
    const request = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=r',
      keys: leaf.keys as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
    });
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', leaf.keys.publicKey));
    const cases: [string, Uint8Array | string, string][] = [
      ['certificate', leaf.leaf.der, 'certificate'],
      ['certificate PEM', certificatePem(leaf.leaf.der), 'certificate'],
      ['request', new Uint8Array(request.rawData), 'csr'],
      ['CRL', crl.der, 'crl'],
      ['CRL PEM', x509.PemConverter.encode(toArrayBuffer(crl.der), 'X509 CRL'), 'crl'],
      ['PKCS#8', pkcs8, 'private-key'],
      ['PKCS#8 PEM', privateKeyPem(pkcs8), 'private-key'],
      ['encrypted PKCS#8', await encryptPrivateKeyPem(pkcs8, 'pw', { iterations: 1000 }), 'encrypted-private-key'],
      ['PKCS#12', p12, 'pkcs12'],
      ['PKCS#7', pkcs7Der([leaf.leaf.der]), 'pkcs7'],
      ['PKCS#7 PEM', pkcs7Pem([leaf.leaf.der]), 'pkcs7'],
      ['public key', spki, 'public-key'],
    ];
    for (const [what, input, kind] of cases)
      expect(
        decodeObjects(input).map((object) => object.kind),
        what,
      ).toEqual([kind]);
  });

  it('reads every PEM block and ignores text around them', () => {
    const text = `Bag Attributes\n  friendlyName: x\n${certificatePem(leaf.leaf.der)}some notes\n${certificatePem(hierarchy.root.der)}`;
    expect(decodeObjects(text).map((object) => [object.kind, object.encoding])).toEqual([
      ['certificate', 'pem'],
      ['certificate', 'pem'],
    ]);
  });

  it('refuses damaged PEM precisely', () => {
    const pem = certificatePem(leaf.leaf.der);
    expect(reasonOf(() => decodeObjects(pem.replace('END CERTIFICATE', 'END X509 CRL')))).toBe('malformed');
    expect(reasonOf(() => decodeObjects(pem.replace(/\n(.)/, '\n!$1')))).toBe('malformed');
    expect(
      reasonOf(() => decodeObjects('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n')),
    ).toBe('not-pem-or-der');
    expect(
      reasonOf(() =>
        decodeObjects(
          '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n',
        ),
      ),
    ).toBe('unsupported-key');
    expect(reasonOf(() => decodeObjects(''))).toBe('not-pem-or-der');
  });

  it('says what a file is when it is the wrong kind, and refuses several objects where one is expected', () => {
    expect(() => decodeSingle(certificatePem(leaf.leaf.der), 'csr')).toThrow(
      'This file is a certificate, not a certificate signing request.',
    );
    expect(() => decodeSingle(certificatesPem([leaf.leaf.der, hierarchy.root.der]), 'certificate')).toThrow(
      /holds 2 PEM blocks/,
    );
  });
});

describe('certificate formats', () => {
  const chain = () => [leaf.leaf.der, hierarchy.intermediate.der, hierarchy.root.der];

  it('round-trips a chain through PKCS#7 DER and PKCS7-labelled PEM', () => {
    expect(readCertificates(pkcs7Der(chain())).map((der) => Buffer.from(der).toString('hex'))).toEqual(
      chain().map((der) => Buffer.from(der).toString('hex')),
    );
    const pem = pkcs7Pem(chain());
    expect(pem).toMatch(/^-----BEGIN PKCS7-----\n/);
    expect(pem).not.toContain('CMS');
    expect(readCertificates(pem)).toHaveLength(3);
  });

  it('converts among PEM, DER and p7b, and refuses a chain as DER', async () => {
    const pem = new TextDecoder().decode(convertCertificates(pkcs7Der(chain()), 'pem'));
    expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(Buffer.from(convertCertificates(certificatePem(leaf.leaf.der), 'der'))).toEqual(Buffer.from(leaf.leaf.der));
    expect(readCertificates(convertCertificates(certificatesPem(chain()), 'p7b'))).toHaveLength(3);
    expect(() => convertCertificates(certificatesPem(chain()), 'der')).toThrow(
      /DER holds one certificate but this file has 3/,
    );
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', leaf.keys.privateKey));
    expect(() => readCertificates(privateKeyPem(pkcs8))).toThrow(/holds a private key, not certificates/);
  });

  it('gives the SHA-256 and SHA-1 fingerprints as openssl prints them', () => {
    const sha256 = createHash('sha256').update(leaf.leaf.der).digest('hex').toUpperCase().match(/../g)!.join(':');
    expect(fingerprints(leaf.leaf.der)).toEqual({
      sha256,
      sha1: expect.stringMatching(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/),
    });
  });
});
