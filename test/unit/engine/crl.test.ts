import { AsnConvert } from '@peculiar/asn1-schema';
import { AuthorityKeyIdentifier, CRLNumber, CRLReason, SubjectKeyIdentifier } from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { toArrayBuffer } from '../../../src-main/engine/bytes';
import { x509 } from '../../../src-main/engine/x509';
import { createCrl } from '../../../src-main/engine/crl';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { parseSubject } from '../../../src-main/engine/names';
import { createLeafCertificate } from '../../../src-main/engine/profiles/leaf';
import { OID, decodeCertificate, decodeCrl, extensionOf, toBytes } from '../../support/asn1';
import { makeHierarchy, makeLeaf, type TestHierarchy } from '../../support/pki';

let hierarchy: TestHierarchy;
beforeAll(async () => {
  hierarchy = await makeHierarchy();
});

// An hour from now, with milliseconds, inside the test hierarchy's validity.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_678);
const EARLIER = new Date(NOW.getTime() - 86_400_000 + 321);

describe('createCrl', () => {
  it('writes a v2 CRL with AKI, CRL number, whole-second thisUpdate and nextUpdate 30 days on', async () => {
    const issued = await createCrl({
      issuer: hierarchy.intermediateIssuer,
      crlNumber: 7,
      entries: [],
      now: new Date(),
    });
    const crl = decodeCrl(issued.der);
    const tbs = crl.tbsCertList;
    expect(tbs.version).toBe(1);
    expect(toBytes(AsnConvert.serialize(tbs.issuer))).toEqual(
      toBytes(AsnConvert.serialize(decodeCertificate(hierarchy.intermediate.der).tbsCertificate.subject)),
    );
    expect(tbs.thisUpdate.getTime().getUTCMilliseconds()).toBe(0);
    expect(tbs.nextUpdate!.getTime().getTime() - tbs.thisUpdate.getTime().getTime()).toBe(30 * 86_400_000);
    // RFC 5280 §5.1.2.6: with nothing revoked the list is absent, not empty.
    expect(tbs.revokedCertificates).toBeUndefined();
    const aki = extensionOf(tbs.crlExtensions, OID.authorityKeyIdentifier)!;
    expect(aki.critical).toBe(false);
    const ski = extensionOf(
      decodeCertificate(hierarchy.intermediate.der).tbsCertificate.extensions,
      OID.subjectKeyIdentifier,
    )!;
    expect(toBytes(AsnConvert.parse(aki.extnValue, AuthorityKeyIdentifier).keyIdentifier!.buffer)).toEqual(
      toBytes(AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier).buffer),
    );
    const number = extensionOf(tbs.crlExtensions, OID.crlNumber)!;
    expect(number.critical).toBe(false);
    expect(AsnConvert.parse(number.extnValue, CRLNumber).value).toBe(7);
    expect(
      await new x509.X509Crl(toArrayBuffer(issued.der)).verify({
        publicKey: hierarchy.intermediate.certificate.publicKey,
      }),
    ).toBe(true);
  });

  it('lists revoked serials byte for byte with their reasons, leaving out "unspecified"', async () => {
    const leafA = await makeLeaf(hierarchy);
    const leafB = await makeLeaf(hierarchy);
    const issued = await createCrl({
      issuer: hierarchy.intermediateIssuer,
      crlNumber: 2,
      now: NOW,
      entries: [
        { serialNumber: leafA.leaf.serialNumber, revokedAt: NOW, reason: 'keyCompromise' },
        { serialNumber: leafB.leaf.serialNumber, revokedAt: EARLIER, reason: 'unspecified' },
      ],
    });
    const entries = decodeCrl(issued.der).tbsCertList.revokedCertificates!;
    expect(entries.map((entry) => toBytes(entry.userCertificate).toString('hex'))).toEqual([
      toBytes(decodeCertificate(leafA.leaf.der).tbsCertificate.serialNumber).toString('hex'),
      toBytes(decodeCertificate(leafB.leaf.der).tbsCertificate.serialNumber).toString('hex'),
    ]);
    const reason = extensionOf(entries[0]!.crlEntryExtensions, OID.crlReason)!;
    expect(reason.critical).toBe(false);
    expect(AsnConvert.parse(reason.extnValue, CRLReason).reason).toBe(1);
    expect(entries[1]!.crlEntryExtensions ?? []).toEqual([]);
    expect(entries[1]!.revocationDate.getTime().getTime()).toBe(Math.floor(EARLIER.getTime() / 1000) * 1000);
  });

  it('matches serials with a leading zero nibble or a high bit exactly, sign byte included', async () => {
    const keys = await generateKeyPair('ec-p256', false);
    const serials = ['0a1b2c3d4e5f60718293a4b5c6d7e8f9', '80aa', 'ff00ff'];
    const leaves = await Promise.all(
      serials.map((serialNumber) =>
        createLeafCertificate({
          profile: 'server',
          subject: parseSubject('CN=www.example.com'),
          sans: [],
          publicKey: keys.publicKey,
          issuer: hierarchy.intermediateIssuer,
          serialNumber,
        }),
      ),
    );
    expect(leaves.map((leaf) => leaf.serialNumber)).toEqual(['a1b2c3d4e5f60718293a4b5c6d7e8f9', '80aa', 'ff00ff']);
    const issued = await createCrl({
      issuer: hierarchy.intermediateIssuer,
      crlNumber: 9,
      entries: leaves.map((leaf) => ({
        serialNumber: leaf.serialNumber,
        revokedAt: NOW,
        reason: 'superseded' as const,
      })),
    });
    const entries = decodeCrl(issued.der).tbsCertList.revokedCertificates!;
    expect(entries.map((entry) => toBytes(entry.userCertificate).toString('hex'))).toEqual(
      leaves.map((leaf) => toBytes(decodeCertificate(leaf.der).tbsCertificate.serialNumber).toString('hex')),
    );
    expect(entries.map((entry) => toBytes(entry.userCertificate).toString('hex'))).toEqual([
      '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      '0080aa',
      '00ff00ff',
    ]);
  });

  it('maps every reason an officer can give to its RFC 5280 code', async () => {
    const reasons = ['keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const;
    const leaves = await Promise.all(reasons.map(() => makeLeaf(hierarchy)));
    const issued = await createCrl({
      issuer: hierarchy.intermediateIssuer,
      crlNumber: 3,
      entries: reasons.map((reason, index) => ({
        serialNumber: leaves[index]!.leaf.serialNumber,
        revokedAt: NOW,
        reason,
      })),
    });
    const codes = decodeCrl(issued.der).tbsCertList.revokedCertificates!.map(
      (entry) => AsnConvert.parse(extensionOf(entry.crlEntryExtensions, OID.crlReason)!.extnValue, CRLReason).reason,
    );
    expect(codes).toEqual([1, 3, 4, 5]);
  });

  it('lets the root sign its own CRL, with SHA-384 for its P-384 key', async () => {
    const issued = await createCrl({
      issuer: hierarchy.rootIssuer,
      crlNumber: 1,
      days: 365,
      entries: [{ serialNumber: hierarchy.intermediate.serialNumber, revokedAt: NOW, reason: 'superseded' }],
    });
    expect(decodeCrl(issued.der).signatureAlgorithm.algorithm).toBe(OID.ecdsaWithSha384);
    expect(
      await new x509.X509Crl(toArrayBuffer(issued.der)).verify({ publicKey: hierarchy.root.certificate.publicKey }),
    ).toBe(true);
  });

  it('refuses a CRL number that is not a positive whole number, and absurd lifetimes', async () => {
    for (const crlNumber of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
      await expect(
        createCrl({ issuer: hierarchy.intermediateIssuer, crlNumber, entries: [] }),
        String(crlNumber),
      ).rejects.toMatchObject({
        reason: 'invalid-option',
      });
    }
    await expect(
      createCrl({ issuer: hierarchy.intermediateIssuer, crlNumber: 1, entries: [], days: 367 }),
    ).rejects.toMatchObject({
      reason: 'invalid-option',
    });
  });

  it('refuses a signer that is not a CA', async () => {
    const leaf = await makeLeaf(hierarchy);
    await expect(
      createCrl({
        issuer: { certificate: leaf.leaf.certificate, signingKey: leaf.keys.privateKey },
        crlNumber: 1,
        entries: [],
      }),
    ).rejects.toMatchObject({ reason: 'policy' });
  });
});
