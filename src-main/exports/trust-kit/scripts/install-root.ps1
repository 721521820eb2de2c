#Requires -RunAsAdministrator
# Installs {{NAME}}.cer into Cert:\LocalMachine\Root (Trusted Root Certification Authorities),
# the store Windows, Chrome and Edge use (Firefox 120 and later read it too).
# Made by Rootkeeper; see README.txt in the folder above. Run it from an elevated PowerShell:
#   powershell -ExecutionPolicy Bypass -File install-root.ps1
# Undo it with uninstall-root.ps1.
$ErrorActionPreference = 'Stop'
$certFile = Join-Path $PSScriptRoot '..\{{NAME}}.cer'
$expected = '{{SHA256}}'
Write-Host 'Root certificate: {{NAME}}.cer'
Write-Host 'Compare this SHA-256 fingerprint with the one your CA officer gave you:'
Write-Host "  $expected"
$actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $certFile).Hash -replace '(..)(?!$)', '$1:'
if ($actual -ne $expected) {
  throw "The file in this kit has SHA-256 $actual, not the fingerprint above: nothing was installed."
}
Write-Host 'The file in this kit matches it.'
$installed = Import-Certificate -FilePath $certFile -CertStoreLocation Cert:\LocalMachine\Root
Write-Host "Done: $($installed.Subject) is in Cert:\LocalMachine\Root. Restart your browsers."
