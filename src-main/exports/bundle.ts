/**
 * A server (or client) bundle: one folder per certificate, named after its
 * first DNS name, with what a web server needs and a README saying how to
 * deploy it. ca-chain.cert.pem is the file the original OpenSSL guide
 * deploys; NAME.fullchain.pem is what nginx and HAProxy want.
 */
import { rejected } from '../../shared/errors';
import { certificatePem } from '../engine/formats/certificates';
import { buildPkcs12, type Pkcs12Profile } from '../engine/formats/pkcs12';
import { encryptPrivateKeyPem, privateKeyPem } from '../engine/formats/pkcs8';
import { x509 } from '../engine/x509';
import { safeName, type OutputFile } from './folder';
import { bundleReadme } from './bundle-readme';

/** What a bundle's names and README need from its certificate. */
export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly sans: readonly { readonly type: string; readonly value: string }[];
  readonly notBefore: string;
  readonly notAfter: string;
}

export function factsOf(der: Uint8Array): CertificateFacts {
  const certificate = new x509.X509Certificate(Buffer.from(der));
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    sans: certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ?? [],
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
  };
}

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
  const chainPem = certificatePem(options.intermediate) + certificatePem(options.root);
  const files: OutputFile[] = [
    { name: `${name}.cert.pem`, data: leafPem },
    { name: `${name}.fullchain.pem`, data: leafPem + certificatePem(options.intermediate) },
    { name: 'ca-chain.cert.pem', data: chainPem },
  ];
  const key = options.privateKey;
  if (key) {
    const pem =
      key.passphrase === null ? privateKeyPem(key.pkcs8) : await encryptPrivateKeyPem(key.pkcs8, key.passphrase);
    files.push({ name: `${name}.key.pem`, data: pem, mode: 0o600 });
  }
  if (options.pkcs12) {
    if (!key)
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
    files.push({ name: `${name}.p12`, data: p12, mode: 0o600 });
  }
  files.push({
    name: 'README.txt',
    data: bundleReadme({
      name,
      facts,
      der: options.certificate,
      hasKey: Boolean(key),
      keyEncrypted: key?.passphrase != null,
      pkcs12: options.pkcs12?.profile,
      ...(options.journalHead ? { journalHead: options.journalHead } : {}),
    }),
  });
  return { name, files };
}
