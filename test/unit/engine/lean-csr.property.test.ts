/**
 * The lean CSR reader against the reference (the whole request through
 * asn1-schema and x509), over random valid requests and hostile ones.
 *
 * - parseCsr (lean, handing the unusual to the reference) answers exactly as
 *   the reference: the same ParsedCsr, or the same refusal, word for word.
 * - The lean reading alone (readCsrLean) never accepts what the reference
 *   refuses, and what it accepts is deep-equal to the reference's result.
 * - It does accept every valid DER request generated here (so the fast path
 *   is what is being tested), and it accepts nothing that is not strict DER.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RootkeeperError } from '../../../shared/errors';
import { parseCsr, parseCsrReference, type ParsedCsr } from '../../../src-main/engine/csr';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { readCsrLean } from '../../../src-main/engine/lean-csr';
import { crypto, x509, type CryptoKeyPair } from '../../../src-main/engine/x509';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/temp-dir';

/** CI's runs; set ROOTKEEPER_FUZZ_RUNS for a longer hunt. */
const RUNS = Number(process.env.ROOTKEEPER_FUZZ_RUNS ?? 1);
const runs = (base: number) => ({ numRuns: Math.round(base * RUNS) });

type Outcome = { ok: true; value: ParsedCsr } | { ok: false; error: RootkeeperError };

async function outcome(action: () => Promise<ParsedCsr>): Promise<Outcome> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    expect(error).toBeInstanceOf(RootkeeperError);
    return { ok: false, error: error as RootkeeperError };
  }
}

const refusal = (error: RootkeeperError) => ({ code: error.code, reason: error.reason, message: error.message });

/** The three claims of this file, for one input; returns what was found. */
async function compare(input: Uint8Array | string): Promise<{ reference: Outcome; lean: ParsedCsr | null }> {
  const reference = await outcome(() => parseCsrReference(input));
  const answered = await outcome(() => parseCsr(input));
  const lean = readCsrLean(input);
  if (reference.ok) {
    expect(answered.ok).toBe(true);
    expect(answered.ok && answered.value).toStrictEqual(reference.value);
  } else {
    expect(answered.ok).toBe(false);
    expect(!answered.ok && refusal(answered.error)).toEqual(refusal(reference.error));
    expect(lean).toBeNull();
  }
  if (lean) expect(lean).toStrictEqual(reference.ok && reference.value);
  return { reference, lean };
}

// ---- A small DER tree, to re-encode requests with BER lengths and altered fields (test-side only).

interface DerNode {
  tag: number;
  value?: Uint8Array;
  children?: DerNode[];
  /** How the length is written: DER's minimal form, a needless long form, or BER's indefinite form. */
  form?: 'long' | 'indefinite';
}

function decodeDer(der: Uint8Array, start = 0, end = der.length): DerNode[] {
  const nodes: DerNode[] = [];
  for (let at = start; at < end;) {
    const tag = der[at]!;
    let length = der[at + 1]!;
    let content = at + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let index = 0; index < count; index++) length = length * 256 + der[content + index]!;
      content += count;
    }
    const stop = content + length;
    nodes.push(
      tag & 0x20 ? { tag, children: decodeDer(der, content, stop) } : { tag, value: der.slice(content, stop) },
    );
    at = stop;
  }
  return nodes;
}

