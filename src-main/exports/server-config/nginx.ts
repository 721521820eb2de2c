/**
 * nginx.conf: a server { } block to include inside http { } (Debian:
 * /etc/nginx/sites-enabled/), referring to the bundle where the README says
 * to copy it. Syntax Debian 12's nginx 1.22 accepts: http2 goes on the
 * listen line there ("http2 on;" arrived in 1.25.1). Requiring client
 * certificates is a commented block: the CA chain verifies them, and the CRL
 * kit's crls.pem, holding the root's and the intermediate's CRLs, is needed
 * because nginx checks a CRL for every CA of the client's chain.
 */
import { DEPLOYED_CRLS, deployFolder, dnsNames, type BundleLayout } from '../bundle-facts';
import type { OutputFile } from '../folder';

export const NGINX_FILE = 'nginx.conf';

export function nginxConfig(bundle: BundleLayout): OutputFile {
  const folder = deployFolder(bundle.name);
  const names = dnsNames(bundle.facts);
  const lines = [
    `# nginx: HTTPS for ${bundle.name}. A server { } block: include it inside http { }, for example as`,
    `#   /etc/nginx/sites-enabled/${bundle.name}.conf`,
    `# after copying this bundle's folder to ${folder}/ (README.txt).`,
    '# Written for nginx 1.22 (Debian 12). From nginx 1.25.1 on, write "listen 443 ssl;" and',
    '# "http2 on;" instead of "listen 443 ssl http2;".',
    'server {',
    '    listen 443 ssl http2;',
    '    listen [::]:443 ssl http2;',
    `    server_name ${names.length > 0 ? names.join(' ') : '_'};`,
    '',
    `    ssl_certificate     ${folder}/${bundle.name}.fullchain.pem;`,
    ...keyLines(bundle, folder),
    '    ssl_protocols       TLSv1.2 TLSv1.3;',
    '',
    '    # Requiring client certificates (mutual TLS): remove the "# " of the four lines below.',
    "    # The CA chain verifies them; crls.pem comes from the CA's CRL export (rootkeeper crl),",
    '    # with the CRLs of the root and of the intermediate CA: nginx checks one for every CA.',
    `    # ssl_client_certificate ${folder}/ca-chain.cert.pem;`,
    '    # ssl_verify_client on;',
    '    # ssl_verify_depth 2;',
    `    # ssl_crl ${DEPLOYED_CRLS};`,
    '',
    '    location / {',
    '        root /var/www/html;',
    '    }',
    '}',
  ];
  return { name: NGINX_FILE, data: `${lines.join('\n')}\n` };
}

function keyLines(bundle: BundleLayout, folder: string): string[] {
  const key = `    ssl_certificate_key ${folder}/${bundle.name}.key.pem;`;
  if (!bundle.hasKey) return [`${key}  # the key is not in this bundle: put it here`];
  if (!bundle.keyEncrypted) return [key];
  return [
    key,
    '    # The key is encrypted: nginx reads its passphrase from this file (README.txt says how to make it).',
    `    ssl_password_file   ${folder}/passphrase.txt;`,
  ];
}
