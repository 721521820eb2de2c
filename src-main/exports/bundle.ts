/**
 * A server (or client) bundle: one folder per certificate, named after its
 * first DNS name, with what a web server needs and a README saying how to
 * deploy it. ca-chain.cert.pem is the file the original OpenSSL guide
 * deploys; NAME.fullchain.pem is what nginx and HAProxy want. A server
 * bundle also carries ready nginx, Apache and HAProxy configuration that
 * refers to the folder where its README says to copy it; a client bundle
 * (a clientAuth-only certificate) carries a README about importing it instead.
 */
import { rejected } from '../../shared/errors';
import { certificatePem, pkcs7Der } from '../engine/formats/certificates';
import { buildPkcs12, type Pkcs12Profile } from '../engine/formats/pkcs12';
import { encryptPrivateKeyPem, privateKeyPem } from '../engine/formats/pkcs8';
import { factsOf, type BundleLayout, type CertificateFacts } from './bundle-facts';
import { bundleReadme } from './bundle-readme';
import { clientReadme } from './client-readme';
import { safeName, type OutputFile } from './folder';
import { apacheConfig } from './server-config/apache';
import { haproxyConfig, haproxyPemName } from './server-config/haproxy';
import { nginxConfig } from './server-config/nginx';

export { factsOf, type CertificateFacts } from './bundle-facts';

export interface BundleOptions {
  readonly certificate: Uint8Array;
  /** Known already when the certificate was just planned and signed; read from it otherwise. */
  readonly facts?: CertificateFacts;
  readonly intermediate: Uint8Array;
  readonly root: Uint8Array;
  /** Only for keys generated here. `passphrase: null` writes it unencrypted, on explicit request only. */
  readonly privateKey?: { readonly pkcs8: Uint8Array; readonly passphrase: string | null };
  readonly pkcs12?: { readonly profile: Pkcs12Profile; readonly password: string };
  /** The CA journal's head when the bundle was made, for the README (compare with the paper log). */
  readonly journalHead?: { readonly sequence: number; readonly chainHash: string };
}

export interface Bundle {
  /** The folder name: the first DNS name, made safe. */
  readonly name: string;
  readonly files: OutputFile[];
}

/** The name a bundle takes: its first DNS name, else its first name, else its common name. */
export function bundleNameFor(
  names: readonly { type: string; value: string }[],
  subject: string,
  fallback = 'certificate',
): string {
  const first = names.find((name) => name.type === 'dns') ?? names[0];
  const cn = /(?:^|, )CN=([^,]+)/.exec(subject)?.[1];
  return safeName(first?.value ?? cn ?? fallback);
}

export async function bundleFiles(options: BundleOptions): Promise<Bundle> {
  const facts = options.facts ?? factsOf(options.certificate);
  const name = bundleNameFor(facts.sans, facts.subject);
  const leafPem = certificatePem(options.certificate);
  const fullchain = leafPem + certificatePem(options.intermediate);
  const files: OutputFile[] = [
    { name: `${name}.cert.pem`, data: leafPem },
    { name: `${name}.fullchain.pem`, data: fullchain },
    ...chainFiles(options.intermediate, options.root),
  ];
  const key = options.privateKey;
  if (key) {
    const pem =
      key.passphrase === null ? privateKeyPem(key.pkcs8) : await encryptPrivateKeyPem(key.pkcs8, key.passphrase);
    files.push({ name: `${name}.key.pem`, data: pem, mode: 0o600 });
  }
  if (options.pkcs12) files.push(await pkcs12File(options, name));
  const layout: BundleLayout = {
    name,
    facts,
    der: options.certificate,
    hasKey: Boolean(key),
    keyEncrypted: key?.passphrase != null,
    ...(options.journalHead ? { journalHead: options.journalHead } : {}),
  };
  if (facts.clientOnly) {
    files.push({ name: 'README.txt', data: clientReadme(layout, options.pkcs12?.profile) });
    return { name, files };
  }
  if (key?.passphrase === null) {
    // HAProxy reads certificate, chain and key from one file, and no encrypted key.
    files.push({ name: haproxyPemName(name), data: fullchain + privateKeyPem(key.pkcs8), mode: 0o600 });
  }
  files.push(nginxConfig(layout), ...apacheConfig(layout), haproxyConfig(layout));
  files.push({ name: 'README.txt', data: bundleReadme(layout, options.pkcs12?.profile) });
  return { name, files };
}

/**
 * The chain's two files are the same in every bundle of a batch: made once
 * per chain (the PKCS#7 encoding parsed both certificates again for each of
 * 10,000 bundles, a third of a batch's time). Keyed by the intermediate's
 * bytes as passed, which a batch passes to every bundle.
 */
const chainCache = new WeakMap<Uint8Array, { root: Uint8Array; files: readonly OutputFile[] }>();

function chainFiles(intermediate: Uint8Array, root: Uint8Array): readonly OutputFile[] {
  const cached = chainCache.get(intermediate);
  if (cached?.root === root) return cached.files;
  const files = [
    { name: 'ca-chain.cert.pem', data: certificatePem(intermediate) + certificatePem(root) },
    { name: 'ca-chain.p7b', data: pkcs7Der([intermediate, root]) },
  ];
  chainCache.set(intermediate, { root, files });
  return files;
}

async function pkcs12File(options: BundleOptions, name: string): Promise<OutputFile> {
  const key = options.privateKey;
  if (!key || !options.pkcs12)
    throw rejected(
      'invalid-option',
      'A PKCS#12 file needs the private key, which only exists for keys generated here.',
    );
  const p12 = await buildPkcs12({
    privateKey: key.pkcs8,
    certificates: [
      { der: options.certificate, friendlyName: name },
      { der: options.intermediate },
      { der: options.root },
    ],
    password: options.pkcs12.password,
    profile: options.pkcs12.profile,
  });
  return { name: `${name}.p12`, data: p12, mode: 0o600 };
}
