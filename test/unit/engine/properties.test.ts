/**
 * Property tests: whatever bytes or text arrive, the parsers answer with a
 * result or one of the engine's typed rejections, never another exception,
 * and nothing is ever signed for input that was refused.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RootkeeperError } from '../../../shared/errors';
import { checkDnsName } from '../../../shared/validators/dns-name';
import { formatDistinguishedName, parseDistinguishedName } from '../../../shared/validators/distinguished-name';
import { checkSubjectAltName, parseSanSpec } from '../../../shared/validators/subject-alt-name';
import { parseCsr, signCsr } from '../../../src-main/engine/csr';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { fromX509Name, toX509Name } from '../../../src-main/engine/names';
import { leafSubjectAltNames } from '../../../src-main/engine/profiles/leaf';
import { crypto, x509 } from '../../../src-main/engine/x509';
import { makeHierarchy, type TestHierarchy } from '../../support/pki';

/** Runs `action`; anything thrown must be a RootkeeperError refusing input. */
async function typedOutcome<T>(
  action: () => Promise<T> | T,
): Promise<{ ok: true; value: T } | { ok: false; error: RootkeeperError }> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    expect(error).toBeInstanceOf(RootkeeperError);
    expect((error as RootkeeperError).code).toBe('REJECTED_INPUT');
    return { ok: false, error: error as RootkeeperError };
  }
}

/** CI's runs; set ROOTKEEPER_FUZZ_RUNS for a longer hunt. */
const RUNS = Number(process.env.ROOTKEEPER_FUZZ_RUNS ?? 1);
const runs = (base: number) => ({ numRuns: Math.round(base * RUNS) });

const nameText = fc.string({
  unit: fc.constantFrom(...'abcXYZ019 ,=/\\+#"<>;.-_*@:\u0000\u0007\tüé€'.split('')),
  maxLength: 60,
});

describe('DN and SAN parsing', () => {
  it('never throws on any text, and what it accepts survives formatting and X.509 encoding', () => {
    fc.assert(
      fc.property(
        fc.oneof(nameText, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 })),
        (text) => {
          const parsed = parseDistinguishedName(text);
          if ('problem' in parsed) {
            expect(parsed.problem.length).toBeGreaterThan(0);
            return;
          }
          expect(parseDistinguishedName(formatDistinguishedName(parsed.dn))).toEqual(parsed);
          expect(fromX509Name(toX509Name(parsed.dn)).dn).toEqual(parsed.dn);
        },
      ),
      runs(1500),
    );
  });

  it('never throws on any SAN text; accepted names are already normalised', () => {
    fc.assert(
      fc.property(
        fc.oneof(nameText, fc.string({ maxLength: 80 }), fc.domain(), fc.ipV4(), fc.ipV6(), fc.emailAddress()),
        (text) => {
          for (const spec of [text, `dns:${text}`, `ip:${text}`, `email:${text}`]) {
            const san = parseSanSpec(spec);
            if ('problem' in san) continue;
            expect(checkSubjectAltName(san)).toEqual(san);
            expect(checkDnsName(san.value, { allowWildcard: true })).toBeDefined();
          }
        },
      ),
      runs(1500),
    );
  });

  it('turns any SAN list into a certificate SAN list or a typed refusal', async () => {
    const sanType = fc.constantFrom('dns', 'ip', 'email', 'upn') as fc.Arbitrary<'dns' | 'ip' | 'email' | 'upn'>;
    const value = fc.oneof(nameText, fc.domain(), fc.ipV4(), fc.ipV6(), fc.emailAddress());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('server', 'client') as fc.Arbitrary<'server' | 'client'>,
        fc.array(fc.record({ type: sanType, value }), { maxLength: 5 }),
        async (profile, sans) => {
          await typedOutcome(() => leafSubjectAltNames(profile, [{ type: 'CN', value: 'host' }], sans));
        },
      ),
      runs(800),
    );
  });
});

describe('the CSR parser fed random and mutated bytes', () => {
  let hierarchy: TestHierarchy;
  let valid: Uint8Array;
  let sign: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    hierarchy = await makeHierarchy();
    const keys = await generateKeyPair('ec-p256', false);
    const request = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=www.example.com, O=Example',
      keys: keys as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as never,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'www.example.com' },
          { type: 'ip', value: '10.0.0.1' },
        ]),
      ],
    });
    valid = new Uint8Array(request.rawData);
    sign = vi.spyOn(crypto.subtle, 'sign');
  });

  afterAll(() => sign.mockRestore());

  /** Parses, and signs what parses; counts every signature made for input that was refused. */
  async function parseAndMaybeSign(input: Uint8Array | string): Promise<void> {
    sign.mockClear();
    const parsed = await typedOutcome(() => parseCsr(input));
    if (!parsed.ok) {
      expect(sign).not.toHaveBeenCalled();
      return;
    }
    // Whatever parsed passed its signature check, so its signed content is the original's.
    expect(parsed.value.report.subject).toBe('CN=www.example.com, O=Example');
    const signed = await typedOutcome(() =>
      signCsr(parsed.value, { profile: 'server', issuer: hierarchy.intermediateIssuer }),
    );
    if (!signed.ok) expect(sign).not.toHaveBeenCalled();
  }

  it('refuses random bytes with a typed error and signs nothing', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), parseAndMaybeSign), runs(500));
  });

  it('refuses random text dressed as PEM', async () => {
    const body = fc.base64String({ maxLength: 600 });
    await fc.assert(
      fc.asyncProperty(body, async (base64) => {
        await parseAndMaybeSign(`-----BEGIN CERTIFICATE REQUEST-----\n${base64}\n-----END CERTIFICATE REQUEST-----\n`);
      }),
      runs(300),
    );
  });

  it('handles a valid request with bytes flipped, inserted, removed or cut off', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        let bytes = Array.from(valid);
        for (const change of mutations) {
          const at = change.at % bytes.length;
          if (change.kind === 'flip') bytes[at] = bytes[at]! ^ (1 << change.bit);
          if (change.kind === 'insert') bytes.splice(at, 0, change.byte);
          if (change.kind === 'remove') bytes.splice(at, 1);
          if (change.kind === 'truncate') bytes = bytes.slice(0, at);
        }
        await parseAndMaybeSign(new Uint8Array(bytes));
      }),
      runs(600),
    );
  });
});
