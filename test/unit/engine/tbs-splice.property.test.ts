/**
 * The spliced batch certificate (tbs-splice.ts) against the schema-class
 * reference (batch.ts signLeafReference): for random subjects, SAN lists,
 * subject keys, issuers, validity windows, serials, links and profiles, the
 * TBSCertificate and the Certificate must be the same bytes. RSA PKCS#1 v1.5
 * signatures are deterministic, so RSA issuers compare whole certificates
 * from both signers; for ECDSA the TBS is compared, then both Certificates
 * are built around one signature. A few of each run go through OpenSSL.
 */
import { KeyObject, generateKeyPairSync, sign, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LeafProfile, SubjectAltName } from '../../../shared/domain/pki';
import { DN_ATTRIBUTES, type DistinguishedName } from '../../../shared/validators/distinguished-name';
import { formatIpAddress, parseIpAddress } from '../../../shared/validators/ip-address';
import {
  leafTemplate,
  referenceTbs,
  signLeaf,
  signLeafReference,
  type LeafInput,
  type LeafTemplate,
} from '../../../src-main/engine/batch';
import { derHeader, readDerHeader } from '../../../src-main/engine/der';
import { certificatePem } from '../../../src-main/engine/formats/certificates';
import { splicedCertificate, splicedTbs } from '../../../src-main/engine/tbs-splice';
import type { ValidityWindow } from '../../../src-main/engine/validity';
import { x509 } from '../../../src-main/engine/x509';
import { makeHierarchy, type TestHierarchy } from '../../support/pki';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/temp-dir';

const RUNS = Number(process.env.ROOTKEEPER_FUZZ_RUNS ?? 1);
const runs = (base: number) => ({ numRuns: Math.round(base * RUNS) });

type IssuerKind = 'ec-p256' | 'ec-p384' | 'rsa-2048';
const ISSUERS: readonly IssuerKind[] = ['ec-p256', 'ec-p384', 'rsa-2048'];
const hierarchies = new Map<IssuerKind, TestHierarchy>();
/** A pool of subject keys, made once: key generation would dominate the run. */
const subjectKeys: { spki: Buffer; family: 'ec' | 'rsa'; label: string }[] = [];
let scratch: Awaited<ReturnType<typeof makeTempDir>>;

function spkiOf(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

beforeAll(async () => {
  scratch = await makeTempDir('rootkeeper-tbs-splice-');
  for (const kind of ISSUERS) hierarchies.set(kind, await makeHierarchy({ intermediateKey: kind, label: kind }));
  for (const curve of ['P-256', 'P-256', 'P-384', 'P-384']) {
    const spki = spkiOf(generateKeyPairSync('ec', { namedCurve: curve }).publicKey);
    subjectKeys.push({ spki, family: 'ec', label: curve });
  }
  for (const modulusLength of [2048, 2048, 3072]) {
    const spki = spkiOf(generateKeyPairSync('rsa', { modulusLength }).publicKey);
    subjectKeys.push({ spki, family: 'rsa', label: `RSA-${modulusLength}` });
  }
}, 120_000);
afterAll(() => scratch?.cleanup());

// Text the names carry: printable ASCII, DN specials, control characters, Latin-1, CJK, astral characters and a lone surrogate.
const textUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019 -.'.split('')) },
  { weight: 2, arbitrary: fc.constantFrom(...',+=#"<>;\\/\'()?:*@_&\t\u0000\u007f'.split('')) },
  { weight: 1, arbitrary: fc.constantFrom('ü', 'é', '€', 'ß', '中', '文', '😀', '\u{10348}', '\uD800') },
);
const text = (maxLength: number) => fc.string({ unit: textUnit, minLength: 1, maxLength });

const subject: fc.Arbitrary<DistinguishedName> = fc.oneof(
  { weight: 1, arbitrary: fc.constant([]) },
  {
    weight: 6,
    arbitrary: fc.array(
      fc.record({
        type: fc.constantFrom(...DN_ATTRIBUTES),
        // Mostly short, sometimes long enough for a long-form length inside the Name.
        value: fc.oneof({ weight: 4, arbitrary: text(20) }, { weight: 1, arbitrary: text(140) }),
      }),
      { minLength: 1, maxLength: 7 },
    ),
  },
);

