/**
 * The README of a client bundle (a certificate for clientAuth only): how
 * to present it from a browser, an OS or a program, which PKCS#12 profile
 * suits which system, and what the server needs in order to ask for it.
 * The curl and Python snippets run as written from the bundle folder.
 */
import type { Pkcs12Profile } from '../engine/formats/pkcs12';
import { DEPLOYED_CRLS, type BundleLayout } from './bundle-facts';
import { fileLine, header, keyLine } from './bundle-readme';

export function clientReadme(bundle: BundleLayout, pkcs12?: Pkcs12Profile): string {
  const sections = [
    header(bundle),
    files(bundle, pkcs12),
    importing(bundle, pkcs12),
    programs(bundle),
    server(),
    checking(bundle),
  ];
  return `${sections.join('\n\n')}\n`;
}

function files(bundle: BundleLayout, pkcs12?: Pkcs12Profile): string {
  const { name } = bundle;
  return [
    'Client certificate: it proves who you are to servers that ask for one (mutual TLS).',
    '',
    'Files',
    '-----',
    fileLine(`${name}.cert.pem`, 'the certificate alone'),
    fileLine(`${name}.fullchain.pem`, 'the certificate followed by the intermediate CA: what clients send'),
    fileLine('ca-chain.cert.pem', 'the intermediate CA followed by the root CA'),
    fileLine('ca-chain.p7b', 'the same two CA certificates as PKCS#7 (DER)'),
    keyLine(bundle),
    ...(pkcs12
      ? [fileLine(`${name}.p12`, `key, certificate and chain in PKCS#12 (${pkcs12} profile): for browsers and OSes`)]
      : ['(no .p12: export the bundle again with a PKCS#12 password to import it into a browser or OS)']),
    fileLine('SHA256SUMS', 'checksums of every file: run  sha256sum -c SHA256SUMS'),
  ].join('\n');
}

function importing({ name }: BundleLayout, pkcs12?: Pkcs12Profile): string {
  const p12 = `${name}.p12`;
  return [
    'Importing the .p12 (it asks for the PKCS#12 password)',
    '-----------------------------------------------------',
    'Which profile: "modern" (AES-256, SHA-256 MAC) is what OpenSSL 3, Firefox, Chrome, Java 11 and',
    'later and current Windows 10/11 read. "compatible" (3DES, SHA-1 MAC) is for older systems:',
    'Windows before Windows 10 1709 and Server 2016, older macOS Keychain, Java 8, older Android.',
    `This file uses the ${pkcs12 ?? '(none exported)'} profile. If a system says the password is wrong`,
    'although it is right, it cannot read this profile: export again with the other one.',
    '',
    'Firefox (any system): Settings > Privacy & Security > Certificates > View Certificates... >',
    `    Your Certificates > Import..., choose ${p12}, type the password.`,
    `Chrome and Edge on Windows (they use the Windows store): double-click ${p12} > Current User >`,
    '    Next > type the password > Automatically select the certificate store > Finish. Or, in',
    '    PowerShell:',
    `    Import-PfxCertificate -FilePath ${p12} -CertStoreLocation Cert:\\CurrentUser\\My -Password (Read-Host -AsSecureString)`,
    `Chrome, Edge and Safari on macOS (they use the Keychain): double-click ${p12}, choose the login`,
    '    keychain, type the password. Or, in Terminal:',
    `    security import ${p12} -k ~/Library/Keychains/login.keychain-db`,
    'Chromium and Chrome on Linux (NSS database in your home folder; pk12util from libnss3-tools):',
    `    pk12util -d sql:$HOME/.local/share/pki/nssdb -i ${p12}`,
    'iPhone and iPad: send the .p12 by AirDrop or Mail, open it, and install the profile in Settings.',
    'The browser asks which certificate to present when a server asks for one.',
  ].join('\n');
}

function programs({ name, hasKey, keyEncrypted }: BundleLayout): string {
  const key = hasKey ? `${name}.key.pem` : 'KEY.pem';
  const url = 'https://SERVER/';
  return [
    'Programs (run from this folder; SERVER is the server that asks for the certificate)',
    '-----------------------------------------------------------------------------------',
    `curl${keyEncrypted ? ' (KEY_PASSPHRASE holds the passphrase of the key)' : ''}:`,
    `    curl --cert ${name}.fullchain.pem --key ${key}${keyEncrypted ? ' --pass "$KEY_PASSPHRASE"' : ''} --cacert ca-chain.cert.pem ${url}`,
    ...(keyEncrypted
      ? [
          'Python requests cannot read an encrypted key: give it a clear copy that only you can read:',
          `    (umask 077 && openssl pkey -in ${key} -out ${name}.key.clear.pem)`,
        ]
      : ['Python requests:']),
    '    import requests',
    `    response = requests.get('${url}', cert=('${name}.fullchain.pem', '${keyEncrypted ? `${name}.key.clear.pem` : key}'), verify='ca-chain.cert.pem')`,
    '    print(response.status_code, response.text)',
  ].join('\n');
}

function server(): string {
  return [
    'The server side',
    '---------------',
    'A server that requires client certificates trusts the CA chain and checks the CRLs of the root',
    "and of the intermediate CA (the crls.pem of the CA's CRL export, rootkeeper crl). The",
    'nginx.conf, apache.conf and haproxy.cfg of every server bundle have this as a commented block;',
    'for nginx:',
    '    ssl_client_certificate /etc/ssl/rootkeeper/SERVER-BUNDLE/ca-chain.cert.pem;',
    '    ssl_verify_client on;',
    '    ssl_verify_depth 2;',
    `    ssl_crl ${DEPLOYED_CRLS};`,
  ].join('\n');
}

function checking({ name }: BundleLayout): string {
  return [
    'Checking',
    '--------',
    '    sha256sum -c SHA256SUMS',
    `    openssl verify -x509_strict -purpose sslclient -CAfile ca-chain.cert.pem ${name}.cert.pem`,
  ].join('\n');
}
