/**
 * The README of a server bundle: what each file is, how to deploy it with
 * the configuration files beside it, a Node.js and a Python server, and how
 * to check it. Every indented snippet runs as written from the bundle
 * folder (the interop tests run each one).
 */
import { fingerprints } from '../engine/formats/certificates';
import type { Pkcs12Profile } from '../engine/formats/pkcs12';
import { DEPLOYED_CRLS, deployFolder, dnsNames, type BundleLayout } from './bundle-facts';
import { APACHE_FILE, APACHE_PASSPHRASE_HELPER } from './server-config/apache';
import { HAPROXY_FILE, haproxyPemName } from './server-config/haproxy';
import { NGINX_FILE } from './server-config/nginx';

export function bundleReadme(bundle: BundleLayout, pkcs12?: Pkcs12Profile): string {
  const sections = [header(bundle), files(bundle, pkcs12), deployment(bundle), programs(bundle), verification(bundle)];
  return `${sections.join('\n\n')}\n`;
}

export function header({ facts, der, journalHead }: BundleLayout): string {
  return [
    `Certificate bundle for ${facts.subject}`,
    '='.repeat(40),
    `Names:       ${facts.sans.map((entry) => `${entry.type}:${entry.value}`).join(', ') || '(none)'}`,
    `Valid:       ${facts.notBefore} to ${facts.notAfter}`,
    `Issuer:      ${facts.issuer}`,
    `SHA-256:     ${fingerprints(der).sha256}`,
    // The CA's journal head: "rootkeeper audit verify --expect-head" checks the journal still passes through it.
    ...(journalHead ? [`CA journal:  record ${journalHead.sequence}, chain hash ${journalHead.chainHash}`] : []),
  ].join('\n');
}

/** One line per file: the name padded to a column, then what it is. */
export function fileLine(name: string, description: string): string {
  return `${name.padEnd(23)} ${description}`;
}

export function keyLine({ name, hasKey, keyEncrypted }: BundleLayout): string {
  return hasKey
    ? fileLine(
        `${name}.key.pem`,
        `the private key (PKCS#8, ${keyEncrypted ? 'encrypted with the passphrase you chose' : 'NOT encrypted: protect this file'})`,
      )
    : '(no private key: it stays with whoever made the request)';
}

function files(bundle: BundleLayout, pkcs12?: Pkcs12Profile): string {
  const { name, hasKey, keyEncrypted } = bundle;
  return [
    'Files',
    '-----',
    fileLine(`${name}.cert.pem`, 'the certificate alone'),
    fileLine(`${name}.fullchain.pem`, 'the certificate followed by the intermediate CA: what servers send'),
    fileLine('ca-chain.cert.pem', 'the intermediate CA followed by the root CA'),
    fileLine('ca-chain.p7b', 'the same two CA certificates as PKCS#7 (DER), for Windows and Java'),
    keyLine(bundle),
    ...(hasKey && !keyEncrypted
      ? [fileLine(haproxyPemName(name), 'certificate, intermediate CA and key in one file, for HAProxy')]
      : []),
    ...(pkcs12 ? [fileLine(`${name}.p12`, `key, certificate and chain in PKCS#12 (${pkcs12} profile)`)] : []),
    fileLine(NGINX_FILE, 'a server { } block for nginx'),
    fileLine(APACHE_FILE, 'a <VirtualHost> for Apache httpd with mod_ssl'),
    ...(keyEncrypted ? [fileLine(APACHE_PASSPHRASE_HELPER, "the helper apache.conf's SSLPassPhraseDialog runs")] : []),
    fileLine(HAPROXY_FILE, 'a frontend section for HAProxy'),
    fileLine('SHA256SUMS', 'checksums of every file: run  sha256sum -c SHA256SUMS'),
  ].join('\n');
}