const canonicalIp = (value: string) => formatIpAddress(parseIpAddress(value)!);
const san: fc.Arbitrary<SubjectAltName> = fc.oneof(
  fc.record({ type: fc.constant('dns' as const), value: fc.domain() }),
  fc.record({ type: fc.constant('dns' as const), value: fc.domain().map((domain) => `*.${domain}`) }),
  fc.record({ type: fc.constant('ip' as const), value: fc.ipV4() }),
  fc.record({ type: fc.constant('ip' as const), value: fc.ipV6().map(canonicalIp) }),
  // Forms planCsrSigning never passes on (it canonicalises): the splice must hand them to the library.
  fc.record({ type: fc.constant('ip' as const), value: fc.ipV6().map((value) => value.toUpperCase()) }),
  fc.record({ type: fc.constant('email' as const), value: fc.emailAddress() }),
  fc.record({ type: fc.constant('upn' as const), value: fc.emailAddress() }),
  fc.record({ type: fc.constant('upn' as const), value: text(30).map((local) => `${local}@corp.example`) }),
  fc.record({ type: fc.constant('dns' as const), value: text(30) }),
);
const sans = fc.oneof(
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 5, arbitrary: fc.array(san, { maxLength: 12 }) },
);

const hexDigits = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength, maxLength });
/** Serials as the store keeps them (normalised hex, no leading zeros), many with the top bit set. */
const serial = fc.oneof(
  fc.tuple(fc.constantFrom(...'123456789abcdef'.split('')), hexDigits(0, 39)).map(([head, rest]) => head + rest),
  fc.tuple(fc.constantFrom(...'89abcdef'.split('')), hexDigits(31, 31)).map(([head, rest]) => head + rest),
);

const UTC_LIMIT = Date.UTC(2050, 0, 1);
/** Whole seconds, with the UTCTime/GeneralizedTime boundary at 2050 (RFC 5280 §4.1.2.5) hit often. */
const window: fc.Arbitrary<ValidityWindow> = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: Date.UTC(1990, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 }),
      fc.integer({ min: UTC_LIMIT / 1000 - 3, max: UTC_LIMIT / 1000 + 3 }),
    ),
    fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 825 * 86_400 })),
  )
  .map(([start, length]) => ({
    notBefore: new Date(start * 1000),
    notAfter: new Date((start + length) * 1000),
    capped: false,
  }));

const url = (suffix: string) =>
  fc.oneof(
    fc.constant(undefined),
    fc.domain().map((host) => `http://${host}/${suffix}`),
    fc.constant(`http://pki.example.com/a/long/path/${'x'.repeat(120)}/${suffix}`),
  );

