/**
 * apache.conf: a <VirtualHost> for Apache httpd 2.4 with mod_ssl (Debian:
 * /etc/apache2/sites-available/, then a2ensite), referring to the bundle
 * where the README says to copy it. An encrypted key needs
 * SSLPassPhraseDialog, a server-wide directive, so it stands above the
 * <VirtualHost>, marked as global, with the helper script the bundle carries.
 */
import { DEPLOYED_CRLS, deployFolder, dnsNames, type BundleLayout } from '../bundle-facts';
import type { OutputFile } from '../folder';
import { fillTemplate } from '../script-template';
import passphraseHelper from './scripts/apache-passphrase.sh?raw';

export const APACHE_FILE = 'apache.conf';
export const APACHE_PASSPHRASE_HELPER = 'apache-passphrase.sh';

export function apacheConfig(bundle: BundleLayout): OutputFile[] {
  const folder = deployFolder(bundle.name);
  const names = dnsNames(bundle.facts);
  const lines = [
    `# Apache httpd 2.4 with mod_ssl: HTTPS for ${bundle.name}. On Debian and Ubuntu:`,
    `#   sudo a2enmod ssl && sudo cp apache.conf /etc/apache2/sites-available/${bundle.name}.conf`,
    `#   sudo a2ensite ${bundle.name} && sudo apache2ctl configtest && sudo systemctl reload apache2`,
    `# after copying this bundle's folder to ${folder}/ (README.txt). Debian's ports.conf`,
    '# already has "Listen 443" when mod_ssl is on; elsewhere add it at the global level.',
    ...globalLines(bundle, folder),
    '<VirtualHost *:443>',
    ...(names.length > 0 ? [`    ServerName ${names[0]}`] : []),
    ...(names.length > 1 ? [`    ServerAlias ${names.slice(1).join(' ')}`] : []),
    '    SSLEngine on',
    `    SSLCertificateFile    ${folder}/${bundle.name}.fullchain.pem`,
    `    SSLCertificateKeyFile ${folder}/${bundle.name}.key.pem${bundle.hasKey ? '' : '  # not in this bundle: put the key here'}`,
    '',
    '    # Requiring client certificates (mutual TLS): remove the "# " of the five lines below.',
    "    # The CA chain verifies them; crls.pem comes from the CA's CRL export (rootkeeper crl),",
    '    # with the CRLs of the root and of the intermediate CA, both checked ("chain").',
    `    # SSLCACertificateFile ${folder}/ca-chain.cert.pem`,
    '    # SSLVerifyClient require',
    '    # SSLVerifyDepth 2',
    `    # SSLCARevocationFile ${DEPLOYED_CRLS}`,
    '    # SSLCARevocationCheck chain',
    '</VirtualHost>',
  ];
  const files: OutputFile[] = [{ name: APACHE_FILE, data: `${lines.join('\n')}\n` }];
  if (bundle.keyEncrypted) {
    files.push({
      name: APACHE_PASSPHRASE_HELPER,
      data: fillTemplate(passphraseHelper, { NAME: bundle.name, FOLDER: folder }),
      mode: 0o755,
    });
  }
  return files;
}

function globalLines(bundle: BundleLayout, folder: string): string[] {
  if (!bundle.keyEncrypted) return [];
  return [
    '',
    '# ---- global level: outside any <VirtualHost>, once per server ----',
    '# The key is encrypted: Apache runs this helper at start-up to get its passphrase.',
    `SSLPassPhraseDialog exec:${folder}/${APACHE_PASSPHRASE_HELPER}`,
    '# ---- end of the global level ----',
    '',
  ];
}
