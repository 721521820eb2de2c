/**
 * README.txt: what each file is, the fingerprints to compare over the phone,
 * and the import steps for every trust store, for someone who has never
 * heard of a certificate authority. Plain text, lines of at most 100
 * characters; ASCII apart from the root's own name.
 */
import { shellQuote } from './linux';
import type { KitRoot } from './root';
import { WIDTH, command, heading, together, wrap } from './text';

export const README_FILE = 'README.txt';

export interface ReadmeOptions {
  readonly javaPassword: string;
}

export function readme(root: KitRoot, options: ReadmeOptions): string {
  const sections = [
    intro(root),
    fingerprintSection(root),
    files(root, options),
    windows(root),
    macos(root),
    ios(root),
    android(root),
    firefox(root),
    chromium(root),
    linux(),
    debian(root),
    fedora(root),
    java(root, options),
    removing(root),
  ];
  return `${sections.flat().join('\n')}\n`;
}

function utc(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

function intro(root: KitRoot): string[] {
  const title = `Root trust kit: ${root.label}`;
  return [
    title,
    '='.repeat(Math.min(title.length, WIDTH)),
    '',
    ...wrap(
      `This kit makes computers, phones and programs trust the certificates that the private ` +
        `certificate authority (CA) "${root.label}" issues. It holds the CA's root certificate only, ` +
        `never a private key. Install it only where this CA should be trusted: whoever runs the CA ` +
        `can then vouch for any website to that device.`,
    ),
  ];
}

function fingerprintSection(root: KitRoot): string[] {
  return [
    ...heading('First: check the fingerprint'),
    ...wrap(root.subject, ' '.repeat(13), 'Subject:     '),
    `Valid from:  ${utc(root.notBefore)}`,
    `Valid until: ${utc(root.notAfter)}`,
    'SHA-256 fingerprint:',
    `    ${root.fingerprints.sha256}`,
    'SHA-1 fingerprint:',
    `    ${root.fingerprints.sha1}`,
    '',
    ...wrap(
      'Before installing anything, compare the SHA-256 fingerprint with the one the CA officer reads ' +
        'out to you over the phone or in person, not with one from this kit: a changed kit would carry ' +
        'a changed README too. If a single character differs, stop and call the CA officer. ' +
        'To print the fingerprint of the certificate file itself:',
    ),
    'Linux, macOS:',
    ...command(['openssl', 'x509', '-in', `${root.name}.crt`, '-noout', '-fingerprint', '-sha256']),
    'Windows (it prints the same digits without the colons):',
    ...command(['certutil', '-hashfile', `${root.name}.cer`, 'SHA256'], 'cmd'),
    '',
    'To check that no file of the kit changed since it was made (on macOS: shasum -a 256 -c):',
    '    sha256sum -c SHA256SUMS',
    'Every line must end in OK.',
  ];
}

/** A numbered step: continuation lines align with the text after "1. ". */
function item(text: string): string[] {
  return wrap(text, '   ', '');
}

function entry(name: string, description: string): string[] {
  return [name, ...wrap(description, '    ')];
}

function files(root: KitRoot, { javaPassword }: ReadmeOptions): string[] {
  const name = root.name;
  return [
    ...heading('Files'),
    ...entry(`${name}.crt`, 'The root certificate, PEM (text): Linux system stores, Firefox, Android.'),
    ...entry(`${name}.cer`, 'The same certificate, DER (binary): Windows, macOS, Java keytool, Android.'),
    ...entry(`${name}.p7b`, 'The same certificate as PKCS#7 (DER), which Windows and Firefox also import.'),
    ...entry('firefox/policies.json', `A Firefox enterprise policy that installs ${name}.crt in every profile.`),
    ...entry(`macos/${name}.mobileconfig`, 'A configuration profile for macOS, iOS and iPadOS.'),
    ...entry(
      'windows/install-root.cmd, windows/install-root.ps1',
      `Install ${name}.cer into the Windows machine store; run as administrator. Windows line ` +
        'endings (CRLF): copy them as they are, do not convert them.',
    ),
    ...entry('windows/uninstall-root.cmd, windows/uninstall-root.ps1', 'Remove it again.'),
    ...entry(
      'linux/install-root.sh',
      `Installs ${name}.crt into the Linux system store and into the NSS databases of Chromium and Firefox.`,
    ),
    ...entry('linux/uninstall-root.sh', "Removes it again from all of them, Java's cacerts included."),
    ...entry('java/truststore.p12', `A Java trust store (PKCS#12) holding only this root. Password: ${javaPassword}`),
    ...entry('SHA256SUMS', 'The SHA-256 of every file of the kit, for sha256sum -c.'),
    ...entry('README.txt', 'This file.'),
  ];
}

function windows(root: KitRoot): string[] {
  const cer = `${root.name}.cer`;
  return [
    ...heading('Windows (Chrome, Edge and Windows itself; Firefox 120 and later read it too)'),
    ...wrap(
      'Open Command Prompt as administrator (Start menu, type cmd, right-click Command Prompt, ' +
        'Run as administrator), go to the kit folder with cd, and run:',
    ),
    '    windows\\install-root.cmd',
    'or, in PowerShell as administrator:',
    '    powershell -ExecutionPolicy Bypass -File windows\\install-root.ps1',
    ...wrap(
      'Both show the SHA-256 fingerprint first, compute the SHA-256 of the file in the kit, and stop ' +
        'before installing anything if the two differ. The command they then run:',
    ),
    ...command(['certutil', '-addstore', '-f', 'Root', cer], 'cmd'),
    ...wrap(
      `By hand: double-click ${cer} > Install Certificate... > Local Machine > Place all certificates ` +
        'in the following store > Browse... > Trusted Root Certification Authorities > OK > Next > Finish.',
    ),
    ...wrap(
      'For many computers, Group Policy: Computer Configuration > Policies > Windows Settings > Security ' +
        'Settings > Public Key Policies > Trusted Root Certification Authorities > Import. Restart the ' +
        'browsers afterwards.',
    ),
  ];
}

function macos(root: KitRoot): string[] {
  const cer = `${root.name}.cer`;
  return [
    ...heading('macOS (Safari, Chrome, Edge; Firefox 120 and later read it too)'),
    'One of:',
    ...item(
      `1. The profile: double-click macos/${root.name}.mobileconfig, then open System Settings, find ` +
        'the downloaded profile (Privacy & Security > Profiles, or General > Device Management on ' +
        'newer macOS), click Install and enter your password. Then check in Keychain Access, System ' +
        'keychain, that the certificate is marked as trusted; if not, do the trust step of 2.',
    ),
    ...item(
      `2. Keychain Access: double-click ${cer} and add it to the System keychain. Double-click the ` +
        'certificate in Keychain Access, open Trust, set "When using this certificate" to Always ' +
        'Trust, close the window and enter your password.',
    ),
    '3. Terminal (it asks for your password, even as root, on macOS 11 and later):',
    ...command([
      'sudo',
      'security',
      'add-trusted-cert',
      '-d',
      '-r',
      'trustRoot',
      '-k',
      '/Library/Keychains/System.keychain',
      cer,
    ]),
  ];
}

function ios(root: KitRoot): string[] {
  return [
    ...heading('iPhone and iPad'),
    ...item(
      `1. Send macos/${root.name}.mobileconfig to the device (AirDrop, Mail or a web page) and open it: ` +
        'it says "Profile Downloaded".',
    ),
    ...item('2. Settings > Profile Downloaded (or General > VPN & Device Management) > the profile > Install.'),
    ...item(
      `3. THEN turn on trust, or websites still fail: ${together('Settings > General > About >')} ` +
        `${together('Certificate Trust Settings')} > turn on "${root.label}".`,
    ),
  ];
}

function android(root: KitRoot): string[] {
  return [
    ...heading('Android'),
    ...wrap(
      `Copy ${root.name}.crt to the device, then ` +
        together('Settings > Security > Encryption & credentials > Install a certificate > CA certificate') +
        ', and choose the file (the menus differ between makers: ' +
        'search Settings for "CA certificate"). Chrome then trusts it, but apps that target Android 7 ' +
        '(API level 24) or later ignore CAs installed by the user unless the app opts in through its ' +
        'network security config (<certificates src="user"/>).',
    ),
  ];
}

function firefox(root: KitRoot): string[] {
  const crt = `${root.name}.crt`;
  return [
    ...heading('Firefox (its own store, on every system)'),
    ...wrap(
      'By hand, in each Firefox profile: Settings > Privacy & Security > Certificates > View ' +
        `Certificates... > Authorities > Import..., choose ${crt}, tick ` +
        `${together('"Trust this CA to identify websites."')} and click OK. ` +
        'On Windows and macOS, Firefox 120 and later also trust roots installed ' +
        'in the system store (above) unless that setting was turned off. On Linux, linux/install-root.sh ' +
        'adds the root to every Firefox profile that exists.',
    ),
    '',
    ...wrap(
      'To check that Firefox trusts it: Settings > Privacy & Security > Certificates > View ' +
        `Certificates... > Authorities must list "${root.label}" (under its organisation). ` +
        'about:policies alone does not prove it: it shows the policy as active even when Firefox did ' +
        'not find the certificate file. On Linux, with Firefox closed, the profile itself can be asked ' +
        '(the folder is the one named in profiles.ini, under ~/.mozilla/firefox or ~/.config/mozilla/firefox):',
    ),
    ...command(['certutil', '-L', '-d', 'sql:/path/to/the/profile', '-n', shellQuote(root.label)]),
    '',
    ...wrap(
      `By policy, for every profile of a computer: copy firefox/policies.json and ${crt} as below, then ` +
        'restart Firefox and look at the Authorities tab as above. If a policies.json is already ' +
        'there, add the "Certificates" entry to it instead of replacing it. On Linux, ' +
        'linux/install-root.sh does this (unless a policies.json is already there).',
    ),
    'Windows:',
    '    policies.json into the distribution folder of the Firefox installation, for example',
    '        C:\\Program Files\\Mozilla Firefox\\distribution\\policies.json',
    `    ${crt} into one of`,
    '        %USERPROFILE%\\AppData\\Local\\Mozilla\\Certificates',
    '        %USERPROFILE%\\AppData\\Roaming\\Mozilla\\Certificates',
    'macOS:',
    '    policies.json into Firefox.app/Contents/Resources/distribution/',
    `    ${crt} into one of`,
    '        /Library/Application Support/Mozilla/Certificates',
    '        ~/Library/Application Support/Mozilla/Certificates',
    'Linux:',
    "    policies.json into /etc/firefox/policies/ (Debian's firefox-esr reads it there too, not from",
    '    /etc/firefox-esr), or into the distribution folder of the Firefox installation (Firefox then',
    '    reads only the one in /etc/firefox/policies/ if there is one)',
    `    ${crt} into one of`,
    '        /usr/lib/mozilla/certificates',
    '        /usr/lib64/mozilla/certificates',
    '        ~/.mozilla/certificates',
    '        a certificates folder next to a policies.json in the distribution folder',
  ];
}

/** Chromium's NSS database since version 146, as the README's commands name it. */
const NSSDB = '"$HOME/.local/share/pki/nssdb"';

function chromium(root: KitRoot): string[] {
  return [
    ...heading('Chrome, Chromium and Edge'),
    'Windows and macOS: they use the system store; install the root there (above).',
    ...wrap(
      'Linux: they use the NSS database in your home folder: ~/.local/share/pki/nssdb (Chromium 146 and ' +
        'later), or ~/.pki/nssdb when that exists (then use that folder in the lines below). Run ' +
        'linux/install-root.sh (below), or, with certutil from libnss3-tools (Debian, Ubuntu) or ' +
        'nss-tools (Fedora, RHEL), from the kit folder; the first two lines make the database on an ' +
        'account where Chromium never ran:',
    ),
    `    mkdir -p ${NSSDB}`,
    ...command(['test', '-f', `${NSSDB}/cert9.db`, '||', 'certutil', '-d', `sql:${NSSDB}`, '-N', '--empty-password']),
    ...command([
      'certutil',
      '-d',
      `sql:${NSSDB}`,
      '-A',
      '-t',
      '"C,,"',
      '-n',
      shellQuote(root.label),
      '-i',
      `${root.name}.crt`,
    ]),
    'Then restart the browser.',
  ];
}

function linux(): string[] {
  return [
    ...heading('Linux: the install script'),
    '    sh linux/install-root.sh',
    ...wrap(
      'installs the root into the system store (Debian, Ubuntu, Fedora, RHEL; it asks for your password ' +
        'through sudo) and into the NSS databases of Chromium, Chrome and every Firefox profile in your ' +
        'home folder. Run it as yourself, not with sudo. It shows the fingerprint first and stops if ' +
        'the certificate file does not match it. For the browsers only, without a password:',
    ),
    '    sh linux/install-root.sh --user-only',
    ...wrap(
      'It needs certutil for the browsers: libnss3-tools (Debian, Ubuntu) or nss-tools (Fedora, RHEL). ' +
        'It names every store it changed and every one it skipped, and carries on past one that fails. ' +
        'On the system side it also installs the Firefox policy (below) in /etc/firefox/policies/, ' +
        'unless a policies.json is already there, so that Firefox profiles made later trust the root too.',
    ),
  ];
}

function debian(root: KitRoot): string[] {
  return [
    ...heading('Debian and Ubuntu (system store)'),
    ...command(['sudo', 'cp', `${root.name}.crt`, '/usr/local/share/ca-certificates/']),
    '    sudo update-ca-certificates',
    ...wrap(
      'It reports "1 added". The file must stay PEM and keep its .crt ending: update-ca-certificates ' +
        "ignores other names. This covers curl, wget, Python and most programs, and Java's cacerts " +
        'through ca-certificates-java; browsers need the steps above. The install script does both.',
    ),
  ];
}

function fedora(root: KitRoot): string[] {
  return [
    ...heading('Fedora, RHEL, CentOS (system store)'),
    ...command(['sudo', 'cp', `${root.name}.crt`, '/etc/pki/ca-trust/source/anchors/']),
    '    sudo update-ca-trust extract',
  ];
}

function java(root: KitRoot, { javaPassword }: ReadmeOptions): string[] {
  const store = 'java/truststore.p12';
  return [
    ...heading('Java'),
    ...wrap(
      "For one application, without changing Java: start it with the kit's trust store. It then " +
        "trusts this root only, not the public CAs of Java's own cacerts. The password protects the " +
        "file's integrity only; the store holds no secret.",
    ),
    '    java -Djavax.net.ssl.trustStore=/path/to/kit/java/truststore.p12 \\',
    `         -Djavax.net.ssl.trustStorePassword=${javaPassword} \\`,
    '         -Djavax.net.ssl.trustStoreType=PKCS12 \\',
    '         -jar app.jar',
    'To look inside (it lists one trustedCertEntry with the SHA-256 fingerprint above):',
    ...command(['keytool', '-list', '-v', '-keystore', store, '-storetype', 'PKCS12', '-storepass', javaPassword]),
    ...wrap(
      "For every application of one Java installation (Java 9 and later, as administrator; Java's " +
        'cacerts password is changeit unless someone changed it):',
    ),
    ...command([
      'keytool',
      '-importcert',
      '-trustcacerts',
      '-noprompt',
      '-cacerts',
      '-storepass',
      'changeit',
      '-alias',
      root.name,
      '-file',
      `${root.name}.cer`,
    ]),
    "On Debian and Ubuntu, update-ca-certificates (above) already adds it to Java's cacerts.",
  ];
}

function removing(root: KitRoot): string[] {
  const sha1 = root.fingerprints.sha1.replace(/:/g, '');
  const cer = `${root.name}.cer`;
  return [
    ...heading('Removing the root later'),
    'Windows (as administrator), one of:',
    '    windows\\uninstall-root.cmd',
    '    powershell -ExecutionPolicy Bypass -File windows\\uninstall-root.ps1',
    ...command(['certutil', '-delstore', 'Root', sha1], 'cmd'),
    ...wrap(
      'macOS: remove the profile in System Settings (Privacy & Security > Profiles, or General > ' +
        'Device Management), or, for a root added with Keychain Access or the Terminal:',
    ),
    ...command(['sudo', 'security', 'remove-trusted-cert', '-d', cer]),
    ...command(['sudo', 'security', 'delete-certificate', '-Z', sha1, '/Library/Keychains/System.keychain']),
    'Linux: as yourself, not with sudo (--user-only leaves the system store alone):',
    '    sh linux/uninstall-root.sh',
    ...wrap(
      `It removes ${root.name}.crt from the system store and runs update-ca-certificates --fresh ` +
        "(Debian, Ubuntu) or update-ca-trust (Fedora, RHEL), removes the root from Java's cacerts, where " +
        `Debian leaves it behind as debian:${root.name}.pem, removes the Firefox policy if it is still ` +
        "the kit's own, and removes the root from every NSS database in your home folder. By hand on " +
        'Debian and Ubuntu:',
    ),
    // find rather than rm PATH: a long name can then wrap between arguments.
    ...command(['sudo', 'find', '/usr/local/share/ca-certificates', '-name', `${root.name}.crt`, '-delete']),
    '    sudo update-ca-certificates --fresh',
    ...command([
      'sudo',
      'keytool',
      '-delete',
      '-cacerts',
      '-storepass',
      'changeit',
      '-alias',
      `debian:${root.name}.pem`,
    ]),
    'and for each NSS database (Chromium, and each Firefox profile):',
    ...command(['certutil', '-D', '-d', `sql:${NSSDB}`, '-n', shellQuote(root.label)]),
    'Firefox by hand: Settings > Certificates > View Certificates... > Authorities > Delete or Distrust.',
  ];
}
