/**
 * The kit's certificate files and its checksums, read by the real tools:
 * openssl reads NAME.cer (DER) and NAME.p7b (DER PKCS#7) with the root's
 * subject and fingerprint; Python's plistlib, an independent plist parser,
 * reads the .mobileconfig and its certificate payload is NAME.cer byte for
 * byte; sha256sum -c accepts SHA256SUMS and catches a single changed byte.
 */
import { copyFile, cp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatePem } from '../../src-main/engine/formats/certificates';
import { writeExportFolder } from '../../src-main/exports/folder';
import { trustKitFiles } from '../../src-main/exports/trust-kit';
import { openLab, runTool, toolEnv, type Lab, type ToolResult } from './trust-kit-lab';

let lab: Lab;
let subject: string;

beforeAll(async () => {
  lab = await openLab('Kit Files');
  subject = `CN = ${lab.label}, O = Rootkeeper Tests, C = GB`;
});

afterAll(async () => {
  await lab?.close();
});

function tool(command: string, args: readonly string[], cwd = lab.kit): Promise<ToolResult> {
  return runTool(command, args, { env: toolEnv(path.join(lab.dir, 'home')), cwd });
}

/** Reads the profile with plistlib, prints its structure as JSON and writes the payload's certificate to a file. */
const PLISTLIB = `
import json, plistlib, sys
with open(sys.argv[1], 'rb') as f:
    profile = plistlib.load(f)
inner = profile['PayloadContent'][0]
with open(sys.argv[2], 'wb') as f:
    f.write(inner['PayloadContent'])
print(json.dumps({
    'type': profile['PayloadType'], 'version': profile['PayloadVersion'], 'scope': profile['PayloadScope'],
    'identifier': profile['PayloadIdentifier'], 'payloads': len(profile['PayloadContent']),
    'innerType': inner['PayloadType'], 'innerIdentifier': inner['PayloadIdentifier'],
    'fileName': inner['PayloadCertificateFileName'], 'contentIsData': isinstance(inner['PayloadContent'], bytes),
}))
`;

describe('the kit read by openssl, plistlib and sha256sum', () => {
  it("openssl x509 -inform DER reads NAME.cer: the root's subject and SHA-256 fingerprint", async () => {
    const result = await tool('openssl', [
      'x509',
      '-inform',
      'DER',
      '-in',
      `${lab.name}.cer`,
      '-noout',
      '-subject',
      '-issuer',
      '-fingerprint',
      '-sha256',
    ]);
    expect(result.stdout).toBe(
      `subject=${subject}\nissuer=${subject}\nsha256 Fingerprint=${lab.fingerprints.sha256}\n`,
    );
    expect(result.status).toBe(0);
  });

  it('openssl reads NAME.crt as PEM and converts it to exactly the bytes of NAME.cer', async () => {
    const der = path.join(lab.dir, 'from-pem.der');
    const result = await tool('openssl', ['x509', '-in', `${lab.name}.crt`, '-outform', 'DER', '-out', der]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(await readFile(der)).toEqual(await readFile(path.join(lab.kit, `${lab.name}.cer`)));
  });

  it('openssl pkcs7 -inform DER -print_certs reads NAME.p7b: the root, alone', async () => {
    const result = await tool('openssl', ['pkcs7', '-inform', 'DER', '-in', `${lab.name}.p7b`, '-print_certs']);
    expect(result.stdout).toBe(`subject=${subject}\nissuer=${subject}\n${certificatePem(lab.hierarchy.root.der)}\n`);
    expect(result.status).toBe(0);
  });

  it('plistlib reads the .mobileconfig, and its certificate payload is NAME.cer byte for byte', async () => {
    const extracted = path.join(lab.dir, 'payload.der');
    const result = await tool('python3', ['-c', PLISTLIB, `macos/${lab.name}.mobileconfig`, extracted]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      type: 'Configuration',
      version: 1,
      scope: 'System',
      identifier: `org.rootkeeper.trust.${lab.fingerprints.sha256.replace(/:/g, '').slice(0, 16).toLowerCase()}`,
      payloads: 1,
      innerType: 'com.apple.security.root',
      innerIdentifier: expect.stringMatching(/^org\.rootkeeper\.trust\.[0-9a-f]{16}\.root$/),
      fileName: `${lab.name}.cer`,
      contentIsData: true,
    });
    expect(await readFile(extracted)).toEqual(await readFile(path.join(lab.kit, `${lab.name}.cer`)));
    const parsed = await tool('openssl', ['x509', '-inform', 'DER', '-in', extracted, '-noout', '-subject']);
    expect(parsed.stdout).toBe(`subject=${subject}\n`);
  });

  it('sha256sum -c SHA256SUMS passes in the kit folder, and fails after one byte of a file changed', async () => {
    const names = [
      `${lab.name}.crt`,
      `${lab.name}.cer`,
      `${lab.name}.p7b`,
      'firefox/policies.json',
      `macos/${lab.name}.mobileconfig`,
      'windows/install-root.cmd',
      'windows/install-root.ps1',
      'windows/uninstall-root.cmd',
      'windows/uninstall-root.ps1',
      'linux/install-root.sh',
      'linux/uninstall-root.sh',
      'java/truststore.p12',
      'README.txt',
    ];
    const good = await tool('sha256sum', ['-c', 'SHA256SUMS']);
    expect(good.stdout.split('\n').filter(Boolean).sort()).toEqual(names.map((name) => `${name}: OK`).sort());
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);

    const copy = path.join(lab.dir, 'tampered-kit');
    await cp(lab.kit, copy, { recursive: true });
    const cer = path.join(copy, `${lab.name}.cer`);
    const bytes = await readFile(cer);
    bytes[bytes.length - 1]! ^= 0x01;
    await writeFile(cer, bytes);
    const bad = await tool('sha256sum', ['-c', 'SHA256SUMS'], copy);
    expect(bad.stdout).toContain(`${lab.name}.cer: FAILED\n`);
    expect(bad.stdout.match(/: OK\n/g)).toHaveLength(names.length - 1);
    expect(bad.stderr).toBe('sha256sum: WARNING: 1 computed checksum did NOT match\n');
    expect(bad.status).toBe(1);
  });

  it('is reproducible: a second export of the same root is byte-identical, SHA256SUMS included', async () => {
    const again = path.join(lab.dir, 'kit-again');
    await writeExportFolder(again, await trustKitFiles({ root: lab.hierarchy.root.der }));
    const list = async (folder: string) => (await readdir(folder, { recursive: true })).sort();
    const names = await list(lab.kit);
    expect(await list(again)).toEqual(names);
    for (const name of names) {
      if ((await stat(path.join(lab.kit, name))).isDirectory()) continue;
      expect(await readFile(path.join(again, name)), name).toEqual(await readFile(path.join(lab.kit, name)));
    }
    // Compared the way an officer would: sha256sum -c of the first kit's list, run in the second kit.
    await copyFile(path.join(lab.kit, 'SHA256SUMS'), path.join(lab.dir, 'ceremony-SHA256SUMS'));
    const check = await tool('sha256sum', ['-c', path.join(lab.dir, 'ceremony-SHA256SUMS')], again);
    expect(check.status).toBe(0);
    expect(check.stdout).not.toContain('FAILED');
    // The Java trust store with derived salts still opens in keytool.
    const listed = await tool(
      'keytool',
      ['-list', '-keystore', 'java/truststore.p12', '-storepass', 'changeit'],
      again,
    );
    expect(listed.stdout).toContain('trustedCertEntry');
  });
});
