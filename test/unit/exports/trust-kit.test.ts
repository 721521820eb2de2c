/**
 * The root trust kit's files, checked by parsing them back: the certificate
 * in each encoding, the Firefox policy, the Apple profile, the scripts for
 * Windows and Linux, the Java trust store and the README. The interop tests
 * (test/interop/trust-kit-*.test.ts) then hand the same files to the real
 * browsers and tools.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'plist';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificatePem, fingerprints } from '../../../src-main/engine/formats/certificates';
import { readPkcs12 } from '../../../src-main/engine/formats/pkcs12';
import { x509 } from '../../../src-main/engine/x509';
import { CHECKSUM_FILE, safeName, sha256, writeExportFolder, type OutputFile } from '../../../src-main/exports/folder';
import { DEFAULT_JAVA_PASSWORD, trustKitFiles } from '../../../src-main/exports/trust-kit';
import { failure } from '../../support/errors';
import { run } from '../../support/run';
import { makeHierarchy, makeLeaf, makeSimpleChain, type TestHierarchy } from '../../support/pki';
import { makeTempDir } from '../../support/temp-dir';

const NAME = 'unit_kit_root_ca';
const FILE_LIST = [
  `${NAME}.cer`,
  `${NAME}.crt`,
  `${NAME}.p7b`,
  'README.txt',
  'firefox/policies.json',
  'java/truststore.p12',
  'linux/install-root.sh',
  'linux/uninstall-root.sh',
  `macos/${NAME}.mobileconfig`,
  'windows/install-root.cmd',
  'windows/install-root.ps1',
  'windows/uninstall-root.cmd',
  'windows/uninstall-root.ps1',
];

type Dict = Record<string, unknown>;

/** Upper case, in the layout of a name-based (version 5) UUID. */
const UUID_V5 = /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

let hierarchy: TestHierarchy;
let other: TestHierarchy;
let kit: OutputFile[];

function file(files: readonly OutputFile[], name: string): OutputFile {
  const found = files.find((f) => f.name === name);
  if (!found) throw new Error(`the kit has no ${name}`);
  return found;
}

function text(files: readonly OutputFile[], name: string): string {
  const { data } = file(files, name);
  return typeof data === 'string' ? data : new TextDecoder().decode(data);
}

