#Requires -RunAsAdministrator
# Removes {{NAME}}.cer from Cert:\LocalMachine\Root and Cert:\CurrentUser\Root, found by its
# SHA-1 thumbprint. Made by Rootkeeper; see README.txt in the folder above. Run it from an
# elevated PowerShell:
#   powershell -ExecutionPolicy Bypass -File uninstall-root.ps1
$ErrorActionPreference = 'Stop'
$thumbprint = '{{SHA1_HEX}}'
Write-Host 'Root certificate: {{NAME}}.cer'
Write-Host 'SHA-256 fingerprint: {{SHA256}}'
$found = @(Get-ChildItem -Path Cert:\LocalMachine\Root, Cert:\CurrentUser\Root |
    Where-Object { $_.Thumbprint -eq $thumbprint })
if ($found.Count -eq 0) {
  Write-Host 'It is not installed: nothing to remove.'
  exit 0
}
foreach ($certificate in $found) {
  Remove-Item -LiteralPath $certificate.PSPath
  Write-Host "Removed it from $($certificate.PSParentPath -replace '^.*::', 'Cert:\')."
}
Write-Host 'Done. Restart your browsers.'