function encodeDer(node: DerNode): Uint8Array {
  const content = node.children ? Buffer.concat(node.children.map(encodeDer)) : Buffer.from(node.value!);
  if (node.form === 'indefinite' && node.children)
    return Buffer.concat([Buffer.from([node.tag, 0x80]), content, Buffer.from([0, 0])]);
  let header: number[];
  if (node.form === 'long' || content.length >= 0x80) {
    const bytes: number[] = [];
    for (let length = content.length; length > 0; length = Math.floor(length / 256)) bytes.unshift(length & 0xff);
    // A needless long form: an extra leading zero byte, or 0x81 before a length under 128.
    if (node.form === 'long') bytes.unshift(0);
    header = [node.tag, 0x80 | bytes.length, ...bytes];
  } else {
    header = [node.tag, content.length];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

function walk(node: DerNode, visit: (node: DerNode) => void): void {
  visit(node);
  for (const child of node.children ?? []) walk(child, visit);
}

// ---- Valid requests: made by @peculiar/x509's generator and by `openssl req`.

interface Signed {
  readonly der: Uint8Array;
  /** The key that signed it, to sign altered requests again. */
  readonly key: KeyObject;
  readonly hash: string;
}

const ALGORITHMS = ['ec-p256', 'ec-p384', 'rsa-2048'] as const;
let keys: Record<(typeof ALGORITHMS)[number], CryptoKeyPair>;
const fixtures: Signed[] = [];
const OPENSSL_FIXTURES = 5;
let scratch: Awaited<ReturnType<typeof makeTempDir>>;

const OIDS = {
  CN: '2.5.4.3',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  DC: '0.9.2342.19200300.100.1.25',
  serialNumber: '2.5.4.5',
  emailAddress: '1.2.840.113549.1.9.1',
  title: '2.5.4.12',
};

const text = fc.string({
  unit: fc.constantFrom(..."abcXYZ019 -.,=+'()/:?@_*éü€".split('')),
  minLength: 1,
  maxLength: 24,
});
const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -.'.split('')), minLength: 1, maxLength: 24 });

const attribute = fc.oneof(
  fc.record({ oid: fc.constantFrom(...Object.values(OIDS)), value: text.map((value) => ({ utf8String: value })) }),
  fc.record({
    oid: fc.constantFrom(OIDS.CN, OIDS.O, OIDS.OU, OIDS.serialNumber),
    value: printable.map((value) => ({ printableString: value })),
  }),
  fc.record({
    oid: fc.constantFrom(OIDS.C),
    value: fc.constantFrom('GB', 'FR', 'US').map((v) => ({ printableString: v })),
  }),
  fc.record({
    oid: fc.constantFrom(OIDS.DC, OIDS.emailAddress),
    value: printable.map((value) => ({ ia5String: value })),
  }),
  fc.record({ oid: fc.constantFrom(OIDS.CN, OIDS.O), value: text.map((value) => ({ bmpString: value })) }),
  fc.record({ oid: fc.constantFrom(OIDS.CN, OIDS.L), value: text.map((value) => ({ universalString: value })) }),
);

const subject = fc.array(fc.array(attribute, { minLength: 1, maxLength: 2 }), { maxLength: 4 }).map((rdns) =>
  rdns.map((rdn) => {
    const json: Record<string, unknown[]> = {};
    for (const { oid, value } of rdn) (json[oid] ??= []).push(value);
    return json;
  }),
);

const san = fc.oneof(
  fc.domain().map((value) => ({ type: 'dns' as const, value })),
  fc.ipV4().map((value) => ({ type: 'ip' as const, value })),
  // Eight full groups: x509 cannot encode every spelling fc.ipV6() makes (embedded IPv4).
  fc
    .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
    .map((groups) => ({ type: 'ip' as const, value: groups.map((group) => group.toString(16)).join(':') })),
  fc.emailAddress().map((value) => ({ type: 'email' as const, value })),
  fc.webUrl().map((value) => ({ type: 'url' as const, value })),
);

const extraExtensions = fc.subarray([
  () => new x509.BasicConstraintsExtension(false, undefined, true),
  () => new x509.BasicConstraintsExtension(true, 1, true),
  () => new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
  () => new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.codeSigning]),
  () => new x509.Extension('1.3.6.1.4.1.11129.2.4.3', true, new Uint8Array([5, 0])),
]);

const requestSpec = fc.record({
  key: fc.constantFrom(...ALGORITHMS),
  hash: fc.constantFrom('SHA-256', 'SHA-384', 'SHA-512'),
  subject,
  sans: fc.array(san, { maxLength: 5 }),
  extensions: extraExtensions,
  withExtensionRequest: fc.boolean(),
});

async function generated(spec: typeof requestSpec extends fc.Arbitrary<infer T> ? T : never): Promise<Signed> {
  const pair = keys[spec.key];
  const extensions = spec.extensions.map((make) => make());
  if (spec.sans.length > 0) extensions.unshift(new x509.SubjectAlternativeNameExtension(spec.sans));
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: spec.subject as unknown as x509.JsonName,
    keys: pair as never,
    signingAlgorithm: (spec.key === 'rsa-2048'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: spec.hash }
      : { name: 'ECDSA', hash: spec.hash }) as never,
    ...(spec.withExtensionRequest || extensions.length > 0 ? { extensions } : {}),
  });
  const key = createPrivateKey({
    key: Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
    format: 'der',
    type: 'pkcs8',
  });
  return { der: new Uint8Array(request.rawData), key, hash: spec.hash.replace('-', '').toLowerCase() };
}