const scenario = fc.record({
  issuer: fc.constantFrom(...ISSUERS),
  profile: fc.constantFrom<LeafProfile>('server', 'client'),
  key: fc.nat(),
  subject,
  sans,
  serial,
  window,
  crl: url('intermediate.crl'),
  aia: url('intermediate.cer'),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function prepare(s: Scenario): { template: LeafTemplate; input: LeafInput; hierarchy: TestHierarchy } {
  const hierarchy = hierarchies.get(s.issuer)!;
  const key = subjectKeys[s.key % subjectKeys.length]!;
  const links = {
    ...(s.crl ? { crlDistributionUrl: s.crl } : {}),
    ...(s.aia ? { authorityInfoAccessUrl: s.aia } : {}),
  };
  const template = leafTemplate(hierarchy.intermediateIssuer, s.profile, s.window, links);
  const input = { subject: s.subject, spki: key.spki, keyFamily: key.family, sans: s.sans, serialNumber: s.serial };
  return { template, input, hierarchy };
}

/** Whichever way the reference reacts (a certificate or an exception), the splice reacts the same. */
function outcome(action: () => Uint8Array): { der: string } | { error: string } {
  try {
    return { der: Buffer.from(action()).toString('hex') };
  } catch (error) {
    return { error: String(error) };
  }
}

const forOpenssl: { der: Uint8Array; issuer: IssuerKind }[] = [];

describe('spliced batch certificates', () => {
  it('are byte-identical to the schema-class reference, TBS and Certificate', () => {
    let spliced = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const { template, input } = prepare(s);
        const reference = outcome(() => new Uint8Array(AsnConvert.serialize(referenceTbs(template, input))));
        const tbs = outcome(() => splicedTbs(template.spliced, input)!);
        expect(tbs).toEqual(reference);
        if ('error' in reference) return;
        spliced++;
        const tbsBytes = Buffer.from(reference.der, 'hex');
        const signature = sign(template.hash, tbsBytes, template.key!);
        expect(Buffer.from(splicedCertificate(template.spliced, tbsBytes, signature))).toEqual(
          Buffer.from(signLeafReference(template, input, () => signature)),
        );
        const der = signLeaf(template, input);
        if (s.issuer === 'rsa-2048') expect(Buffer.from(der)).toEqual(Buffer.from(signLeafReference(template, input)));
        // Whatever the signer, what signLeaf returns is the reference TBS, signed by the issuer.
        const certificate = readCertificate(der);
        expect(certificate.tbs).toEqual(tbsBytes);
        const issuerKey = KeyObject.from(hierarchies.get(s.issuer)!.intermediateKeys.publicKey as never);
        expect(verify(template.hash, certificate.tbs, issuerKey, certificate.signature)).toBe(true);
        if (forOpenssl.filter((entry) => entry.issuer === s.issuer).length < 3)
          forOpenssl.push({ der, issuer: s.issuer });
      }),
      runs(150),
    );
    // The comparison is only worth something if most scenarios produced a certificate.
    expect(spliced).toBeGreaterThan(runs(150).numRuns / 2);
  }, 300_000);

  it('parse and verify in OpenSSL (a sample of the run)', () => {
    expect(forOpenssl.length).toBeGreaterThanOrEqual(ISSUERS.length);
    for (const [index, { der, issuer }] of forOpenssl.entries()) {
      const hierarchy = hierarchies.get(issuer)!;
      const leaf = path.join(scratch.dir, `leaf-${index}.pem`);
      const root = path.join(scratch.dir, `root-${issuer}.pem`);
      const intermediate = path.join(scratch.dir, `intermediate-${issuer}.pem`);
      writeFileSync(leaf, certificatePem(der));
      writeFileSync(root, certificatePem(new Uint8Array(hierarchy.root.certificate.rawData)));
      writeFileSync(intermediate, certificatePem(new Uint8Array(hierarchy.intermediate.certificate.rawData)));
      const text = run('openssl', ['x509', '-in', leaf, '-noout', '-text']);
      expect(text.status, text.stderr).toBe(0);
      expect(text.stdout).toContain('X509v3 Subject Key Identifier');
      // Random windows lie anywhere from 1990 to 2100: the chain and signatures are what is checked here.
      const verified = run('openssl', ['verify', '-no_check_time', '-CAfile', root, '-untrusted', intermediate, leaf]);
      expect(verified.stdout + verified.stderr).toContain(`${leaf}: OK`);
      expect(verified.status).toBe(0);
    }
  });

  it('leaves the library out of a plain certificate, and uses it where the splice stops', () => {
    const { template, input } = prepare({
      issuer: 'ec-p256',
      profile: 'client',
      key: 0,
      subject: [
        { type: 'CN', value: 'Zoë Example' },
        { type: 'O', value: 'Example' },
        { type: 'DC', value: 'example' },
      ],
      sans: [
        { type: 'dns', value: 'a.example.com' },
        { type: 'ip', value: '10.0.0.1' },
        { type: 'ip', value: '2001:db8::1' },
        { type: 'email', value: 'a@example.com' },
        { type: 'upn', value: 'zoë@corp.example' },
      ],
      serial: '8a',
      window: { notBefore: new Date(Date.UTC(2049, 11, 31)), notAfter: new Date(Date.UTC(2050, 0, 2)), capped: false },
      crl: 'http://pki.example.com/i.crl',
      aia: undefined,
    });
    const name = vi.spyOn(x509.Name.prototype, 'toArrayBuffer');
    const san = vi.spyOn(x509.SubjectAlternativeNameExtension.prototype, 'onInit');
    const parse = vi.spyOn(AsnConvert, 'parse');
    try {
      const spliced = splicedTbs(template.spliced, input);
      expect([name.mock.calls.length, san.mock.calls.length, parse.mock.calls.length]).toEqual([0, 0, 0]);
      // A country outside PrintableString's alphabet and an IP in upper case: the library encodes those.
      const odd = {
        ...input,
        subject: [...input.subject, { type: 'C' as const, value: 'Ü' }],
        sans: [...input.sans, { type: 'ip' as const, value: '2001:DB8::2' }],
      };
      const fallback = splicedTbs(template.spliced, odd);
      expect([name.mock.calls.length > 0, san.mock.calls.length > 0]).toEqual([true, true]);
      expect(Buffer.from(spliced!)).toEqual(Buffer.from(AsnConvert.serialize(referenceTbs(template, input))));
      expect(Buffer.from(fallback!)).toEqual(Buffer.from(AsnConvert.serialize(referenceTbs(template, odd))));
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('hands every SPKI it does not pass through unchanged to the reference', () => {
    const hierarchy = hierarchies.get('rsa-2048')!;
    const now = new Date();
    const template = leafTemplate(hierarchy.intermediateIssuer, 'server', {
      notBefore: new Date(Math.floor(now.getTime() / 1000) * 1000),
      notAfter: new Date(Math.floor(now.getTime() / 1000) * 1000 + 86_400_000),
      capped: false,
    });
    const good = subjectKeys[0]!.spki;
    const hostile: Record<string, Buffer> = {
      'long-form length where the short form fits': Buffer.concat([
        Buffer.from([0x30, 0x81, good[1]!]),
        good.subarray(2),
      ]),
      'unused bits in the key BIT STRING': Buffer.from(good).fill(1, good.length - 66, good.length - 65),
      'an algorithm outside the known set (Ed25519)': spkiOf(generateKeyPairSync('ed25519').publicKey),
    };
    // A P-256 SPKI ends with the BIT STRING's length octet, its unused-bits octet and the 65-byte point.
    expect(good.subarray(-67, -65).toString('hex')).toBe('4200');
    for (const [reason, spki] of Object.entries(hostile)) {
      const input: LeafInput = {
        subject: [{ type: 'CN', value: 'x.example' }],
        spki,
        keyFamily: 'ec',
        sans: [{ type: 'dns', value: 'x.example' }],
        serialNumber: '01',
      };
      expect(splicedTbs(template.spliced, input), reason).toBeNull();
      expect(
        outcome(() => signLeaf(template, input)),
        reason,
      ).toEqual(outcome(() => signLeafReference(template, input)));
    }
    const trailing = Buffer.concat([good, Buffer.of(0)]);
    expect(
      splicedTbs(template.spliced, { subject: [], spki: trailing, keyFamily: 'ec', sans: [], serialNumber: '01' }),
    ).toBeNull();
  });
});

describe('DER lengths', () => {
  it('use the short form below 128 and the minimal long form above', () => {
    const cases: [number, string][] = [
      [0, '3000'],
      [127, '307f'],
      [128, '308180'],
      [255, '3081ff'],
      [256, '30820100'],
      [65_535, '3082ffff'],
      [65_536, '3083010000'],
    ];
    for (const [length, header] of cases) expect(derHeader(0x30, length).toString('hex')).toBe(header);
  });

  it('read back what they write and refuse non-minimal or overlong lengths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), (length) => {
        const bytes = Buffer.concat([derHeader(0x04, length), Buffer.alloc(length)]);
        expect(readDerHeader(bytes, 0, 0x04)).toEqual({ start: bytes.length - length, end: bytes.length });
        expect(readDerHeader(bytes.subarray(0, bytes.length - 1), 0, 0x04)).toBeNull();
        expect(readDerHeader(bytes, 0, 0x30)).toBeNull();
      }),
      runs(200),
    );
    expect(readDerHeader(Buffer.from('04810500000000', 'hex'), 0, 0x04)).toBeNull();
    expect(readDerHeader(Buffer.from('0482000500000000', 'hex'), 0, 0x04)).toBeNull();
    expect(readDerHeader(Buffer.from('0480', 'hex'), 0, 0x04)).toBeNull();
  });
});

/** The Certificate's TBS bytes and signature as asn1js reads them (the engine splices without it). */
function readCertificate(der: Uint8Array): { tbs: Buffer; signature: Buffer } {
  const decoded = asn1js.fromBER(der);
  expect(decoded.offset).toBe(der.length);
  const [tbs, , signature] = (decoded.result as asn1js.Sequence).valueBlock.value as [
    asn1js.Sequence,
    asn1js.Sequence,
    asn1js.BitString,
  ];
  return { tbs: Buffer.from(tbs.valueBeforeDecodeView), signature: Buffer.from(signature.valueBlock.valueHexView) };
}
