/** The README of a server bundle: what each file is, how to deploy it, and how to check it. */
import type { Pkcs12Profile } from '../engine/formats/pkcs12';
import { fingerprints } from '../engine/formats/certificates';
import type { CertificateFacts } from './bundle';

export interface BundleReadmeOptions {
  readonly name: string;
  readonly facts: CertificateFacts;
  readonly der: Uint8Array;
  readonly hasKey: boolean;
  readonly keyEncrypted: boolean;
  readonly pkcs12?: Pkcs12Profile;
  readonly journalHead?: { readonly sequence: number; readonly chainHash: string };
}

export function bundleReadme(options: BundleReadmeOptions): string {
  const { name } = options;
  const key = `${name}.key.pem`;
  const sections = [header(options), files(options), deployment(name, key, options), verification(name)];
  return `${sections.join('\n\n')}\n`;
}

function header({ facts, der, journalHead }: BundleReadmeOptions): string {
  const sha256 = fingerprints(der).sha256;
  return [
    `Certificate bundle for ${facts.subject}`,
    '='.repeat(40),
    `Names:       ${facts.sans.map((entry) => `${entry.type}:${entry.value}`).join(', ') || '(none)'}`,
    `Valid:       ${facts.notBefore} to ${facts.notAfter}`,
    `Issuer:      ${facts.issuer}`,
    `SHA-256:     ${sha256}`,
    // The CA's journal head: "rootkeeper audit verify --expect-head" checks the journal still passes through it.
    ...(journalHead ? [`CA journal:  record ${journalHead.sequence}, chain hash ${journalHead.chainHash}`] : []),
  ].join('\n');
}

function files({ name, hasKey, keyEncrypted, pkcs12 }: BundleReadmeOptions): string {
  return [
    'Files',
    '-----',
    `${name}.cert.pem        the certificate alone`,
    `${name}.fullchain.pem   the certificate followed by the intermediate CA: what servers send`,
    'ca-chain.cert.pem       the intermediate CA followed by the root CA',
    ...(hasKey
      ? [
          `${name}.key.pem         the private key (PKCS#8, ${keyEncrypted ? 'encrypted with the passphrase you chose' : 'NOT encrypted: protect this file'})`,
        ]
      : ['(no private key: it stays with whoever made the request)']),
    ...(pkcs12 ? [`${name}.p12             key, certificate and chain in PKCS#12 (${pkcs12} profile)`] : []),
    'SHA256SUMS              checksums of every file: run  sha256sum -c SHA256SUMS',
  ].join('\n');
}

function deployment(name: string, key: string, { keyEncrypted }: BundleReadmeOptions): string {
  const passphraseNote = keyEncrypted
    ? [
        '',
        'The key is encrypted. nginx reads the passphrase from a file:',
        '    ssl_password_file /etc/ssl/private/passphrase.txt;',
        'Apache asks at start-up, or runs SSLPassPhraseDialog exec:/path/to/script.',
        'HAProxy cannot read encrypted keys: decrypt a copy first with',
        `    openssl pkey -in ${key} -out ${name}.key.plain.pem`,
      ]
    : [];
  return [
    'Deploying',
    '---------',
    'nginx:',
    `    ssl_certificate     /etc/ssl/certs/${name}.fullchain.pem;`,
    `    ssl_certificate_key /etc/ssl/private/${key};`,
    '',
    'Apache httpd (2.4.8 and later):',
    `    SSLCertificateFile    /etc/ssl/certs/${name}.fullchain.pem`,
    `    SSLCertificateKeyFile /etc/ssl/private/${key}`,
    '',
    'HAProxy (certificate, chain and key in one file):',
    `    cat ${name}.fullchain.pem ${name}.key.plain.pem > /etc/haproxy/certs/${name}.pem`,
    `    bind :443 ssl crt /etc/haproxy/certs/${name}.pem`,
    '',
    'Node.js https:',
    "    const fs = require('fs');",
    '    https.createServer({',
    `      cert: fs.readFileSync('${name}.fullchain.pem'),`,
    `      key: fs.readFileSync('${key}'),${keyEncrypted ? '\n      passphrase: process.env.KEY_PASSPHRASE,' : ''}`,
    '    }, app).listen(443);',
    '',
    'Python ssl / Tornado:',
    '    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)',
    `    context.load_cert_chain('${name}.fullchain.pem', '${key}'${keyEncrypted ? ", password=os.environ['KEY_PASSPHRASE']" : ''})`,
    '    tornado.httpserver.HTTPServer(app, ssl_options=context).listen(443)',
    ...passphraseNote,
    '',
    'Clients must trust the root CA: install the root trust kit (rootkeeper export root).',
  ].join('\n');
}

function verification(name: string): string {
  return [
    'Checking',
    '--------',
    '    sha256sum -c SHA256SUMS',
    `    openssl verify -x509_strict -CAfile <root>.crt -untrusted ca-chain.cert.pem ${name}.cert.pem`,
    `    openssl x509 -in ${name}.cert.pem -noout -text`,
  ].join('\n');
}
