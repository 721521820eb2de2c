/**
 * The engine's certificates, CRLs and CSR signing, checked by OpenSSL itself:
 * `verify -x509_strict` with the TLS purposes, `x509 -text`, `crl -verify`,
 * and requests made by `openssl req`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toArrayBuffer } from '../../src-main/engine/bytes';
import type { KeyAlgorithm } from '../../shared/domain/pki';
import { createCrl } from '../../src-main/engine/crl';
import { parseCsr, signCsr } from '../../src-main/engine/csr';
import { serialIntegerHex } from '../../src-main/engine/serial';
import { certificatePem } from '../../src-main/engine/formats/certificates';
import { x509 } from '../../src-main/engine/x509';
import { forge, serverLeafExtensions } from '../support/forge';
import { makeHierarchy, makeLeaf, writeHierarchy } from '../support/pki';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('rootkeeper-openssl-')));
afterAll(() => cleanup());

function openssl(...args: string[]) {
  return run('openssl', args, { cwd: dir });
}

const strictVerify = (purpose: string, files: Record<string, string>, leaf = files.leaf!) =>
  openssl(
    'verify',
    '-x509_strict',
    '-purpose',
    purpose,
    '-CAfile',
    files.root!,
    '-untrusted',
    files.intermediate!,
    leaf,
  );

describe('openssl verify -x509_strict', () => {
  const combinations: [KeyAlgorithm, KeyAlgorithm, KeyAlgorithm][] = [
    ['ec-p384', 'ec-p384', 'ec-p256'],
    ['rsa-4096', 'rsa-3072', 'rsa-2048'],
    ['ec-p256', 'rsa-2048', 'ec-p384'],
    ['rsa-2048', 'ec-p256', 'rsa-3072'],
  ];

  it.each(combinations)(
    'accepts a %s root, %s intermediate and %s server leaf for sslserver',
    async (rootKey, intermediateKey, leafKey) => {
      const hierarchy = await makeHierarchy({
        rootKey,
        intermediateKey,
        purpose: 'both',
        label: `${rootKey}-${intermediateKey}`,
      });
      const leaf = await makeLeaf(hierarchy, {
        cn: 'www.example.com',
        sans: [{ type: 'ip', value: '192.0.2.10' }],
        key: leafKey,
      });
      const folder = path.join(dir, `${rootKey}-${intermediateKey}-${leafKey}`);
      await run('mkdir', ['-p', folder]);
      const files = await writeHierarchy(folder, hierarchy, leaf);
      const result = strictVerify('sslserver', files);
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(`${files.leaf}: OK`);
      expect(result.status).toBe(0);
      // A server certificate is not a client certificate.
      expect(strictVerify('sslclient', files).stdout + strictVerify('sslclient', files).stderr).toMatch(
        /unsuitable certificate purpose/,
      );
    },
  );

  it('accepts a client leaf for sslclient and refuses it for sslserver', async () => {
    const hierarchy = await makeHierarchy({ purpose: 'client', label: 'Clients' });
    const leaf = await makeLeaf(hierarchy, {
      profile: 'client',
      cn: 'Alice',
      sans: [{ type: 'email', value: 'alice@example.com' }],
    });
    const files = await writeHierarchy(dir, hierarchy, leaf);
    expect(strictVerify('sslclient', files).stdout.trim()).toBe(`${files.leaf}: OK`);
    expect(strictVerify('sslserver', files).status).not.toBe(0);
  });

  it("refuses a leaf whose intermediate's EKU does not allow the purpose", async () => {
    const hierarchy = await makeHierarchy({ purpose: 'client', label: 'ClientOnly' });
    const forged = await forge({
      subject: 'CN=www.example.com',
      issuer: { certificate: hierarchy.intermediate.certificate, key: hierarchy.intermediateKeys.privateKey },
      extensions: serverLeafExtensions([{ type: 'dns', value: 'www.example.com' }]),
    });
    const files = await writeHierarchy(dir, hierarchy);
    const leafFile = path.join(dir, 'eku-forged.pem');
    await writeFile(leafFile, forged.certificate.toString('pem'));
    const result = strictVerify('sslserver', files, leafFile);
    expect(result.status).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/unsuitable certificate purpose/);
  });
});

describe('openssl x509 -text', () => {
  it('shows every extension of each profile with its criticality', async () => {
    const hierarchy = await makeHierarchy({
      nameConstraints: { permittedDns: ['example.com'], permittedIp: ['192.0.2.0/24'] },
      label: 'Text',
    });
    const leaf = await makeLeaf(hierarchy, { cn: 'www.example.com', sans: [{ type: 'ip', value: '192.0.2.10' }] });
    const files = await writeHierarchy(dir, hierarchy, leaf);
    const text = (file: string) => openssl('x509', '-in', file, '-noout', '-text').stdout;

    const root = text(files.root!);
    expect(root).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
    expect(root).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    expect(root).toMatch(/Signature Algorithm: ecdsa-with-SHA384/);
    expect(root).not.toMatch(/Extended Key Usage/);

    const intermediate = text(files.intermediate!);
    expect(intermediate).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(intermediate).toMatch(
      /X509v3 Extended Key Usage: \s+TLS Web Server Authentication, TLS Web Client Authentication/,
    );
    expect(intermediate).toMatch(
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:example.com\s+IP:192.0.2.0\/255.255.255.0/,
    );

    const server = text(files.leaf!);
    expect(server).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(server).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(server).toMatch(/X509v3 Extended Key Usage: \s+TLS Web Server Authentication\n/);
    expect(server).toMatch(/X509v3 Subject Alternative Name: \s+DNS:www.example.com, IP Address:192.0.2.10/);
    expect(server).toMatch(/X509v3 Subject Key Identifier/);
    expect(server).toMatch(/X509v3 Authority Key Identifier/);
    expect(server).toMatch(/Version: 3 \(0x2\)/);
  });
});

/** `openssl crl -verify` of a DER CRL against its issuer, with any extra flags. */
function verifyCrl(crlFile: string, issuerFile: string, ...extra: string[]) {
  return openssl('crl', '-in', crlFile, '-inform', 'DER', '-CAfile', issuerFile, '-noout', ...extra, '-verify');
}

