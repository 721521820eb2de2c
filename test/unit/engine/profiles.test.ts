/**
 * Each profile's DER, decoded field by field with @peculiar/asn1-x509 (not
 * with the classes that built it): every extension, its criticality, the
 * serial, the times and their encoding, the signature algorithm.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  KeyUsage,
  KeyUsageFlags,
  NameConstraints,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  type Certificate,
} from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { parseSubject } from '../../../src-main/engine/names';
import { createIntermediateCertificate } from '../../../src-main/engine/profiles/intermediate';
import { createLeafCertificate } from '../../../src-main/engine/profiles/leaf';
import { createRootCertificate } from '../../../src-main/engine/profiles/root';
import { crypto } from '../../../src-main/engine/x509';
import { OID, decodeCertificate, extensionOf, extensionOids, keyIdentifier, toBytes } from '../../support/asn1';
import { makeHierarchy, type TestHierarchy } from '../../support/pki';

function extension<T>(certificate: Certificate, oid: string, schema: new () => T): { critical: boolean; value: T } {
  const found = extensionOf(certificate.tbsCertificate.extensions, oid);
  if (!found) throw new Error(`extension ${oid} is missing`);
  return { critical: found.critical, value: AsnConvert.parse(found.extnValue, schema) };
}

function skiOf(certificate: Certificate): string {
  return toBytes(extension(certificate, OID.subjectKeyIdentifier, SubjectKeyIdentifier).value.buffer).toString('hex');
}

function akiOf(certificate: Certificate): string {
  return toBytes(
    extension(certificate, OID.authorityKeyIdentifier, AuthorityKeyIdentifier).value.keyIdentifier!.buffer,
  ).toString('hex');
}

const NOW = new Date('2026-06-01T12:00:00.000Z');

let hierarchy: TestHierarchy;
beforeAll(async () => {
  hierarchy = await makeHierarchy();
});

describe('the root profile', () => {
  it('is a self-signed v3 CA with exactly the extensions the profile fixes', async () => {
    const keys = await generateKeyPair('ec-p384', false);
    const root = await createRootCertificate({ subject: parseSubject('CN=Root, O=Acme, C=GB'), keys, now: NOW });
    const cert = decodeCertificate(root.der);
    const tbs = cert.tbsCertificate;
    expect(tbs.version).toBe(2);
    expect(toBytes(AsnConvert.serialize(tbs.issuer))).toEqual(toBytes(AsnConvert.serialize(tbs.subject)));
    expect(cert.signatureAlgorithm.algorithm).toBe(OID.ecdsaWithSha384);
    expect(extensionOids(cert).sort()).toEqual(
      [OID.basicConstraints, OID.keyUsage, OID.subjectKeyIdentifier, OID.authorityKeyIdentifier].sort(),
    );
    const constraints = extension(cert, OID.basicConstraints, BasicConstraints);
    expect(constraints).toEqual({ critical: true, value: expect.objectContaining({ cA: true, pathLenConstraint: 1 }) });
    const usage = extension(cert, OID.keyUsage, KeyUsage);
    expect(usage.critical).toBe(true);
    expect(usage.value.toNumber()).toBe(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign);
    expect(skiOf(cert)).toBe(keyIdentifier(cert));
    expect(akiOf(cert)).toBe(skiOf(cert));
    expect(extensionOf(tbs.extensions, OID.extKeyUsage)).toBeUndefined();
  });

  it('lasts 20 years by default, from five minutes before signing, in whole seconds', async () => {
    const keys = await generateKeyPair('ec-p384', false);
    const root = await createRootCertificate({ subject: parseSubject('CN=Root'), keys, now: NOW });
    const validity = decodeCertificate(root.der).tbsCertificate.validity;
    expect(validity.notBefore.getTime().toISOString()).toBe('2026-06-01T11:55:00.000Z');
    // 7300 days inclusive: the last second is 7300 × 86400 − 1 seconds after notBefore.
    expect(validity.notAfter.getTime().toISOString()).toBe('2046-05-27T11:54:59.000Z');
    expect(validity.notBefore.utcTime).toBeDefined();
  });

  it('encodes dates from 2050 as GeneralizedTime and earlier ones as UTCTime', async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const root = await createRootCertificate({
      subject: parseSubject('CN=Root'),
      keys,
      now: new Date('2045-01-01T00:00:00.750Z'),
      days: 3650,
    });
    const validity = decodeCertificate(root.der).tbsCertificate.validity;
    expect(validity.notBefore.utcTime).toBeDefined();
    expect(validity.notBefore.generalTime).toBeUndefined();
    expect(validity.notAfter.generalTime).toBeDefined();
    expect(validity.notAfter.utcTime).toBeUndefined();
    expect(validity.notAfter.getTime().getUTCMilliseconds()).toBe(0);
  });

  it('takes a path length within bounds and refuses a root without a CN or with absurd validity', async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const zero = await createRootCertificate({ subject: parseSubject('CN=Root'), keys, pathLength: 0 });
    expect(extension(decodeCertificate(zero.der), OID.basicConstraints, BasicConstraints).value.pathLenConstraint).toBe(
      0,
    );
    await expect(createRootCertificate({ subject: parseSubject('O=Acme'), keys })).rejects.toMatchObject({
      reason: 'invalid-name',
    });
    await expect(createRootCertificate({ subject: parseSubject('CN=R'), keys, days: 9133 })).rejects.toMatchObject({
      reason: 'invalid-option',
    });
    await expect(createRootCertificate({ subject: parseSubject('CN=R'), keys, pathLength: 3 })).rejects.toMatchObject({
      reason: 'invalid-option',
    });
  });

  it('signs with the hash that matches the key: P-384 → SHA-384, P-256 and RSA → SHA-256', async () => {
    for (const [algorithm, oid] of [
      ['ec-p384', OID.ecdsaWithSha384],
      ['ec-p256', OID.ecdsaWithSha256],
      ['rsa-2048', OID.sha256WithRsa],
    ] as const) {
      const root = await createRootCertificate({
        subject: parseSubject('CN=R'),
        keys: await generateKeyPair(algorithm, false),
      });
      expect(decodeCertificate(root.der).signatureAlgorithm.algorithm, algorithm).toBe(oid);
    }
  });

  it('uses a 16-byte positive random serial', async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const root = await createRootCertificate({ subject: parseSubject('CN=R'), keys });
      const serial = toBytes(decodeCertificate(root.der).tbsCertificate.serialNumber);
      expect(serial.length).toBe(16);
      expect(serial[0]! & 0x80).toBe(0);
      expect(serial[0]).not.toBe(0);
      serials.add(serial.toString('hex'));
    }
    expect(serials.size).toBe(20);
  });
});

describe('the intermediate profile', () => {
  it('is a CA with pathLen 0, the EKU of its purpose, AKI = root SKI, and the root as issuer byte for byte', () => {
    const cert = decodeCertificate(hierarchy.intermediate.der);
    const root = decodeCertificate(hierarchy.root.der);
    expect(toBytes(AsnConvert.serialize(cert.tbsCertificate.issuer))).toEqual(
      toBytes(AsnConvert.serialize(root.tbsCertificate.subject)),
    );
    expect(extension(cert, OID.basicConstraints, BasicConstraints)).toEqual({
      critical: true,
      value: expect.objectContaining({ cA: true, pathLenConstraint: 0 }),
    });
    const usage = extension(cert, OID.keyUsage, KeyUsage);
    expect([usage.critical, usage.value.toNumber()]).toEqual([true, KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign]);
    const eku = extension(cert, OID.extKeyUsage, ExtendedKeyUsage);
    expect(eku.critical).toBe(false);
    expect([...eku.value]).toEqual([OID.serverAuth, OID.clientAuth]);
    expect(akiOf(cert)).toBe(skiOf(root));
    expect(skiOf(cert)).toBe(keyIdentifier(cert));
    expect(cert.signatureAlgorithm.algorithm).toBe(OID.ecdsaWithSha384);
  });

  it.each([
    ['server', [OID.serverAuth]],
    ['client', [OID.clientAuth]],
  ] as const)('carries only %s authentication for that purpose', async (purpose, usages) => {
    const keys = await generateKeyPair('ec-p256', false);
    const issued = await createIntermediateCertificate({
      subject: parseSubject('CN=Int'),
      publicKey: keys.publicKey,
      issuer: hierarchy.rootIssuer,
      purpose,
    });
    expect([...extension(decodeCertificate(issued.der), OID.extKeyUsage, ExtendedKeyUsage).value]).toEqual(usages);
  });

  it('encodes name constraints as critical subtrees, IP ranges as address and mask', async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const issued = await createIntermediateCertificate({
      subject: parseSubject('CN=Constrained'),
      publicKey: keys.publicKey,
      issuer: hierarchy.rootIssuer,
      nameConstraints: {
        permittedDns: ['Example.com'],
        excludedDns: ['secret.example.com'],
        permittedIp: ['192.168.0.0/16', 'fd00::/8'],
        excludedIp: ['192.168.99.0/24'],
        permittedEmail: ['.example.com'],
      },
      crlDistributionUrl: 'http://pki.example.com/root.crl',
    });
    expect(issued.warnings).toEqual([]);
    const cert = decodeCertificate(issued.der);
    const constraints = extension(cert, OID.nameConstraints, NameConstraints);
    expect(constraints.critical).toBe(true);
    const permitted = [...constraints.value.permittedSubtrees!].map((subtree) => subtree.base);
    expect(permitted.map((name) => name.dNSName ?? name.iPAddress ?? name.rfc822Name)).toEqual([
      'example.com',
      '192.168.0.0/16',
      'fd00::/8',
      '.example.com',
    ]);
    const excluded = [...constraints.value.excludedSubtrees!].map((subtree) => subtree.base);
    expect(excluded.map((name) => name.dNSName ?? name.iPAddress)).toEqual(['secret.example.com', '192.168.99.0/24']);
    const distribution = extension(cert, OID.crlDistributionPoints, CRLDistributionPoints);
    expect(distribution.critical).toBe(false);
    expect(distribution.value[0]!.distributionPoint!.fullName![0]!.uniformResourceIdentifier).toBe(
      'http://pki.example.com/root.crl',
    );
  });

  it('warns when DNS constraints leave IP addresses open', async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const issued = await createIntermediateCertificate({
      subject: parseSubject('CN=Int'),
      publicKey: keys.publicKey,
      issuer: hierarchy.rootIssuer,
      nameConstraints: { permittedDns: ['example.com'] },
    });
    expect(issued.warnings).toEqual([expect.stringMatching(/not IP addresses/)]);
  });

  it('refuses invalid constraints, a non-http CRL URL, and an issuer whose path length forbids it', async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const base = { subject: parseSubject('CN=Int'), publicKey: keys.publicKey, issuer: hierarchy.rootIssuer };
    await expect(
      createIntermediateCertificate({ ...base, nameConstraints: { permittedIp: ['10.0.0.1/8'] } }),
    ).rejects.toThrow(/host bits/);
    await expect(createIntermediateCertificate({ ...base, crlDistributionUrl: 'ldap://x/' })).rejects.toThrow(
      /plain http/,
    );
    const rootKeys = await generateKeyPair('ec-p256', false);
    const flatRoot = await createRootCertificate({ subject: parseSubject('CN=Flat'), keys: rootKeys, pathLength: 0 });
    await expect(
      createIntermediateCertificate({
        ...base,
        issuer: { certificate: flatRoot.certificate, signingKey: rootKeys.privateKey },
      }),
    ).rejects.toThrow(/path length 0/);
  });

  it("lasts five years by default and never past the root's notAfter", async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const rootKeys = await generateKeyPair('ec-p256', false);
    const shortRoot = await createRootCertificate({
      subject: parseSubject('CN=Short'),
      keys: rootKeys,
      days: 365,
      now: NOW,
    });
    const capped = await createIntermediateCertificate({
      subject: parseSubject('CN=Int'),
      publicKey: keys.publicKey,
      issuer: { certificate: shortRoot.certificate, signingKey: rootKeys.privateKey },
      now: NOW,
    });
    expect(capped.certificate.notAfter.getTime()).toBe(shortRoot.certificate.notAfter.getTime());
    expect(capped.warnings).toEqual([expect.stringMatching(/shortened/)]);
    const normal = await createIntermediateCertificate({
      subject: parseSubject('CN=Int'),
      publicKey: keys.publicKey,
      issuer: hierarchy.rootIssuer,
      now: new Date(),
    });
    const days = (normal.certificate.notAfter.getTime() - normal.certificate.notBefore.getTime() + 1000) / 86_400_000;
    expect(days).toBe(1826);
  });
});

describe('the server profile', () => {
  async function server(
    options: {
      cn?: string;
      sans?: { type: 'dns' | 'ip' | 'email' | 'upn'; value: string }[];
      key?: 'ec-p256' | 'rsa-2048';
      days?: number;
    } = {},
  ) {
    const keys = await generateKeyPair(options.key ?? 'ec-p256', false);
    return createLeafCertificate({
      profile: 'server',
      subject: parseSubject(`CN=${options.cn ?? 'www.example.com'}`),
      sans: options.sans ?? [],
      publicKey: keys.publicKey,
      issuer: hierarchy.intermediateIssuer,
      ...(options.days ? { days: options.days } : {}),
    });
  }

  it('is an end entity for serverAuth with every name in a non-critical SAN', async () => {
    const issued = await server({
      sans: [
        { type: 'dns', value: 'api.example.com' },
        { type: 'ip', value: '10.0.0.5' },
      ],
    });
    const cert = decodeCertificate(issued.der);
    expect(extension(cert, OID.basicConstraints, BasicConstraints)).toEqual({
      critical: true,
      value: expect.objectContaining({ cA: false }),
    });
    expect(extension(cert, OID.basicConstraints, BasicConstraints).value.pathLenConstraint).toBeUndefined();
    const usage = extension(cert, OID.keyUsage, KeyUsage);
    expect([usage.critical, usage.value.toNumber()]).toEqual([true, KeyUsageFlags.digitalSignature]);
    const eku = extension(cert, OID.extKeyUsage, ExtendedKeyUsage);
    expect([eku.critical, [...eku.value]]).toEqual([false, [OID.serverAuth]]);
    const san = extension(cert, OID.subjectAltName, SubjectAlternativeName);
    expect(san.critical).toBe(false);
    expect([...san.value].map((name) => name.dNSName ?? name.iPAddress)).toEqual([
      'www.example.com',
      'api.example.com',
      '10.0.0.5',
    ]);
    expect(akiOf(cert)).toBe(skiOf(decodeCertificate(hierarchy.intermediate.der)));
    expect(skiOf(cert)).toBe(keyIdentifier(cert));
    expect(extensionOf(cert.tbsCertificate.extensions, OID.nameConstraints)).toBeUndefined();
  });

  it('adds keyEncipherment for RSA keys only', async () => {
    const rsa = decodeCertificate((await server({ key: 'rsa-2048' })).der);
    expect(extension(rsa, OID.keyUsage, KeyUsage).value.toNumber()).toBe(
      KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment,
    );
  });

  it('adds an IP common name as an IP SAN, and does not add a CN that is not a host name', async () => {
    const ipCn = decodeCertificate((await server({ cn: '10.9.8.7' })).der);
    expect(
      [...extension(ipCn, OID.subjectAltName, SubjectAlternativeName).value].map((name) => name.iPAddress),
    ).toEqual(['10.9.8.7']);
    const named = await server({ cn: 'Web Server', sans: [{ type: 'dns', value: 'web.example.com' }] });
    expect(
      [...extension(decodeCertificate(named.der), OID.subjectAltName, SubjectAlternativeName).value].map(
        (n) => n.dNSName,
      ),
    ).toEqual(['web.example.com']);
  });

  it('lasts 397 days by default, takes up to 825, and refuses 826', async () => {
    const issued = await server();
    const days = (issued.certificate.notAfter.getTime() - issued.certificate.notBefore.getTime() + 1000) / 86_400_000;
    expect(days).toBe(397);
    const longest = await server({ days: 825 });
    expect((longest.certificate.notAfter.getTime() - longest.certificate.notBefore.getTime() + 1000) / 86_400_000).toBe(
      825,
    );
    await expect(server({ days: 826 })).rejects.toMatchObject({
      reason: 'invalid-option',
      message: expect.stringMatching(/Apple/),
    });
  });

  it('refuses bad, duplicate and out-of-profile names, naming each', async () => {
    await expect(server({ cn: 'Web Server', sans: [] })).rejects.toThrow(/needs at least one DNS name or IP address/);
    await expect(server({ sans: [{ type: 'dns', value: '10.0.0.1' }] })).rejects.toThrow(
      /dns:10.0.0.1 is invalid.*IP address/,
    );
    await expect(server({ sans: [{ type: 'dns', value: 'a.*.example.com' }] })).rejects.toMatchObject({
      reason: 'invalid-name',
    });
    await expect(server({ sans: [{ type: 'dns', value: 'bad name.example.com' }] })).rejects.toThrow(/spaces/);
    await expect(
      server({
        sans: [
          { type: 'dns', value: 'API.example.com' },
          { type: 'dns', value: 'api.example.com' },
        ],
      }),
    ).rejects.toMatchObject({
      reason: 'duplicate-name',
      message: expect.stringMatching(/api.example.com is listed twice/),
    });
    await expect(server({ sans: [{ type: 'email', value: 'ops@example.com' }] })).rejects.toMatchObject({
      reason: 'policy',
    });
  });

  it('refuses keys browsers reject, with the reason', async () => {
    const ed = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const base = {
      profile: 'server' as const,
      subject: parseSubject('CN=www.example.com'),
      sans: [],
      issuer: hierarchy.intermediateIssuer,
    };
    await expect(createLeafCertificate({ ...base, publicKey: ed.publicKey })).rejects.toMatchObject({
      reason: 'unsupported-key',
      message: expect.stringMatching(/Ed25519 keys are refused: browsers/),
    });
    const weak = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    await expect(createLeafCertificate({ ...base, publicKey: weak.publicKey })).rejects.toMatchObject({
      reason: 'weak-key',
    });
    const pss = (await crypto.subtle.generateKey(
      { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    // Node exports RSA-PSS public keys as rsaEncryption SPKI, which is the BR's encoding; what is refused is PSS signing.
    await expect(
      createLeafCertificate({
        ...base,
        publicKey: (await generateKeyPair('ec-p256', false)).publicKey,
        issuer: { ...hierarchy.intermediateIssuer, signingKey: pss.privateKey },
      }),
    ).rejects.toMatchObject({ reason: 'unsupported-key', message: expect.stringMatching(/RSA-PSS/) });
  });

  it('refuses, before signing, names outside the issuer name constraints', async () => {
    const constrained = await makeHierarchy({
      nameConstraints: { permittedDns: ['example.com'], excludedDns: ['secret.example.com'] },
    });
    const keys = await generateKeyPair('ec-p256', false);
    const leaf = (cn: string, sans: { type: 'dns'; value: string }[] = []) =>
      createLeafCertificate({
        profile: 'server',
        subject: parseSubject(`CN=${cn}`),
        sans,
        publicKey: keys.publicKey,
        issuer: constrained.intermediateIssuer,
      });
    await expect(leaf('www.example.com')).resolves.toBeDefined();
    await expect(leaf('www.example.org')).rejects.toMatchObject({
      reason: 'name-not-permitted',
      message: expect.stringMatching(/dns:www.example.org is outside the name constraints/),
    });
    await expect(leaf('db.secret.example.com')).rejects.toThrow(/excluded by/);
    // A wildcard one level above an excluded name would cover it.
    await expect(leaf('x.example.com', [{ type: 'dns', value: '*.example.com' }])).rejects.toThrow(
      /\*.example.com is excluded/,
    );
  });

  it('will not let a client-only intermediate issue server certificates', async () => {
    const clientOnly = await makeHierarchy({ purpose: 'client' });
    const keys = await generateKeyPair('ec-p256', false);
    await expect(
      createLeafCertificate({
        profile: 'server',
        subject: parseSubject('CN=www.example.com'),
        sans: [],
        publicKey: keys.publicKey,
        issuer: clientOnly.intermediateIssuer,
      }),
    ).rejects.toThrow(/may not issue server certificates/);
  });
});

describe('the client profile', () => {
  it('carries clientAuth and the email, DNS and UPN names given, and refuses IP addresses', async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const base = {
      profile: 'client' as const,
      subject: parseSubject('CN=Alice Smith'),
      publicKey: keys.publicKey,
      issuer: hierarchy.intermediateIssuer,
    };
    const issued = await createLeafCertificate({
      ...base,
      sans: [
        { type: 'email', value: 'alice@example.com' },
        { type: 'upn', value: 'alice@corp.example.com' },
        { type: 'dns', value: 'laptop.example.com' },
      ],
    });
    const cert = decodeCertificate(issued.der);
    expect([...extension(cert, OID.extKeyUsage, ExtendedKeyUsage).value]).toEqual([OID.clientAuth]);
    const names = [...extension(cert, OID.subjectAltName, SubjectAlternativeName).value];
    expect(names.map((name) => name.rfc822Name ?? name.dNSName ?? name.otherName?.typeId)).toEqual([
      'alice@example.com',
      '1.3.6.1.4.1.311.20.2.3',
      'laptop.example.com',
    ]);
    expect(extension(cert, OID.keyUsage, KeyUsage).value.toNumber()).toBe(KeyUsageFlags.digitalSignature);
    await expect(createLeafCertificate({ ...base, sans: [{ type: 'ip', value: '10.0.0.1' }] })).rejects.toMatchObject({
      reason: 'policy',
    });
    const bare = await createLeafCertificate({ ...base, sans: [] });
    expect(extensionOf(decodeCertificate(bare.der).tbsCertificate.extensions, OID.subjectAltName)).toBeUndefined();
  });
});