/** `openssl req` as admins run it: several key types, subjects and -addext requests. */
async function opensslFixture(name: string, newkey: string[], subj: string, ...args: string[]): Promise<Signed> {
  const out = path.join(scratch.dir, `${name}.csr`);
  const keyFile = path.join(scratch.dir, `${name}.key`);
  const made = run('openssl', [
    'req',
    '-new',
    ...newkey,
    '-nodes',
    '-keyout',
    keyFile,
    '-subj',
    subj,
    ...args,
    '-out',
    out,
  ]);
  if (made.status !== 0) throw new Error(made.stderr);
  const pem = await readFile(out, 'utf8');
  const der = new Uint8Array(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
  return { der, key: createPrivateKey(await readFile(keyFile)), hash: 'sha256' };
}

beforeAll(async () => {
  scratch = await makeTempDir();
  keys = {
    'ec-p256': await generateKeyPair('ec-p256', true),
    'ec-p384': await generateKeyPair('ec-p384', true),
    'rsa-2048': await generateKeyPair('rsa-2048', true),
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  fixtures.push(
    await opensslFixture('plain', ec, '/CN=www.example.com'),
    await opensslFixture(
      'sans',
      ec,
      '/CN=app.example.com/O=Example/C=GB',
      '-addext',
      'subjectAltName=DNS:app.example.com,DNS:*.app.example.com,IP:10.0.0.7,IP:2001:db8::1,email:ops@example.com,URI:https://app.example.com/',
    ),
    await opensslFixture(
      'rsa',
      ['-newkey', 'rsa:2048'],
      '/CN=rsa.example.com/emailAddress=ops@example.com/OU=Ops',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=keyCertSign,digitalSignature',
      '-addext',
      'extendedKeyUsage=serverAuth,clientAuth',
    ),
    await opensslFixture(
      'p384',
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      '/DC=com/DC=example/CN=Zoë Ünïcode/serialNumber=42',
      '-utf8',
      '-addext',
      'subjectAltName=DNS:p384.example.com',
    ),
    await opensslFixture('multivalue', ec, '/CN=a.example.com+O=Example/L=Town', '-multivalue-rdn'),
  );
  const spec = fc.sample(requestSpec, { numRuns: 12, seed: 17 });
  for (const one of spec) fixtures.push(await generated(one));
}, 120_000);

afterAll(() => scratch?.cleanup());

describe('lean CSR reader against the reference', () => {
  it('reads every valid request, generated or made by openssl, exactly as the reference does', async () => {
    for (const [index, fixture] of fixtures.entries()) {
      for (const input of [fixture.der, pem(fixture.der)]) {
        const { reference, lean } = await compare(input);
        // openssl's requests are all valid; a generated subject may break a naming rule.
        if (index < OPENSSL_FIXTURES || reference.ok) {
          expect(reference.ok).toBe(true);
          expect(lean).not.toBeNull();
        } else expect(reference.error.reason).toBe('invalid-name');
      }
    }
    await fc.assert(
      fc.asyncProperty(requestSpec, async (spec) => {
        const request = await generated(spec);
        const { reference, lean } = await compare(request.der);
        // A valid DER request the reference accepts is read by the lean path itself, not handed over.
        if (reference.ok) expect(lean).not.toBeNull();
        else expect(reference.error.reason).toBe('invalid-name');
        await compare(pem(request.der));
      }),
      runs(60),
    );
  });

  it('refuses what the reference refuses, and leaves BER and unusual requests to it', async () => {
    const seen = { referenceAccepted: 0, referenceRefused: 0, handedOver: 0 };
    await fc.assert(
      fc.asyncProperty(fc.nat(fixtures.length - 1), hostile, async (index, mutation) => {
        const fixture = fixtures[index]!;
        const { input, notDer } = mutation(fixture);
        const { reference, lean } = await compare(input);
        seen[reference.ok ? 'referenceAccepted' : 'referenceRefused']++;
        if (notDer) {
          expect(lean).toBeNull();
          if (reference.ok) seen.handedOver++;
        }
      }),
      runs(400),
    );
    // The hostile set is worth its name: both answers occur, and the hand-over is exercised.
    expect(seen.referenceRefused).toBeGreaterThan(50);
    expect(seen.referenceAccepted).toBeGreaterThan(0);
    expect(seen.handedOver).toBeGreaterThan(0);
  });
});

function pem(der: Uint8Array, label = 'CERTIFICATE REQUEST'): string {
  const body = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Re-encodes a request after `change`, signing its CertificationRequestInfo again when asked. */
function reencode(fixture: Signed, change: (request: DerNode) => void, resign: boolean): Uint8Array {
  const [request] = decodeDer(fixture.der);
  change(request!);
  if (resign) {
    const signature = sign(fixture.hash, encodeDer(request!.children![0]!), fixture.key);
    request!.children![2] = { tag: 0x03, value: Buffer.concat([Buffer.from([0]), signature]) };
  }
  return encodeDer(request!);
}

const EXTENSION_REQUEST_OID = Buffer.from('2a864886f70d01090e', 'hex');

type Mutation = (fixture: Signed) => { input: Uint8Array | string; notDer: boolean };

/** Hostile requests derived from the valid ones; `notDer` where the result is known not to be strict DER. */
const hostile: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((cut): Mutation => (f) => ({ input: f.der.subarray(0, cut % f.der.length), notDer: true })),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([at, bit]): Mutation => (f) => {
    const der = f.der.slice();
    der[at % der.length]! ^= 1 << bit;
    return { input: der, notDer: false };
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -2, max: 2 })).map(([at, delta]): Mutation => (f) => {
    // A length byte off by a little: every header's length byte is a candidate.
    const der = f.der.slice();
    const position = at % der.length;
    der[position] = (der[position]! + delta + 256) & 0xff;
    return { input: der, notDer: false };
  }),
  fc
    .uint8Array({ minLength: 1, maxLength: 8 })
    .map((extra): Mutation => (f) => ({ input: Buffer.concat([f.der, extra]), notDer: true })),
  fc
    .tuple(fc.nat(), fc.constantFrom<'long' | 'indefinite'>('long', 'indefinite'), fc.boolean())
    .map(([pick, form, resign]): Mutation => (f) => {
      // BER lengths on one element (inside or outside the signed part), signed again or not.
      const input = reencode(
        f,
        (request) => {
          const candidates: DerNode[] = [];
          // A signature signed again replaces the old one, and a BER length on it with it.
          const replaced = resign ? request.children![2] : undefined;
          walk(request, (node) => {
            if ((form === 'long' || node.children) && node !== replaced) candidates.push(node);
          });
          candidates[pick % candidates.length]!.form = form;
        },
        resign,
      );
      return { input, notDer: true };
    }),
  fc.tuple(fc.constantFrom(1, 2, 255, 256), fc.boolean()).map(([version, resign]): Mutation => (f) => ({
    input: reencode(
      f,
      (request) => {
        request.children![0]!.children![0] = {
          tag: 0x02,
          value: version > 255 ? Buffer.from([1, 0]) : Buffer.from([version]),
        };
      },
      resign,
    ),
    notDer: false,
  })),
  fc.constantFrom('duplicate', 'challengePassword', 'no-attributes', 'empty-values').map((kind): Mutation => (f) => ({
    input: reencode(
      f,
      (request) => {
        const info = request.children![0]!;
        const attributes = info.children![3];
        if (kind === 'no-attributes') info.children!.splice(3, 1);
        else if (kind === 'empty-values')
          attributes?.children?.push({
            tag: 0x30,
            children: [
              { tag: 0x06, value: EXTENSION_REQUEST_OID },
              { tag: 0x31, children: [] },
            ],
          });
        else if (kind === 'duplicate')
          attributes?.children?.push(
            attributes.children[0] ?? {
              tag: 0x30,
              children: [
                { tag: 0x06, value: EXTENSION_REQUEST_OID },
                { tag: 0x31, children: [{ tag: 0x30, children: [] }] },
              ],
            },
          );
        else
          attributes?.children?.push({
            tag: 0x30,
            children: [
              { tag: 0x06, value: Buffer.from('2a864886f70d010907', 'hex') },
              { tag: 0x31, children: [{ tag: 0x0c, value: Buffer.from('secret') }] },
            ],
          });
      },
      true,
    ),
    notDer: false,
  })),
  fc.constantFrom('sha1', 'md5', 'other').map((kind): Mutation => (f) => ({
    // A signature algorithm the reference does not accept, the request otherwise intact.
    input: reencode(
      f,
      (request) => {
        const oid = { sha1: '2a8648ce3d0401', md5: '2a864886f70d010104', other: '2b0601040182370101' }[kind];
        request.children![1] = { tag: 0x30, children: [{ tag: 0x06, value: Buffer.from(oid, 'hex') }] };
      },
      false,
    ),
    notDer: false,
  })),
  fc.integer({ min: 1, max: 4 }).map((unused): Mutation => (f) => ({
    input: reencode(
      f,
      (request) => {
        request.children![2]!.value![0] = unused;
      },
      false,
    ),
    notDer: false,
  })),
  fc
    .constantFrom('two-blocks', 'wrong-label', 'text-around', 'bad-base64', 'certificate-label')
    .map((kind): Mutation => (f) => {
      const block = pem(f.der);
      const input = {
        'two-blocks': block + block,
        'wrong-label': pem(f.der, 'NEW CERTIFICATE REQUEST'),
        'text-around': `Subject: whoever\n${block}trailing words\n`,
        'bad-base64': block.replace(/[A-Za-z]/, '*'),
        'certificate-label': pem(f.der, 'CERTIFICATE'),
      }[kind];
      return { input, notDer: false };
    }),
  fc
    .uint8Array({ minLength: 0, maxLength: 600 })
    .map((bytes): Mutation => () => ({ input: Buffer.concat([Buffer.from([0x30]), bytes]), notDer: false })),
);