describe('openssl crl', () => {
  it('verifies the intermediate CRL, shows its number and reasons, and revokes the leaf in verify -crl_check', async () => {
    const hierarchy = await makeHierarchy({ label: 'Crl' });
    const revoked = await makeLeaf(hierarchy, { cn: 'revoked.example.com', sans: [] });
    const good = await makeLeaf(hierarchy, { cn: 'good.example.com', sans: [] });
    const crl = await createCrl({
      issuer: hierarchy.intermediateIssuer,
      crlNumber: 42,
      entries: [{ serialNumber: revoked.leaf.serialNumber, revokedAt: new Date(), reason: 'keyCompromise' }],
    });
    const files = await writeHierarchy(dir, hierarchy, revoked);
    const crlFile = path.join(dir, 'intermediate.crl');
    await writeFile(crlFile, crl.der);
    const verified = verifyCrl(crlFile, files.intermediate!);
    expect(verified.stderr.trim()).toBe('verify OK');
    const text = openssl('crl', '-in', crlFile, '-inform', 'DER', '-noout', '-text').stdout;
    expect(text).toMatch(/Version 2 \(0x1\)/);
    expect(text).toMatch(/X509v3 CRL Number: \s+42/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    expect(text).toMatch(/Next Update:/);
    // OpenSSL prints whole bytes, so a serial starting with a zero nibble keeps its zero.
    expect(text).toMatch(
      new RegExp(
        `Serial Number: ${serialIntegerHex(revoked.leaf.serialNumber).toUpperCase()}\\s+Revocation Date: .*\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`,
      ),
    );

    const crlPem = path.join(dir, 'intermediate.crl.pem');
    await writeFile(crlPem, x509.PemConverter.encode(toArrayBuffer(crl.der), 'X509 CRL'));
    const rootCrl = await createCrl({ issuer: hierarchy.rootIssuer, crlNumber: 1, entries: [] });
    const rootCrlPem = path.join(dir, 'root.crl.pem');
    await writeFile(rootCrlPem, x509.PemConverter.encode(toArrayBuffer(rootCrl.der), 'X509 CRL'));
    const crlCheck = (leafFile: string) =>
      openssl(
        'verify',
        '-crl_check_all',
        '-CAfile',
        files.root!,
        '-untrusted',
        files.intermediate!,
        '-CRLfile',
        crlPem,
        '-CRLfile',
        rootCrlPem,
        leafFile,
      );
    const revokedResult = crlCheck(files.leaf!);
    expect(revokedResult.status).not.toBe(0);
    expect(revokedResult.stdout + revokedResult.stderr).toMatch(/certificate revoked/);
    const goodFile = path.join(dir, 'good.pem');
    await writeFile(goodFile, certificatePem(good.leaf.der));
    expect(crlCheck(goodFile).stdout.trim()).toBe(`${goodFile}: OK`);
  });

  it('writes a 10,000-entry CRL that openssl verifies entry for entry', async () => {
    const hierarchy = await makeHierarchy({ label: 'BigCrl', intermediateKey: 'ec-p256' });
    const serials = Array.from({ length: 10_000 }, (_, index) => (index * 7919 + 1).toString(16));
    const crl = await createCrl({
      issuer: hierarchy.intermediateIssuer,
      crlNumber: 7,
      entries: serials.map((serialNumber) => ({ serialNumber, revokedAt: new Date(), reason: 'superseded' as const })),
    });
    const files = await writeHierarchy(dir, hierarchy);
    const crlFile = path.join(dir, 'big.crl');
    await writeFile(crlFile, crl.der);
    const shown = verifyCrl(crlFile, files.intermediate!, '-text');
    expect(shown.stderr.trim()).toBe('verify OK');
    const listed = [...shown.stdout.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((match) => BigInt(`0x${match[1]}`));
    expect(listed).toEqual(serials.map((serial) => BigInt(`0x${serial}`)));
    expect(shown.stdout.match(/Superseded/g)).toHaveLength(10_000);
  });

  it("verifies the root's CRL with the root", async () => {
    const hierarchy = await makeHierarchy({ label: 'RootCrl', rootKey: 'rsa-3072' });
    const crl = await createCrl({
      issuer: hierarchy.rootIssuer,
      crlNumber: 3,
      days: 365,
      entries: [
        { serialNumber: hierarchy.intermediate.serialNumber, revokedAt: new Date(), reason: 'cessationOfOperation' },
      ],
    });
    const files = await writeHierarchy(dir, hierarchy);
    const crlFile = path.join(dir, 'root.crl');
    await writeFile(crlFile, crl.der);
    expect(
      openssl('crl', '-in', crlFile, '-inform', 'DER', '-CAfile', files.root!, '-noout', '-verify').stderr.trim(),
    ).toBe('verify OK');
    expect(openssl('crl', '-in', crlFile, '-inform', 'DER', '-noout', '-text').stdout).toMatch(
      /Cessation Of Operation/,
    );
  });
});

describe('signing requests made by openssl req', () => {
  const requests: [string, string[]][] = [
    [
      'EC without extensions',
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=www.example.com/O=Example'],
    ],
    ['RSA without extensions', ['-newkey', 'rsa:2048', '-subj', '/CN=www.example.com']],
    [
      'RSA with SANs',
      [
        '-newkey',
        'rsa:3072',
        '-subj',
        '/CN=www.example.com',
        '-addext',
        'subjectAltName=DNS:www.example.com,DNS:api.example.com,IP:192.0.2.7',
      ],
    ],
    [
      'EC asking to be a CA',
      [
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-384',
        '-subj',
        '/CN=www.example.com/emailAddress=admin@example.com',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,digitalSignature',
        '-addext',
        'extendedKeyUsage=serverAuth,codeSigning',
        '-addext',
        'subjectAltName=DNS:api.example.com',
      ],
    ],
  ];

  it.each(requests)(
    'signs a request made %s, keeping its names and giving it the server profile',
    async (_name, args) => {
      const hierarchy = await makeHierarchy({ label: 'Csr' });
      const slug = _name.replace(/\W+/g, '-');
      const csrFile = path.join(dir, `${slug}.csr`);
      const made = openssl('req', '-new', '-nodes', '-keyout', path.join(dir, `${slug}.key`), '-out', csrFile, ...args);
      expect(made.status, made.stderr).toBe(0);
      const parsed = await parseCsr(await readFile(csrFile));
      const issued = await signCsr(parsed, { profile: 'server', issuer: hierarchy.intermediateIssuer });
      const files = await writeHierarchy(dir, hierarchy);
      const leafFile = path.join(dir, `${slug}.pem`);
      await writeFile(leafFile, certificatePem(issued.der));
      expect(strictVerify('sslserver', files, leafFile).stdout.trim()).toBe(`${leafFile}: OK`);
      const text = openssl('x509', '-in', leafFile, '-noout', '-text').stdout;
      expect(text).toMatch(/CA:FALSE/);
      expect(text).not.toMatch(/Certificate Sign/);
      expect(text).not.toMatch(/Code Signing/);
      for (const san of parsed.report.requestedSans) {
        expect(text).toContain(san.type === 'ip' ? `IP Address:${san.value}` : `DNS:${san.value}`);
      }
      expect(text).toContain('DNS:www.example.com');
      // The certificate certifies the key openssl made.
      const keyModulus = openssl('pkey', '-in', path.join(dir, `${slug}.key`), '-pubout').stdout;
      const certModulus = openssl('x509', '-in', leafFile, '-noout', '-pubkey').stdout;
      expect(certModulus).toBe(keyModulus);
    },
  );
});

describe('name constraints in OpenSSL', () => {
  it('fails openssl verify for a leaf forged outside the permitted subtree', async () => {
    const hierarchy = await makeHierarchy({
      nameConstraints: { permittedDns: ['example.com'] },
      label: 'NameConstrained',
    });
    const files = await writeHierarchy(dir, hierarchy);
    const issuer = { certificate: hierarchy.intermediate.certificate, key: hierarchy.intermediateKeys.privateKey };
    const inside = await forge({
      subject: 'CN=www.example.com',
      issuer,
      extensions: serverLeafExtensions([{ type: 'dns', value: 'www.example.com' }]),
    });
    const outside = await forge({
      subject: 'CN=www.bank.example',
      issuer,
      extensions: serverLeafExtensions([{ type: 'dns', value: 'www.bank.example' }]),
    });
    const insideFile = path.join(dir, 'inside.pem');
    const outsideFile = path.join(dir, 'outside.pem');
    await writeFile(insideFile, inside.certificate.toString('pem'));
    await writeFile(outsideFile, outside.certificate.toString('pem'));
    expect(strictVerify('sslserver', files, insideFile).stdout.trim()).toBe(`${insideFile}: OK`);
    const result = strictVerify('sslserver', files, outsideFile);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/permitted subtree violation/);
  });
});