function deployment(bundle: BundleLayout): string {
  const { name, keyEncrypted } = bundle;
  const folder = deployFolder(name);
  return [
    'Deploying',
    '---------',
    `The configuration files refer to ${folder}/. From the folder above this one:`,
    '    sudo mkdir -p /etc/ssl/rootkeeper',
    `    sudo cp -r ${name} /etc/ssl/rootkeeper/`,
    ...(keyEncrypted ? passphraseFile(folder) : []),
    '',
    `nginx (Debian 12's 1.22 and later; ${NGINX_FILE} says what to change from 1.25.1 on):`,
    `    sudo cp ${folder}/${NGINX_FILE} /etc/nginx/sites-enabled/${name}.conf`,
    '    sudo nginx -t && sudo systemctl reload nginx',
    '',
    'Apache httpd 2.4 with mod_ssl:',
    '    sudo a2enmod ssl',
    `    sudo cp ${folder}/${APACHE_FILE} /etc/apache2/sites-available/${name}.conf`,
    `    sudo a2ensite ${name} && sudo apache2ctl configtest && sudo systemctl reload apache2`,
    '',
    `HAProxy: add the frontend in ${HAPROXY_FILE} to /etc/haproxy/haproxy.cfg, then`,
    '    sudo haproxy -c -f /etc/haproxy/haproxy.cfg && sudo systemctl reload haproxy',
    ...(keyEncrypted
      ? [`HAProxy cannot load an encrypted key: ${HAPROXY_FILE} says how to make the clear file it needs.`]
      : []),
    '',
    'Requiring client certificates (mutual TLS): each configuration file has a commented block.',
    `It needs the CRLs of the root and of the intermediate CA in ${DEPLOYED_CRLS}:`,
    "the crls.pem of the CA's CRL export (rootkeeper crl). Publish new CRLs before they expire.",
    '',
    'Clients must trust the root CA: install the root trust kit (rootkeeper export root).',
  ].join('\n');
}

/** nginx's ssl_password_file and the Apache helper read the passphrase from a root-only file. */
function passphraseFile(folder: string): string[] {
  return [
    'The key is encrypted: nginx and Apache read its passphrase from passphrase.txt, which only root',
    'may read. Make it (type the passphrase, then Enter and Ctrl-D):',
    `    sudo sh -c 'umask 077 && cat > ${folder}/passphrase.txt'`,
  ];
}

function programs({ name, keyEncrypted }: BundleLayout): string {
  const key = `${name}.key.pem`;
  return [
    'Programs that serve HTTPS themselves (run from this folder; KEY_PASSPHRASE holds the passphrase',
    'of an encrypted key). Node.js, as server.js:',
    "    const fs = require('fs');",
    "    const https = require('https');",
    '    const options = {',
    `      cert: fs.readFileSync('${name}.fullchain.pem'),`,
    `      key: fs.readFileSync('${key}'),`,
    ...(keyEncrypted ? ['      passphrase: process.env.KEY_PASSPHRASE,'] : []),
    '    };',
    "    https.createServer(options, (request, response) => response.end('hello\\n')).listen(8443);",
    '',
    'Python 3 (standard library), as server.py:',
    `    import http.server${keyEncrypted ? ', os' : ''}, ssl`,
    '    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)',
    `    context.load_cert_chain('${name}.fullchain.pem', '${key}'${keyEncrypted ? ", password=os.environ['KEY_PASSPHRASE']" : ''})`,
    "    server = http.server.HTTPServer(('', 8443), http.server.SimpleHTTPRequestHandler)",
    '    server.socket = context.wrap_socket(server.socket, server_side=True)',
    '    server.serve_forever()',
  ].join('\n');
}

function verification(bundle: BundleLayout): string {
  const host = dnsNames(bundle.facts)[0] ?? 'SERVER';
  return [
    'Checking',
    '--------',
    '    sha256sum -c SHA256SUMS',
    `    openssl verify -x509_strict -CAfile ca-chain.cert.pem ${bundle.name}.cert.pem`,
    `    openssl x509 -in ${bundle.name}.cert.pem -noout -text`,
    'Once the server runs (from this folder; the chain file stands in for the root trust kit):',
    `    curl --cacert ca-chain.cert.pem https://${host}:443/`,
    `    openssl s_client -connect ${host}:443 -servername ${host} -CAfile ca-chain.cert.pem -verify_return_error </dev/null`,
  ].join('\n');
}
