import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsr, planCsrSigning, signCsr } from '../../../src-main/engine/csr';
import { certificatePem } from '../../../src-main/engine/formats/certificates';
import { generateKeyPair } from '../../../src-main/engine/keys';
import { crypto, x509, type CryptoKeyPair } from '../../../src-main/engine/x509';
import { failure } from '../../support/errors';
import { makeHierarchy, type TestHierarchy } from '../../support/pki';

interface RequestOptions {
  name?: string;
  sans?: x509.JsonGeneralName[];
  extensions?: x509.Extension[];
  keys?: CryptoKeyPair;
}

async function makeRequest(options: RequestOptions = {}): Promise<x509.Pkcs10CertificateRequest> {
  const keys = options.keys ?? ((await generateKeyPair('ec-p256', false)) as CryptoKeyPair);
  const extensions = [...(options.extensions ?? [])];
  if (options.sans) extensions.unshift(new x509.SubjectAlternativeNameExtension(options.sans));
  const algorithm = (keys.privateKey.algorithm as { name: string }).name;
  return x509.Pkcs10CertificateRequestGenerator.create({
    name: options.name ?? 'CN=www.example.com, O=Example',
    keys: keys as never,
    signingAlgorithm: (algorithm === 'ECDSA'
      ? { name: 'ECDSA', hash: 'SHA-256' }
      : { name: algorithm, hash: 'SHA-256' }) as never,
    extensions,
  });
}

let hierarchy: TestHierarchy;
beforeAll(async () => {
  hierarchy = await makeHierarchy({ nameConstraints: { permittedDns: ['example.com'], permittedIp: ['10.0.0.0/8'] } });
});

describe('parseCsr', () => {
  it('reports the subject, key, requested names and every requested extension, from PEM or DER', async () => {
    const request = await makeRequest({
      sans: [
        { type: 'dns', value: 'www.example.com' },
        { type: 'ip', value: '10.0.0.7' },
        { type: 'url', value: 'https://www.example.com/' },
      ],
      extensions: [new x509.BasicConstraintsExtension(true, 2, true)],
    });
    for (const input of [request.toString('pem'), new Uint8Array(request.rawData)]) {
      const parsed = await parseCsr(input);
      expect(parsed.report).toMatchObject({
        subject: 'CN=www.example.com, O=Example',
        key: { label: 'ECDSA P-256', family: 'ec', bits: 256 },
        signatureValid: true,
        requestedSans: [
          { type: 'dns', value: 'www.example.com' },
          { type: 'ip', value: '10.0.0.7' },
        ],
        unsupportedSans: ['url:https://www.example.com/'],
        requestedExtensions: [
          {
            oid: '2.5.29.17',
            name: 'subjectAltName',
            critical: false,
            value: expect.stringContaining('DNS:www.example.com'),
          },
          { oid: '2.5.29.19', name: 'basicConstraints', critical: true, value: 'CA:TRUE, pathlen:2' },
        ],
      });
      expect(parsed.report.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    }
  });

  it('reports RSA keys with their size', async () => {
    const keys = (await generateKeyPair('rsa-3072', false)) as CryptoKeyPair;
    expect((await parseCsr((await makeRequest({ keys })).toString('pem'))).report.key).toEqual({
      label: 'RSA 3072',
      family: 'rsa',
      bits: 3072,
    });
  });

  it('refuses a request whose signature does not verify', async () => {
    const der = new Uint8Array((await makeRequest()).rawData);
    der[der.length - 5]! ^= 0x01;
    expect(await failure(parseCsr(der))).toMatchObject({ code: 'REJECTED_INPUT', reason: 'bad-signature' });
  });

  it('refuses weak and unsupported keys with the reason', async () => {
    const weak = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    expect(await failure(parseCsr((await makeRequest({ keys: weak })).toString('pem')))).toMatchObject({
      reason: 'weak-key',
      message: expect.stringMatching(/1024-bit.*at least 2048/),
    });
    const ed = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const edRequest = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=ed',
      keys: ed as never,
      signingAlgorithm: { name: 'Ed25519' },
    });
    expect(await failure(parseCsr(edRequest.toString('pem')))).toMatchObject({
      reason: 'unsupported-key',
      message: expect.stringMatching(/Ed25519 keys are refused: browsers/),
    });
    const p521 = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-521' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const p521Request = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=p',
      keys: p521 as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-512' } as never,
    });
    expect(await failure(parseCsr(p521Request.toString('pem')))).toMatchObject({
      reason: 'unsupported-key',
      message: expect.stringMatching(/P-521/),
    });
  });

  it('says what a file is when it is not a request', async () => {
    expect(await failure(parseCsr(certificatePem(hierarchy.root.der)))).toMatchObject({
      reason: 'wrong-kind',
      message: 'This file is a certificate, not a certificate signing request.',
    });
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', hierarchy.rootKeys.privateKey));
    expect(await failure(parseCsr(pkcs8))).toMatchObject({
      reason: 'wrong-kind',
      message: expect.stringMatching(/is a private key/),
    });
  });

  it('refuses truncated DER, trailing garbage, junk and oversized input', async () => {
    const der = new Uint8Array((await makeRequest()).rawData);
    expect(await failure(parseCsr(der.subarray(0, der.length - 10)))).toMatchObject({ reason: 'malformed' });
    expect(await failure(parseCsr(new Uint8Array([...der, 0, 0, 1])))).toMatchObject({ reason: 'trailing-data' });
    expect(await failure(parseCsr(new Uint8Array([0x41, 0x42, 0x43, 0x00, 0x01])))).toMatchObject({
      reason: 'not-pem-or-der',
    });
    expect(await failure(parseCsr(new Uint8Array(64 * 1024 + 1)))).toMatchObject({ reason: 'too-large' });
    const pem = (await makeRequest()).toString('pem');
    expect(await failure(parseCsr(pem.replace(/-----END[^]*$/, '')))).toMatchObject({
      reason: 'malformed',
      message: expect.stringMatching(/END line/),
    });
  });
});

