/**
 * Windows: install and uninstall scripts for the machine's Trusted Root
 * Certification Authorities store (LocalMachine\Root), which Windows, Chrome
 * and Edge use and Firefox 120+ reads, as Command Prompt and PowerShell
 * files (in scripts/). Both install scripts compare the file's SHA-256 with
 * the fingerprint they were made with before anything is added.
 *
 * CRLF line endings (see script-template.ts). Only the safe file name and hex
 * fingerprints go into the scripts, never the root's free-text name, so
 * nothing needs cmd or PowerShell quoting, and the files stay ASCII
 * (PowerShell 5.1 reads BOM-less scripts as ANSI).
 */
import type { OutputFile } from '../folder';
import type { KitRoot } from './root';
import { crlf, fillTemplate } from '../script-template';
import installCmd from './scripts/install-root.cmd?raw';
import installPs1 from './scripts/install-root.ps1?raw';
import uninstallCmd from './scripts/uninstall-root.cmd?raw';
import uninstallPs1 from './scripts/uninstall-root.ps1?raw';

const hex = (fingerprint: string): string => fingerprint.replace(/:/g, '');

const SCRIPTS: Readonly<Record<string, string>> = {
  'windows/install-root.cmd': installCmd,
  'windows/install-root.ps1': installPs1,
  'windows/uninstall-root.cmd': uninstallCmd,
  'windows/uninstall-root.ps1': uninstallPs1,
};

export function windowsScripts(root: KitRoot): OutputFile[] {
  return Object.entries(SCRIPTS).map(([name, template]) => {
    const values = {
      NAME: root.name,
      SHA256: root.fingerprints.sha256,
      SHA256_HEX: hex(root.fingerprints.sha256),
      SHA1_HEX: hex(root.fingerprints.sha1),
    };
    // Each template uses only some of the values.
    const used = Object.fromEntries(Object.entries(values).filter(([key]) => template.includes(`{{${key}}}`)));
    return { name, data: crlf(fillTemplate(template, used)) };
  });
}
