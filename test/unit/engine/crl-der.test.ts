/**
 * The CRL's revoked certificates are encoded directly (engine/crl-der.ts):
 * for random lists the whole TBSCertList must be byte for byte the one the
 * @peculiar/asn1-x509 classes encode (the reference, as CRLs were built
 * before), and a signed list must still verify and parse in OpenSSL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CRL_REASONS, type CrlReason } from '../../../shared/domain/pki';
import { REASON_CODES, revokedCertificate, type RevokedEntry } from '../../../src-main/engine/crl-der';
import {
  createCrl,
  encodeTbsCertList,
  encodeTbsCertListWithSchema,
  type TbsCertListFields,
} from '../../../src-main/engine/crl';
import { authorityKeyIdentifier } from '../../../src-main/engine/profiles/common';
import { makeHierarchy, type TestHierarchy } from '../../support/pki';

let hierarchy: TestHierarchy;
let fields: TbsCertListFields;
beforeAll(async () => {
  hierarchy = await makeHierarchy();
  fields = {
    algorithm: new asn.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }),
    issuer: AsnConvert.parse(hierarchy.intermediate.der, asn.Certificate).tbsCertificate.subject,
    thisUpdate: new Date('2026-11-29T10:00:00Z'),
    nextUpdate: new Date('2026-12-29T10:00:00Z'),
    aki: await authorityKeyIdentifier(hierarchy.intermediate.certificate),
    crlNumber: 42,
  };
});

/** Whole seconds from 1950 (UTCTime's first year) to 9999, both Time forms and the 2049/2050 edge. */
const instant = fc
  .oneof(
    fc.integer({ min: Date.UTC(1950, 0, 1) / 1000, max: Date.UTC(9999, 11, 31, 23, 59, 59) / 1000 }),
    fc.integer({ min: Date.UTC(2049, 11, 31) / 1000, max: Date.UTC(2050, 0, 2) / 1000 }),
  )
  .map((seconds) => new Date(seconds * 1000));

/** Serials of 1 to 20 bytes, top bit set or not, leading zeros in the text, upper or lower case, colons. */
const serial = fc
  .uint8Array({ minLength: 1, maxLength: 20 })
  .chain((bytes) =>
    fc.record({
      hex: fc.constant(Buffer.from(bytes).toString('hex')),
      upper: fc.boolean(),
      colons: fc.boolean(),
    }),
  )
  .map(({ hex, upper, colons }) => {
    const text = colons ? (hex.match(/../g) ?? [hex]).join(':') : hex;
    return upper ? text.toUpperCase() : text;
  });

const entry: fc.Arbitrary<RevokedEntry> = fc
  .record({
    serialNumber: serial,
    revokedAt: instant,
    reason: fc.constantFrom<CrlReason>(...CRL_REASONS),
    invalidityDate: fc.option(instant, { nil: undefined }),
  })
  .map(({ invalidityDate, ...rest }) => (invalidityDate ? { ...rest, invalidityDate } : rest));

describe('revoked certificates encoded directly', () => {
  it('give the TBSCertList the schema classes encode, byte for byte, for random lists', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        expect(encodeTbsCertList(fields, entries).equals(encodeTbsCertListWithSchema(fields, entries))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('match the schema for a list long enough for four-byte lengths', () => {
    const entries = fc.sample(entry, { numRuns: 3000, seed: 17 });
    const direct = encodeTbsCertList(fields, entries);
    expect(direct.length).toBeGreaterThan(65_536);
    expect(direct.equals(encodeTbsCertListWithSchema(fields, entries))).toBe(true);
  });

  it('use the schema’s reason codes for every reason', () => {
    for (const reason of CRL_REASONS) {
      const code = REASON_CODES[reason];
      expect(code === undefined ? reason : asn.CRLReasons[code]).toBe(reason);
    }
  });

  it('refuse a serial that is not one, as the schema path did', () => {
    expect(() => revokedCertificate({ serialNumber: 'xyz', revokedAt: new Date(), reason: 'superseded' })).toThrow(
      /not a serial number/,
    );
  });

  it('sign into a CRL that OpenSSL parses and verifies, entries and reasons as given', async () => {
    const entries: RevokedEntry[] = [
      { serialNumber: '8f01', revokedAt: new Date('2026-11-01T00:00:00Z'), reason: 'keyCompromise' },
      { serialNumber: '01', revokedAt: new Date('2026-11-02T00:00:00Z'), reason: 'unspecified' },
      {
        serialNumber: '7a',
        revokedAt: new Date('2026-11-03T00:00:00Z'),
        reason: 'superseded',
        invalidityDate: new Date('2026-10-30T12:00:00Z'),
      },
    ];
    const crl = await createCrl({ issuer: hierarchy.intermediateIssuer, crlNumber: 3, entries });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rk-crl-der-'));
    writeFileSync(path.join(dir, 'crl.der'), crl.der);
    writeFileSync(path.join(dir, 'ca.pem'), hierarchy.intermediate.certificate.toString('pem'));
    const text = execFileSync(
      'openssl',
      [
        'crl',
        '-inform',
        'DER',
        '-in',
        path.join(dir, 'crl.der'),
        '-CAfile',
        path.join(dir, 'ca.pem'),
        '-noout',
        '-text',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(text).toMatch(
      /Serial Number: 8F01\s+Revocation Date: Nov {2}1 00:00:00 2026 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/,
    );
    expect(text).toMatch(/Serial Number: 01\s+Revocation Date: Nov {2}2 00:00:00 2026 GMT\s+Serial Number: 7A/);
    expect(text).toMatch(/Serial Number: 7A[\s\S]*Superseded[\s\S]*Invalidity Date:\s+Oct 30 12:00:00 2026 GMT/);
    const verified = execFileSync(
      'openssl',
      ['crl', '-inform', 'DER', '-in', path.join(dir, 'crl.der'), '-CAfile', path.join(dir, 'ca.pem'), '-noout'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(verified).toBe('');
  });
});
