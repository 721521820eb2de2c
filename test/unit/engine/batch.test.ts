/**
 * The batch signer must write exactly what the leaf profile writes: the
 * same fields, extensions, criticality and order, for EC and RSA keys, server
 * and client profiles — only serials, key identifiers and signatures differ.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Certificate } from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyAlgorithm, LeafProfile, SubjectAltName } from '../../../shared/domain/pki';
import { leafTemplate, signLeaf } from '../../../src-main/engine/batch';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { parseSubject } from '../../../src-main/engine/names';
import { createLeafCertificate } from '../../../src-main/engine/profiles/leaf';
import { validityWindow } from '../../../src-main/engine/validity';
import { crypto, x509 } from '../../../src-main/engine/x509';
import { decodeCertificate, toBytes } from '../../support/asn1';
import { makeHierarchy, type TestHierarchy } from '../../support/pki';

let ecHierarchy: TestHierarchy;
let rsaHierarchy: TestHierarchy;
beforeAll(async () => {
  ecHierarchy = await makeHierarchy({ intermediateKey: 'ec-p384', label: 'EC' });
  rsaHierarchy = await makeHierarchy({ intermediateKey: 'rsa-2048', label: 'RSA' });
});

/** The parts that must match: everything but serial, SKI and the signature. */
function comparable(certificate: Certificate) {
  const tbs = certificate.tbsCertificate;
  return {
    version: tbs.version,
    signature: tbs.signature.algorithm,
    issuer: toBytes(AsnConvert.serialize(tbs.issuer)).toString('hex'),
    subject: toBytes(AsnConvert.serialize(tbs.subject)).toString('hex'),
    validity: [tbs.validity.notBefore.getTime().toISOString(), tbs.validity.notAfter.getTime().toISOString()],
    spki: toBytes(AsnConvert.serialize(tbs.subjectPublicKeyInfo)).toString('hex'),
    extensions: (tbs.extensions ?? []).map((extension) => ({
      id: extension.extnID,
      critical: extension.critical,
      value: extension.extnID === '2.5.29.14' ? 'ski' : toBytes(extension.extnValue.buffer).toString('hex'),
    })),
    outerSignature: certificate.signatureAlgorithm.algorithm,
  };
}

const cases: [string, () => TestHierarchy, LeafProfile, KeyAlgorithm, SubjectAltName[]][] = [
  [
    'EC issuer, server, EC key',
    () => ecHierarchy,
    'server',
    'ec-p256',
    [
      { type: 'dns', value: 'www.example.com' },
      { type: 'ip', value: '10.0.0.1' },
    ],
  ],
  ['EC issuer, server, RSA key', () => ecHierarchy, 'server', 'rsa-2048', [{ type: 'dns', value: 'www.example.com' }]],
  [
    'RSA issuer, client, EC key',
    () => rsaHierarchy,
    'client',
    'ec-p256',
    [
      { type: 'email', value: 'a@example.com' },
      { type: 'upn', value: 'a@corp.example.com' },
    ],
  ],
  ['RSA issuer, client, no SAN', () => rsaHierarchy, 'client', 'ec-p384', []],
];

describe('the batch signer', () => {
  it.each(cases)('matches the leaf profile: %s', async (_name, hierarchy, profile, key, sans) => {
    const issuer = hierarchy().intermediateIssuer;
    const keys = await generateKeyPair(key, true);
    const subject = parseSubject(profile === 'server' ? 'CN=www.example.com, O=Example' : 'CN=Alice, O=Example');
    const now = new Date();
    const reference = await createLeafCertificate({
      profile,
      subject,
      sans,
      publicKey: keys.publicKey,
      issuer,
      now,
      serialNumber: '0a1b2c',
    });
    const plannedSans = (reference.certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ??
      []) as SubjectAltName[];
    const template = leafTemplate(issuer, profile, validityWindow(397, now, issuer.certificate.notAfter));
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    const der = signLeaf(template, {
      subject,
      spki,
      keyFamily: key.startsWith('rsa') ? 'rsa' : 'ec',
      sans: plannedSans,
      serialNumber: '0a1b2c',
    });
    expect(comparable(decodeCertificate(der))).toEqual(comparable(decodeCertificate(reference.der)));
    expect(toBytes(decodeCertificate(der).tbsCertificate.serialNumber).toString('hex')).toBe('0a1b2c');
    const certificate = new x509.X509Certificate(Buffer.from(der));
    expect(await certificate.verify({ publicKey: issuer.certificate.publicKey, signatureOnly: true })).toBe(true);
  });

  it('gives every certificate its own serial and subject key identifier', async () => {
    const issuer = ecHierarchy.intermediateIssuer;
    const template = leafTemplate(issuer, 'server', validityWindow(30, new Date(), issuer.certificate.notAfter));
    const ders = await Promise.all(
      ['01', '02'].map(async (serialNumber) => {
        const keys = await generateKeyPair('ec-p256', true);
        const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
        return signLeaf(template, {
          subject: parseSubject('CN=a.example.com'),
          spki,
          keyFamily: 'ec',
          sans: [{ type: 'dns', value: 'a.example.com' }],
          serialNumber,
        });
      }),
    );
    const [a, b] = ders.map((der) => new x509.X509Certificate(Buffer.from(der)));
    expect([a!.serialNumber, b!.serialNumber]).toEqual(['01', '02']);
    expect(a!.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId).not.toBe(
      b!.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId,
    );
  });
});