describe('planCsrSigning and signCsr', () => {
  it('keeps the requested SANs and shows requested against issued', async () => {
    const parsed = await parseCsr(
      (
        await makeRequest({
          sans: [
            { type: 'dns', value: 'api.example.com' },
            { type: 'ip', value: '10.1.2.3' },
          ],
        })
      ).toString('pem'),
    );
    const plan = planCsrSigning(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer });
    expect(plan.refusals).toEqual([]);
    expect(plan.sans).toEqual([
      { type: 'dns', value: 'www.example.com' },
      { type: 'dns', value: 'api.example.com' },
      { type: 'ip', value: '10.1.2.3' },
    ]);
    expect(plan.comparison).toEqual(
      expect.arrayContaining([
        {
          field: 'Subject alternative name',
          requested: 'dns:api.example.com',
          issued: 'dns:api.example.com',
          change: 'same',
        },
        { field: 'Subject alternative name', requested: '', issued: 'dns:www.example.com', change: 'added' },
        { field: 'Extended key usage', requested: '', issued: 'serverAuth', change: 'added' },
        { field: 'Basic constraints', requested: '', issued: 'CA:FALSE', change: 'added' },
      ]),
    );
    const issued = await signCsr(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer });
    const san = issued.certificate.getExtension(x509.SubjectAlternativeNameExtension)!;
    expect(san.names.toJSON()).toEqual([
      { type: 'dns', value: 'www.example.com' },
      { type: 'dns', value: 'api.example.com' },
      { type: 'ip', value: '10.1.2.3' },
    ]);
  });

  it('builds from the profile, never from the request: a CA request gets CA:FALSE and a listed warning', async () => {
    const parsed = await parseCsr(
      (
        await makeRequest({
          extensions: [
            new x509.BasicConstraintsExtension(true, undefined, true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.codeSigning, x509.ExtendedKeyUsage.serverAuth]),
            new x509.Extension('1.2.3.4.5', false, new Uint8Array([5, 0])),
          ],
        })
      ).toString('pem'),
    );
    const issued = await signCsr(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer });
    expect(issued.certificate.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(issued.certificate.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(issued.certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
      x509.ExtendedKeyUsage.serverAuth,
    ]);
    expect(issued.certificate.getExtension('1.2.3.4.5')).toBeNull();
    expect(issued.warnings).toEqual([
      expect.stringMatching(/asks to be a CA/),
      expect.stringMatching(/keyCertSign/),
      expect.stringMatching(/codeSigning was left out/),
      expect.stringMatching(/1.2.3.4.5 is not copied/),
    ]);
  });

  it('refuses instead of warning in strict mode', async () => {
    const parsed = await parseCsr(
      (await makeRequest({ extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] })).toString('pem'),
    );
    const plan = planCsrSigning(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer, strict: true });
    expect(plan.refusals).toEqual([{ reason: 'policy', message: expect.stringMatching(/asks to be a CA/) }]);
    expect(
      await failure(signCsr(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer, strict: true })),
    ).toMatchObject({ reason: 'policy' });
  });

  it('drops SAN kinds the profile does not carry, with a warning', async () => {
    const parsed = await parseCsr(
      (
        await makeRequest({
          sans: [
            { type: 'dns', value: 'www.example.com' },
            { type: 'email', value: 'web@example.com' },
          ],
        })
      ).toString('pem'),
    );
    const plan = planCsrSigning(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer });
    expect(plan.sans).toEqual([{ type: 'dns', value: 'www.example.com' }]);
    expect(plan.warnings).toEqual([expect.stringMatching(/email:web@example.com was left out/)]);
    expect(plan.comparison).toContainEqual({
      field: 'Subject alternative name',
      requested: 'email:web@example.com',
      issued: '',
      change: 'removed',
    });
  });

  it('refuses, naming it, a requested name outside the name constraints; nothing is signed', async () => {
    const parsed = await parseCsr(
      (await makeRequest({ sans: [{ type: 'dns', value: 'www.example.org' }] })).toString('pem'),
    );
    const plan = planCsrSigning(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer });
    expect(plan.refusals).toEqual([
      { reason: 'name-not-permitted', message: expect.stringMatching(/dns:www.example.org is outside/) },
    ]);
    expect(await failure(signCsr(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer }))).toMatchObject({
      reason: 'name-not-permitted',
    });
  });

  it.each([
    ['an invalid DNS name', [{ type: 'dns', value: 'bad_name.example.com' }], 'invalid-name'],
    ['an IP address given as a DNS name', [{ type: 'dns', value: '10.0.0.1' }], 'invalid-name'],
    ['a wildcard that is not the whole left-most label', [{ type: 'dns', value: 'www*.example.com' }], 'invalid-name'],
    ['a name with a space', [{ type: 'dns', value: 'www .example.com' }], 'invalid-name'],
    ['a name with a control character', [{ type: 'dns', value: 'www\u0001.example.com' }], 'invalid-name'],
    [
      'a duplicate SAN',
      [
        { type: 'dns', value: 'a.example.com' },
        { type: 'dns', value: 'a.example.com' },
      ],
      'duplicate-name',
    ],
  ] as const)('refuses %s before signing', async (_what, sans, reason) => {
    const parsed = await parseCsr((await makeRequest({ sans: [...sans] })).toString('pem'));
    expect(planCsrSigning(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer }).refusals).toEqual([
      { reason, message: expect.any(String) },
    ]);
    expect(await failure(signCsr(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer }))).toMatchObject({
      reason,
    });
  });

  it("uses the officer's edited SAN list when given", async () => {
    const parsed = await parseCsr(
      (await makeRequest({ name: 'CN=Web Server', sans: [{ type: 'dns', value: 'old.example.com' }] })).toString('pem'),
    );
    const issued = await signCsr(parsed, {
      profile: 'server',
      issuer: hierarchy.intermediateIssuer,
      sans: [{ type: 'ip', value: '10.0.0.9' }],
    });
    expect(issued.certificate.getExtension(x509.SubjectAlternativeNameExtension)!.names.toJSON()).toEqual([
      { type: 'ip', value: '10.0.0.9' },
    ]);
  });

  it('drops subject attributes it does not issue, with a warning', async () => {
    const parsed = await parseCsr(
      (await makeRequest({ name: 'CN=www.example.com, E=admin@example.com' })).toString('pem'),
    );
    const plan = planCsrSigning(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer });
    expect(plan.subject).toBe('CN=www.example.com');
    expect(plan.warnings).toEqual([expect.stringMatching(/subject attribute E=admin@example.com/)]);
  });
});
