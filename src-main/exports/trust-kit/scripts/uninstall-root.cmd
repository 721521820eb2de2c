@echo off
rem Removes {{NAME}}.cer from Trusted Root Certification Authorities (Local Computer),
rem found by its SHA-1 thumbprint, which is how certutil names a certificate in a store.
rem Made by Rootkeeper; see README.txt in the folder above.
setlocal
set "CERTUTIL=%SystemRoot%\System32\certutil.exe"
echo Root certificate: {{NAME}}.cer
echo SHA-256 fingerprint: {{SHA256}}
"%SystemRoot%\System32\fltmc.exe" >nul 2>&1
if errorlevel 1 goto not_elevated
"%CERTUTIL%" -delstore Root {{SHA1_HEX}}
if errorlevel 1 goto failed
echo.
echo Done: the root is no longer in Trusted Root Certification Authorities (Local Computer).
echo Restart your browsers.
exit /b 0

:not_elevated
echo.
echo This script must run as administrator: nothing was removed.
echo Open the Start menu, type cmd, right-click Command Prompt, choose Run as administrator,
echo and run this file again from that window.
exit /b 1

:failed
echo.
echo certutil could not remove it (it may not be installed). See its message above.
exit /b 1
