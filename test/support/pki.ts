/**
 * Builds test hierarchies through the engine's real profiles, and writes
 * them to files for the tools (openssl, certtool, curl…) to check.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaPurpose, KeyAlgorithm, NameConstraintsSpec, SubjectAltName } from '../../shared/domain/pki';
import { certificatePem } from '../../src-main/engine/formats/certificates';
import { generateKeyPair } from '../../src-main/engine/keys';
import { parseSubject } from '../../src-main/engine/names';
import type { IssuedCertificate, Issuer } from '../../src-main/engine/profiles/common';
import { createIntermediateCertificate } from '../../src-main/engine/profiles/intermediate';
import { createLeafCertificate } from '../../src-main/engine/profiles/leaf';
import { createRootCertificate } from '../../src-main/engine/profiles/root';
import { crypto, x509, type CryptoKeyPair } from '../../src-main/engine/x509';

export interface TestHierarchy {
  readonly root: IssuedCertificate;
  readonly rootKeys: CryptoKeyPair;
  readonly intermediate: IssuedCertificate;
  readonly intermediateKeys: CryptoKeyPair;
  readonly rootIssuer: Issuer;
  readonly intermediateIssuer: Issuer;
}

export interface HierarchyOptions {
  readonly rootKey?: KeyAlgorithm;
  readonly intermediateKey?: KeyAlgorithm;
  readonly purpose?: CaPurpose;
  readonly nameConstraints?: NameConstraintsSpec;
  readonly label?: string;
}

export async function makeHierarchy(options: HierarchyOptions = {}): Promise<TestHierarchy> {
  const label = options.label ?? 'Test';
  const rootKeys = await generateKeyPair(options.rootKey ?? 'ec-p384', true);
  const root = await createRootCertificate({
    subject: parseSubject(`CN=${label} Root CA, O=Rootkeeper Tests, C=GB`),
    keys: rootKeys,
  });
  const rootIssuer: Issuer = { certificate: root.certificate, signingKey: rootKeys.privateKey };
  const intermediateKeys = await generateKeyPair(options.intermediateKey ?? 'ec-p384', true);
  const intermediate = await createIntermediateCertificate({
    subject: parseSubject(`CN=${label} Intermediate CA, O=Rootkeeper Tests, C=GB`),
    publicKey: intermediateKeys.publicKey,
    issuer: rootIssuer,
    purpose: options.purpose ?? 'both',
    ...(options.nameConstraints ? { nameConstraints: options.nameConstraints } : {}),
  });
  const intermediateIssuer: Issuer = {
    certificate: intermediate.certificate,
    signingKey: intermediateKeys.privateKey,
    ancestors: [root.certificate],
  };
  return { root, rootKeys, intermediate, intermediateKeys, rootIssuer, intermediateIssuer };
}

export interface TestLeaf {
  readonly leaf: IssuedCertificate;
  readonly keys: CryptoKeyPair;
  /** PKCS#8 PEM of the leaf's private key, unencrypted, for test servers. */
  readonly keyPem: string;
}

export async function makeLeaf(
  hierarchy: TestHierarchy,
  options: { profile?: 'server' | 'client'; cn?: string; sans?: SubjectAltName[]; key?: KeyAlgorithm } = {},
): Promise<TestLeaf> {
  const keys = await generateKeyPair(options.key ?? 'ec-p256', true);
  const leaf = await createLeafCertificate({
    profile: options.profile ?? 'server',
    subject: parseSubject(`CN=${options.cn ?? 'localhost'}`),
    sans: options.sans ?? [{ type: 'ip', value: '127.0.0.1' }],
    publicKey: keys.publicKey,
    issuer: hierarchy.intermediateIssuer,
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(pkcs8).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
  return { leaf, keys, keyPem: keyPem.replace(/\n\n/g, '\n') };
}

/** Writes root.pem, intermediate.pem, chain.pem (intermediate + root) and, given a leaf, leaf.pem, fullchain.pem and leaf.key. */
export async function writeHierarchy(
  dir: string,
  hierarchy: TestHierarchy,
  leaf?: TestLeaf,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    root: path.join(dir, 'root.pem'),
    intermediate: path.join(dir, 'intermediate.pem'),
    chain: path.join(dir, 'chain.pem'),
  };
  const rootPem = certificatePem(hierarchy.root.der);
  const intermediatePem = certificatePem(hierarchy.intermediate.der);
  await writeFile(files.root!, rootPem);
  await writeFile(files.intermediate!, intermediatePem);
  await writeFile(files.chain!, intermediatePem + rootPem);
  if (leaf) {
    files.leaf = path.join(dir, 'leaf.pem');
    files.fullchain = path.join(dir, 'fullchain.pem');
    files.key = path.join(dir, 'leaf.key');
    await writeFile(files.leaf, certificatePem(leaf.leaf.der));
    await writeFile(files.fullchain, certificatePem(leaf.leaf.der) + intermediatePem);
    await writeFile(files.key, leaf.keyPem, { mode: 0o600 });
  }
  return files;
}

export interface SimpleChain {
  /** PKCS#8 DER of the leaf's key. */
  readonly key: Uint8Array;
  readonly leaf: Uint8Array;
  readonly ca: Uint8Array;
}

/** A minimal two-certificate chain (self-signed CA, leaf) for format tests that need no profile. */
export async function makeSimpleChain(caName = 'CN=Rootkeeper Test Root'): Promise<SimpleChain> {
  const ec = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = (await crypto.subtle.generateKey(ec, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: caName,
    keys: caKeys as never,
    signingAlgorithm: ec,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const leafKeys = (await crypto.subtle.generateKey(ec, true, ['sign', 'verify'])) as CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    subject: 'CN=server.example',
    issuer: ca.subject,
    publicKey: leafKeys.publicKey as never,
    signingKey: caKeys.privateKey as never,
    signingAlgorithm: ec,
  });
  return {
    key: new Uint8Array(await crypto.subtle.exportKey('pkcs8', leafKeys.privateKey)),
    leaf: new Uint8Array(leaf.rawData),
    ca: new Uint8Array(ca.rawData),
  };
}
