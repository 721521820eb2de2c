/**
 * Windows: two install scripts for the machine's Trusted Root Certification
 * Authorities store (LocalMachine\Root), which Windows, Chrome and Edge use
 * and Firefox 120+ reads. Both show the fingerprint first so the person
 * running them can compare it with the one the CA officer read out.
 *
 * CRLF line endings: cmd.exe mis-parses labels and blocks in LF-only batch
 * files. Only the safe file name and hex fingerprints go into the scripts,
 * never the root's free-text name, so nothing needs cmd or PowerShell quoting,
 * and the files stay ASCII (PowerShell 5.1 reads BOM-less scripts as ANSI).
 */
import type { OutputFile } from '../folder';
import type { KitRoot } from './root';

const CRLF = '\r\n';

function windowsText(lines: readonly string[]): string {
  return lines.join(CRLF) + CRLF;
}

/**
 * Windows' own certutil.exe by full path: NSS's certutil, which has the same
 * name and different options, may come first in PATH on machines with
 * developer tools. fltmc only succeeds when elevated, which is the check
 * Command Prompt lacks a keyword for.
 */
export function installCmd(root: KitRoot): OutputFile {
  const cer = `"%~dp0..\\${root.name}.cer"`;
  const certutil = '"%SystemRoot%\\System32\\certutil.exe"';
  return {
    name: 'windows/install-root.cmd',
    data: windowsText([
      '@echo off',
      `rem Installs ${root.name}.cer into Trusted Root Certification Authorities (Local Computer),`,
      'rem the store Windows, Chrome and Edge use (Firefox 120 and later read it too).',
      'rem Made by Rootkeeper; see README.txt in the folder above.',
      'setlocal',
      `echo Root certificate: ${root.name}.cer`,
      'echo Compare this SHA-256 fingerprint with the one your CA officer gave you:',
      `echo   ${root.fingerprints.sha256}`,
      'echo SHA-256 of the file in this kit:',
      `${certutil} -hashfile ${cer} SHA256`,
      '"%SystemRoot%\\System32\\fltmc.exe" >nul 2>&1',
      'if errorlevel 1 goto not_elevated',
      `${certutil} -addstore -f Root ${cer}`,
      'if errorlevel 1 goto failed',
      'echo.',
      'echo Done: the root is in Trusted Root Certification Authorities (Local Computer).',
      'echo Restart your browsers.',
      'exit /b 0',
      '',
      ':not_elevated',
      'echo.',
      'echo This script must run as administrator: nothing was installed.',
      'echo Open the Start menu, type cmd, right-click Command Prompt, choose Run as administrator,',
      'echo and run this file again from that window.',
      'exit /b 1',
      '',
      ':failed',
      'echo.',
      'echo certutil could not add the certificate: nothing was installed. See its message above.',
      'exit /b 1',
    ]),
  };
}

/**
 * The PowerShell version checks the file's SHA-256 against the fingerprint
 * it was made with before importing, and refuses a changed file.
 */
export function installPs1(root: KitRoot): OutputFile {
  return {
    name: 'windows/install-root.ps1',
    data: windowsText([
      '#Requires -RunAsAdministrator',
      `# Installs ${root.name}.cer into Cert:\\LocalMachine\\Root (Trusted Root Certification Authorities),`,
      '# the store Windows, Chrome and Edge use (Firefox 120 and later read it too).',
      '# Made by Rootkeeper; see README.txt in the folder above. Run it from an elevated PowerShell:',
      '#   powershell -ExecutionPolicy Bypass -File install-root.ps1',
      "$ErrorActionPreference = 'Stop'",
      `$certFile = Join-Path $PSScriptRoot '..\\${root.name}.cer'`,
      `$expected = '${root.fingerprints.sha256}'`,
      "$actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $certFile).Hash -replace '(..)(?!$)', '$1:'",
      `Write-Host 'Root certificate: ${root.name}.cer'`,
      "Write-Host 'Compare this SHA-256 fingerprint with the one your CA officer gave you:'",
      'Write-Host "  $expected"',
      'if ($actual -ne $expected) {',
      '  throw "The file in this kit has SHA-256 $actual, not the fingerprint above: nothing was installed."',
      '}',
      '$installed = Import-Certificate -FilePath $certFile -CertStoreLocation Cert:\\LocalMachine\\Root',
      'Write-Host "Done: $($installed.Subject) is in Cert:\\LocalMachine\\Root. Restart your browsers."',
    ]),
  };
}

export function windowsScripts(root: KitRoot): OutputFile[] {
  return [installCmd(root), installPs1(root)];
}
