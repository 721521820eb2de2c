@echo off
rem Installs {{NAME}}.cer into Trusted Root Certification Authorities (Local Computer),
rem the store Windows, Chrome and Edge use (Firefox 120 and later read it too).
rem It checks the file's SHA-256 against the fingerprint it was made with, and installs
rem nothing if they differ. Made by Rootkeeper; see README.txt in the folder above.
rem Undo it with uninstall-root.cmd.
setlocal
set "CERT=%~dp0..\{{NAME}}.cer"
set "CERTUTIL=%SystemRoot%\System32\certutil.exe"
set "EXPECTED={{SHA256_HEX}}"
echo Root certificate: {{NAME}}.cer
echo Compare this SHA-256 fingerprint with the one your CA officer gave you:
echo   {{SHA256}}
if not exist "%CERT%" goto missing
rem certutil -hashfile prints a title line, the digest (with spaces on older Windows), then a status line.
set "ACTUAL="
for /f "skip=1 delims=" %%H in ('%SystemRoot%\System32\certutil.exe -hashfile "%CERT%" SHA256') do if not defined ACTUAL set "ACTUAL=%%H"
if not defined ACTUAL goto mismatch
set "ACTUAL=%ACTUAL: =%"
if /i not "%ACTUAL%"=="%EXPECTED%" goto mismatch
echo The file in this kit matches it.
"%SystemRoot%\System32\fltmc.exe" >nul 2>&1
if errorlevel 1 goto not_elevated
"%CERTUTIL%" -addstore -f Root "%CERT%"
if errorlevel 1 goto failed
echo.
echo Done: the root is in Trusted Root Certification Authorities (Local Computer).
echo Restart your browsers.
exit /b 0

:missing
echo.
echo %CERT% is missing: nothing was installed.
exit /b 1

:mismatch
echo.
echo The file in this kit has SHA-256 %ACTUAL%,
echo not the fingerprint above: nothing was installed. Call your CA officer.
exit /b 1

:not_elevated
echo.
echo This script must run as administrator: nothing was installed.
echo Open the Start menu, type cmd, right-click Command Prompt, choose Run as administrator,
echo and run this file again from that window.
exit /b 1

:failed
echo.
echo certutil could not add the certificate: nothing was installed. See its message above.
exit /b 1
