/**
 * The CRL publishing kit: each CRL as NAME.crl (DER, what CRL distribution
 * points serve, as application/pkix-crl) and NAME.crl.pem (what nginx's
 * ssl_crl and Apache's SSLCARevocationFile read), crls.pem with all of them
 * for servers that check client certificates (nginx needs a CRL for every
 * CA of the chain), and a README with an nginx location that serves them.
 * It takes a list so that one call can publish one CRL per issuer.
 */
import { x509 } from '../engine/x509';
import { toArrayBuffer } from '../engine/bytes';
import { DEPLOYED_CRLS } from './bundle-facts';
import { safeName, type OutputFile } from './folder';

export interface NamedCrl {
  /** File-name stem, e.g. "root" or "intermediate"; made safe. */
  readonly name: string;
  readonly der: Uint8Array;
}

export const ALL_CRLS_FILE = 'crls.pem';

export function crlPem(der: Uint8Array): string {
  return `${x509.PemConverter.encode(toArrayBuffer(der), 'X509 CRL')}\n`;
}

export function crlKitFiles(crls: readonly NamedCrl[]): OutputFile[] {
  if (crls.length === 0) throw new Error('a CRL kit needs at least one CRL');
  const named = crls.map((crl) => ({ name: safeName(crl.name), der: crl.der }));
  if (new Set(named.map((crl) => crl.name)).size !== named.length) throw new Error('two CRLs have the same name');
  return [
    ...named.flatMap((crl) => [
      { name: `${crl.name}.crl`, data: crl.der },
      { name: `${crl.name}.crl.pem`, data: crlPem(crl.der) },
    ]),
    { name: ALL_CRLS_FILE, data: named.map((crl) => crlPem(crl.der)).join('') },
    { name: 'README.txt', data: readme(named.map((crl) => crl.name)) },
  ];
}

function readme(names: readonly string[]): string {
  const [first] = names;
  return [
    'Certificate revocation lists',
    '============================',
    '',
    'Files',
    '-----',
    ...names.flatMap((name) => [
      `${`${name}.crl`.padEnd(23)} DER: what the CRL URL in certificates serves`,
      `${`${name}.crl.pem`.padEnd(23)} the same CRL as PEM`,
    ]),
    `${ALL_CRLS_FILE.padEnd(23)} every CRL above in one PEM file, for servers that check client certificates`,
    `${'SHA256SUMS'.padEnd(23)} checksums of every file: run  sha256sum -c SHA256SUMS`,
    '',
    'Publishing (nginx)',
    '------------------',
    'Copy the .crl files to /var/www/crl/ and add this inside the server { } block that answers for',
    'the CRL URL: it serves /crl/NAME.crl with the type RFC 5280 asks for.',
    '    location /crl/ {',
    '        alias /var/www/crl/;',
    '        types { application/pkix-crl crl; }',
    '        default_type application/pkix-crl;',
    '    }',
    `Check it: curl -sI http://SERVER/crl/${first}.crl  shows  Content-Type: application/pkix-crl`,
    '',
    'Servers that require client certificates',
    '----------------------------------------',
    `Copy ${ALL_CRLS_FILE} to ${DEPLOYED_CRLS}, where the commented mutual-TLS blocks of the server`,
    "bundles' nginx.conf, apache.conf and haproxy.cfg look for it, then reload the server. Do it again",
    'with every new CRL, before the old one reaches its next update: a server with an expired CRL',
    'refuses every client.',
    '',
    'Checking',
    '--------',
    '    sha256sum -c SHA256SUMS',
    `    openssl crl -inform DER -in ${first}.crl -noout -text`,
    '',
  ].join('\n');
}
