/**
 * haproxy.cfg: a frontend section for HAProxy 2.6 (Debian 12), to add to
 * /etc/haproxy/haproxy.cfg. HAProxy wants the certificate, its chain and
 * the key in one file, and cannot load an encrypted key: an unencrypted
 * key's bundle carries that file (NAME.haproxy.pem, 0600); otherwise the
 * comment says how to make it.
 */
import { DEPLOYED_CRLS, deployFolder, type BundleLayout } from '../bundle-facts';
import type { OutputFile } from '../folder';

export const HAPROXY_FILE = 'haproxy.cfg';

export function haproxyPemName(name: string): string {
  return `${name}.haproxy.pem`;
}

export function haproxyConfig(bundle: BundleLayout): OutputFile {
  const folder = deployFolder(bundle.name);
  const pem = `${folder}/${haproxyPemName(bundle.name)}`;
  const lines = [
    `# HAProxy 2.6: an HTTPS frontend for ${bundle.name}. Add it to /etc/haproxy/haproxy.cfg after`,
    `# the global and defaults sections, after copying this bundle's folder to ${folder}/`,
    '# (README.txt); "default_backend app" names your backend section. Then:',
    '#   sudo haproxy -c -f /etc/haproxy/haproxy.cfg && sudo systemctl reload haproxy',
    ...pemLines(bundle, folder, pem),
    `frontend ${bundle.name}`,
    '    mode http',
    `    bind :443 ssl crt ${pem} alpn h2,http/1.1`,
    '    # Requiring client certificates (mutual TLS): use this bind line instead of the one above.',
    "    # The CA chain verifies them; crls.pem comes from the CA's CRL export (rootkeeper crl),",
    '    # with the CRLs of the root and of the intermediate CA.',
    `    # bind :443 ssl crt ${pem} alpn h2,http/1.1 ca-file ${folder}/ca-chain.cert.pem verify required crl-file ${DEPLOYED_CRLS}`,
    '    default_backend app',
  ];
  return { name: HAPROXY_FILE, data: `${lines.join('\n')}\n` };
}

function pemLines(bundle: BundleLayout, folder: string, pem: string): string[] {
  if (bundle.hasKey && !bundle.keyEncrypted) return [];
  const source = bundle.hasKey ? `openssl pkey -in ${bundle.name}.key.pem` : 'cat /path/to/the/key.pem';
  return [
    bundle.hasKey
      ? '# HAProxy cannot load an encrypted key: make a clear copy that only root can read, once'
      : '# The key is not in this bundle: make the one file HAProxy needs, readable only by root',
    `# (${bundle.hasKey ? 'openssl asks for the passphrase' : 'the key must not be encrypted'}):`,
    `#   cd ${folder}`,
    `#   sudo sh -c 'umask 077 && { cat ${bundle.name}.fullchain.pem && ${source}; } > ${pem}'`,
  ];
}