function bytes(files: readonly OutputFile[], name: string): Uint8Array {
  const { data } = file(files, name);
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

function profileOf(files: readonly OutputFile[]): { outer: Dict; inner: Dict } {
  const mobileconfig = files.find((f) => f.name.endsWith('.mobileconfig'))!;
  const outer = parse(text(files, mobileconfig.name)) as Dict;
  const content = outer.PayloadContent as Dict[];
  expect(content).toHaveLength(1);
  return { outer, inner: content[0]! };
}

beforeAll(async () => {
  hierarchy = await makeHierarchy({ label: 'Unit Kit' });
  other = await makeHierarchy({ label: 'Other Kit' });
  kit = await trustKitFiles({ root: hierarchy.root.der });
});

describe('trustKitFiles', () => {
  it('names every file after safeName of the root CN', () => {
    expect(NAME).toBe(safeName('Unit Kit Root CA'));
    expect(kit.map((f) => f.name).sort()).toEqual([...FILE_LIST].sort());
  });

  it('writes NAME.crt as the PEM of the root and NAME.cer as its DER', () => {
    expect(text(kit, `${NAME}.crt`)).toBe(certificatePem(hierarchy.root.der));
    expect(text(kit, `${NAME}.crt`)).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/,
    );
    expect(Buffer.from(bytes(kit, `${NAME}.cer`)).equals(Buffer.from(hierarchy.root.der))).toBe(true);
  });

  it('writes NAME.p7b as a DER PKCS#7 holding the root alone', () => {
    const p7b = bytes(kit, `${NAME}.p7b`);
    expect(p7b[0]).toBe(0x30); // DER, not PEM
    const certificates = [...new x509.X509Certificates(Buffer.from(p7b))];
    expect(certificates).toHaveLength(1);
    expect(Buffer.from(certificates[0]!.rawData).equals(Buffer.from(hierarchy.root.der))).toBe(true);
  });

  it('writes a Firefox policy that installs NAME.crt by its bare name', () => {
    expect(JSON.parse(text(kit, 'firefox/policies.json'))).toEqual({
      policies: { Certificates: { Install: [`${NAME}.crt`] } },
    });
  });

  describe('macOS / iOS profile', () => {
    it('is a Configuration profile with one com.apple.security.root payload holding the DER', () => {
      const { outer, inner } = profileOf(kit);
      expect(text(kit, `macos/${NAME}.mobileconfig`)).toMatch(
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!DOCTYPE plist/,
      );
      expect(outer).toMatchObject({
        PayloadType: 'Configuration',
        PayloadVersion: 1,
        PayloadScope: 'System',
        PayloadDisplayName: 'Unit Kit Root CA',
        PayloadOrganization: 'Rootkeeper Tests',
      });
      expect(inner).toMatchObject({
        PayloadType: 'com.apple.security.root',
        PayloadVersion: 1,
        PayloadDisplayName: 'Unit Kit Root CA',
        PayloadCertificateFileName: `${NAME}.cer`,
      });
      expect(inner.PayloadContent).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(inner.PayloadContent as Uint8Array).equals(Buffer.from(hierarchy.root.der))).toBe(true);
    });

    it('has a PayloadIdentifier derived from the root: stable for the same root, different for another', async () => {
      const first = profileOf(kit);
      const again = profileOf(await trustKitFiles({ root: hierarchy.root.der }));
      const another = profileOf(await trustKitFiles({ root: other.root.der }));
      const prefix = fingerprints(hierarchy.root.der).sha256.replace(/:/g, '').slice(0, 16).toLowerCase();
      expect(first.outer.PayloadIdentifier).toBe(`org.rootkeeper.trust.${prefix}`);
      expect(first.inner.PayloadIdentifier).toBe(`org.rootkeeper.trust.${prefix}.root`);
      expect(again.outer.PayloadIdentifier).toBe(first.outer.PayloadIdentifier);
      expect(again.inner.PayloadIdentifier).toBe(first.inner.PayloadIdentifier);
      expect(another.outer.PayloadIdentifier).not.toBe(first.outer.PayloadIdentifier);
      expect(another.outer.PayloadIdentifier).toMatch(/^org\.rootkeeper\.trust\.[0-9a-f]{16}$/);
    });

    it('has upper-case UUIDs derived from the root: the same in every kit of it, different for another', async () => {
      const first = profileOf(kit);
      const again = profileOf(await trustKitFiles({ root: hierarchy.root.der }));
      const another = profileOf(await trustKitFiles({ root: other.root.der }));
      const uuids = [first.outer, first.inner, another.outer, another.inner].map((p) => p.PayloadUUID as string);
      for (const uuid of uuids) expect(uuid).toMatch(UUID_V5);
      expect(new Set(uuids).size).toBe(4);
      expect(again.outer.PayloadUUID).toBe(first.outer.PayloadUUID);
      // The same UUIDs as Python's own uuid5 in the URL namespace.
      const hex = sha256(hierarchy.root.der);
      const python = run('python3', [
        '-c',
        'import sys, uuid; print(*(str(uuid.uuid5(uuid.NAMESPACE_URL, n)).upper() for n in sys.argv[1:]))',
        `rootkeeper:trust-profile:profile:${hex}`,
        `rootkeeper:trust-profile:root:${hex}`,
      ]);
      expect(python.stdout.trim()).toBe(`${first.outer.PayloadUUID} ${first.inner.PayloadUUID}`);
      expect(again.inner.PayloadUUID).toBe(first.inner.PayloadUUID);
    });
  });

  describe('Windows scripts', () => {
    it.each([
      'windows/install-root.cmd',
      'windows/install-root.ps1',
      'windows/uninstall-root.cmd',
      'windows/uninstall-root.ps1',
    ])('%s uses CRLF line endings and ASCII, every placeholder filled', (name) => {
      const script = text(kit, name);
      expect(script).toMatch(/\r\n$/);
      expect(script.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(script).toMatch(/^[\x20-\x7e\r\n]*$/);
      expect(script).not.toContain('{{');
    });

    it('install-root.cmd adds NAME.cer to LocalMachine\\Root with certutil, only when elevated', () => {
      const script = text(kit, 'windows/install-root.cmd');
      expect(script).toMatch(/^@echo off\r\n/);
      expect(script).toContain(`set "CERT=%~dp0..\\${NAME}.cer"\r\n`);
      expect(script).toContain('set "CERTUTIL=%SystemRoot%\\System32\\certutil.exe"\r\n');
      expect(script).toContain('"%CERTUTIL%" -addstore -f Root "%CERT%"\r\n');
      const hex = fingerprints(hierarchy.root.der).sha256.replace(/:/g, '');
      expect(script).toContain(`set "EXPECTED=${hex}"\r\n`);
      // The digest of the file, without the spaces older Windows print, compared before anything is added.
      expect(script).toContain(
        `for /f "skip=1 delims=" %%H in ('%SystemRoot%\\System32\\certutil.exe -hashfile "%CERT%" SHA256') ` +
          'do if not defined ACTUAL set "ACTUAL=%%H"\r\n',
      );
      expect(script).toContain('set "ACTUAL=%ACTUAL: =%"\r\n');
      expect(script).toContain('if /i not "%ACTUAL%"=="%EXPECTED%" goto mismatch\r\n');
      expect(script.indexOf('goto mismatch')).toBeLessThan(script.indexOf('-addstore'));
      expect(script).toContain('\r\n:mismatch\r\necho.\r\necho The file in this kit has SHA-256 %ACTUAL%,\r\n');
      expect(script.slice(script.indexOf(':mismatch')).split(':not_elevated')[0]).toContain('exit /b 1');
      // The elevation check comes before the install and leads to a clear message.
      expect(script.indexOf('fltmc.exe')).toBeLessThan(script.indexOf('-addstore'));
      expect(script).toContain('if errorlevel 1 goto not_elevated');
      expect(script).toContain('\r\n:not_elevated\r\necho.\r\necho This script must run as administrator');
      expect(script).toContain(`echo   ${fingerprints(hierarchy.root.der).sha256}\r\n`);
    });

    it('install-root.ps1 requires elevation and imports NAME.cer into Cert:\\LocalMachine\\Root', () => {
      const script = text(kit, 'windows/install-root.ps1');
      expect(script).toMatch(/^#Requires -RunAsAdministrator\r\n/);
      expect(script).toContain(`$certFile = Join-Path $PSScriptRoot '..\\${NAME}.cer'\r\n`);
      expect(script).toContain(
        'Import-Certificate -FilePath $certFile -CertStoreLocation Cert:\\LocalMachine\\Root\r\n',
      );
      expect(script).toContain(`$expected = '${fingerprints(hierarchy.root.der).sha256}'\r\n`);
      expect(script.indexOf('if ($actual -ne $expected)')).toBeLessThan(script.indexOf('Import-Certificate'));
    });

    it('the uninstall scripts remove the root by its SHA-1 thumbprint, when elevated', () => {
      const sha1 = fingerprints(hierarchy.root.der).sha1.replace(/:/g, '');
      const cmd = text(kit, 'windows/uninstall-root.cmd');
      expect(cmd).toContain(`"%CERTUTIL%" -delstore Root ${sha1}\r\n`);
      expect(cmd.indexOf('fltmc.exe')).toBeLessThan(cmd.indexOf('-delstore'));
      const ps1 = text(kit, 'windows/uninstall-root.ps1');
      expect(ps1).toMatch(/^#Requires -RunAsAdministrator\r\n/);
      expect(ps1).toContain(`$thumbprint = '${sha1}'\r\n`);
      expect(ps1).toContain('Get-ChildItem -Path Cert:\\LocalMachine\\Root, Cert:\\CurrentUser\\Root');
      expect(ps1).toContain('Remove-Item -LiteralPath $certificate.PSPath');
    });
  });

  it('writes a POSIX sh script for the Linux system store and the NSS databases', () => {
    const script = text(kit, 'linux/install-root.sh');
    expect(file(kit, 'linux/install-root.sh').mode).toBe(0o755);
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain('\nset -eu\n');
    expect(script).toContain(`\nNAME='${NAME}'\n`);
    expect(script).toContain("\nNICKNAME='Unit Kit Root CA'\n");
    expect(script).toContain(`\nSHA256='${fingerprints(hierarchy.root.der).sha256}'\n`);
    expect(script).toContain('cert="$kit/$NAME.crt"');
    for (const expected of [
      'copy_and_update /usr/local/share/ca-certificates "$tool"',
      'find_tool update-ca-certificates',
      'copy_and_update /etc/pki/ca-trust/source/anchors "$tool" extract',
      'find_tool update-ca-trust',
      `certutil -A -d "sql:$1" -t 'C,,' -n "$NICKNAME" -i "$cert"`,
      'certutil -N -d "sql:$1" --empty-password',
      '"$HOME/.pki/nssdb" "$HOME/.local/share/pki/nssdb"',
      'say "$HOME/.mozilla/firefox"',
      'say "${XDG_CONFIG_HOME:-$HOME/.config}/mozilla/firefox"',
      'Path=*) path=${line#Path=} ;;',
      'cp "$policy" "$target"',
      '--user-only) user_only=1 ;;',
      'libnss3-tools',
      'nss-tools',
    ]) {
      expect(script).toContain(expected);
    }
    expect(script).not.toContain('\r');
    expect(script).not.toContain('{{');
    const uninstall = text(kit, 'linux/uninstall-root.sh');
    expect(file(kit, 'linux/uninstall-root.sh').mode).toBe(0o755);
    expect(uninstall).toContain(`\nNAME='${NAME}'\n`);
    expect(uninstall).toContain('remove_and_update /usr/local/share/ca-certificates "$tool" --fresh');
    expect(uninstall).toContain('for alias in "debian:$NAME.pem" "$NAME"; do');
    expect(uninstall).toContain('certutil -D -d "sql:$1" -n "$NICKNAME"');
    expect(uninstall).not.toContain('{{');
  });

  it('quotes any root name for sh', async () => {
    const { der } = await rootNamed('O\'Brien \\"$(id)\\" `id` Root');
    const script = text(await trustKitFiles({ root: der }), 'linux/install-root.sh');
    expect(script).toContain(`\nNICKNAME='O'\\''Brien "$(id)" \`id\` Root'\n`);
  });

  it('writes a certificate-only Java trust store with the default password changeit', async () => {
    expect(DEFAULT_JAVA_PASSWORD).toBe('changeit');
    const contents = await readPkcs12(bytes(kit, 'java/truststore.p12'), 'changeit');
    expect(contents.privateKey).toBeUndefined();
    expect(contents.certificates).toHaveLength(1);
    expect(Buffer.from(contents.certificates[0]!).equals(Buffer.from(hierarchy.root.der))).toBe(true);
  });

  it('uses the Java password it is given, and refuses one keytool or a shell would choke on', async () => {
    const custom = await trustKitFiles({ root: hierarchy.root.der, javaPassword: 'trust-me.2026' });
    expect((await readPkcs12(bytes(custom, 'java/truststore.p12'), 'trust-me.2026')).certificates).toHaveLength(1);
    expect(text(custom, 'README.txt')).toContain('-Djavax.net.ssl.trustStorePassword=trust-me.2026 \\\n');
    for (const password of ['', 'short', 'has space1', "quote'1234", 'x'.repeat(129)]) {
      const error = await failure(trustKitFiles({ root: hierarchy.root.der, javaPassword: password }));
      expect(error.reason).toBe('invalid-option');
    }
  });

  describe('README.txt', () => {
    it('gives the subject, validity and both fingerprints exactly as fingerprints() prints them', () => {
      const readme = text(kit, 'README.txt');
      const { sha256: sha256Print, sha1 } = fingerprints(hierarchy.root.der);
      expect(readme).toContain(`SHA-256 fingerprint:\n    ${sha256Print}\n`);
      expect(readme).toContain(`SHA-1 fingerprint:\n    ${sha1}\n`);
      expect(readme).toContain('Subject:     CN=Unit Kit Root CA, O=Rootkeeper Tests, C=GB\n');
      const { certificate } = hierarchy.root;
      const utc = (d: Date): string =>
        d
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d{3}Z$/, ' UTC');
      expect(readme).toContain(`Valid from:  ${utc(certificate.notBefore)}\n`);
      expect(readme).toContain(`Valid until: ${utc(certificate.notAfter)}\n`);
    });

    it('names every file of the kit and the import steps of each trust store', () => {
      const readme = text(kit, 'README.txt');
      for (const name of [...FILE_LIST, CHECKSUM_FILE]) expect(readme).toContain(name);
      for (const expected of [
        'sha256sum -c SHA256SUMS',
        'Trust this CA to identify websites.',
        '/etc/firefox/policies/',
        '/usr/lib/mozilla/certificates',
        '~/.mozilla/certificates',
        '%USERPROFILE%\\AppData\\Local\\Mozilla\\Certificates',
        '/Library/Application Support/Mozilla/Certificates',
        'Firefox.app/Contents/Resources/distribution/',
        'C:\\Program Files\\Mozilla Firefox\\distribution\\policies.json',
        `certutil -addstore -f Root ${NAME}.cer`,
        'Always Trust',
        'Settings > General > About >',
        'Certificate Trust Settings > turn on "Unit Kit Root CA"',
        'Settings > Security > Encryption & credentials > Install a certificate > CA certificate',
        'API level 24',
        `sudo cp ${NAME}.crt /usr/local/share/ca-certificates/\n    sudo update-ca-certificates\n`,
        `sudo cp ${NAME}.crt /etc/pki/ca-trust/source/anchors/\n    sudo update-ca-trust extract\n`,
        '    java -Djavax.net.ssl.trustStore=/path/to/kit/java/truststore.p12 \\\n' +
          '         -Djavax.net.ssl.trustStorePassword=changeit \\\n' +
          '         -Djavax.net.ssl.trustStoreType=PKCS12 \\\n',
        'keytool -list -v -keystore java/truststore.p12 -storetype PKCS12 -storepass changeit',
      ]) {
        expect(readme).toContain(expected);
      }
      // Long commands are split with the shell's continuation, so they still paste as one.
      expect(readme).toMatch(
        commandPattern(
          `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${NAME}.cer`,
        ),
      );
      expect(readme).toMatch(
        commandPattern(
          `keytool -importcert -trustcacerts -noprompt -cacerts -storepass changeit -alias ${NAME} -file ${NAME}.cer`,
        ),
      );
      expect(readme).toMatch(
        commandPattern(
          `certutil -d sql:"$HOME/.local/share/pki/nssdb" -A -t "C,," -n 'Unit Kit Root CA' -i ${NAME}.crt`,
        ),
      );
    });

    it('is ASCII text with lines of at most 100 characters, even for a 64-character name', async () => {
      const long = await rootNamed(
        `CN=${'Very Long Name '.repeat(4)}Root`.slice(0, 67),
        'O=An Organisation With A Long Name Too, OU=Department Of Certificates And Trust, C=GB',
      );
      for (const files of [kit, await trustKitFiles({ root: long.der })]) {
        const readme = text(files, 'README.txt');
        expect(readme).toMatch(/^[\x20-\x7e\n]*$/);
        for (const line of readme.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
      }
    });
  });

  it('refuses a leaf, an intermediate and bytes that are not a certificate', async () => {
    const leaf = await makeLeaf(hierarchy);
    expect((await failure(trustKitFiles({ root: leaf.leaf.der }))).reason).toBe('wrong-kind');
    expect((await failure(trustKitFiles({ root: hierarchy.intermediate.der }))).reason).toBe('wrong-kind');
    expect((await failure(trustKitFiles({ root: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }))).reason).toBe(
      'malformed',
    );
  });
});

describe('writing the kit with writeExportFolder', () => {
  it('writes every file and SHA256SUMS, refuses to overwrite, and overwrites with force', async () => {
    const tmp = await makeTempDir('rootkeeper-trust-kit-unit-');
    try {
      const folder = path.join(tmp.dir, 'kit');
      const written = await writeExportFolder(folder, kit);
      expect(written.files.map((f) => f.name).sort()).toEqual([...FILE_LIST, CHECKSUM_FILE].sort());
      const sums = await readFile(path.join(folder, CHECKSUM_FILE), 'utf8');
      for (const f of kit) expect(sums).toContain(`${sha256(f.data)}  ${f.name}\n`);
      expect(await readFile(path.join(folder, `${NAME}.cer`))).toEqual(Buffer.from(hierarchy.root.der));

      const again = await trustKitFiles({ root: hierarchy.root.der });
      const refused = await failure(writeExportFolder(folder, again));
      expect(refused.reason).toBe('exists');
      // Nothing was replaced: the profile on disk is still the first kit's.
      expect(await readFile(path.join(folder, `macos/${NAME}.mobileconfig`), 'utf8')).toBe(
        text(kit, `macos/${NAME}.mobileconfig`),
      );

      await writeExportFolder(folder, again, { force: true });
      expect(await readFile(path.join(folder, `macos/${NAME}.mobileconfig`), 'utf8')).toBe(
        text(again, `macos/${NAME}.mobileconfig`),
      );
    } finally {
      await tmp.cleanup();
    }
  });
});

/** A README line holding this command, possibly continued (" \\" and eight spaces) between its words. */
function commandPattern(command: string): RegExp {
  const words = command.split(' ').map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`\\n    ${words.join('(?: | \\\\\\n {8})')}\\n`);
}

/** A self-signed CA certificate with the given subject, for names the engine's profiles would refuse. */
async function rootNamed(cnOrDn: string, rest = 'O=Rootkeeper Tests'): Promise<{ der: Uint8Array }> {
  const subject = cnOrDn.startsWith('CN=') ? `${cnOrDn}, ${rest}` : `CN=${cnOrDn}, ${rest}`;
  const chain = await makeSimpleChain(subject);
  return { der: chain.ca };
}
