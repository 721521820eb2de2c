/**
 * Our PKCS#8 and PKCS#12 output read by the real tools (OpenSSL 3.0, Java 17's
 * keytool), and theirs read by us.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPkcs12, readPkcs12 } from '../../src-main/engine/formats/pkcs12';
import type { Pkcs12Profile } from '../../src-main/engine/formats/pkcs12';
import { decryptPrivateKey, encryptPrivateKeyPem, privateKeyPem } from '../../src-main/engine/formats/pkcs8';
import { crypto, x509 } from '../../src-main/engine/x509';
import { makeTempDir } from '../support/temp-dir';
import { failure } from '../support/errors';
import { makeSimpleChain, type SimpleChain } from '../support/pki';

const OPENSSL = '/usr/bin/openssl';
const KEYTOOL = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'keytool') : 'keytool';
/** Non-ASCII on purpose: PBES2 takes it as UTF-8, the MAC and 3DES as a BMPString. */
const PASSWORD = 'Pässwörd-€';
/** Java's PBE keys accept ASCII passwords only, whoever wrote the file. */
const JAVA_PASSWORD = 'changeit-123';

let dir: string;
let cleanup: () => Promise<void>;

interface Run {
  status: number | null;
  stdout: string;
  /** stdout and stderr together: `openssl pkcs12 -info` reports the algorithms on stderr. */
  all: string;
}

function run(command: string, args: readonly string[]): Run {
  const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, all: `${result.stdout}\n${result.stderr}` };
}

function succeed(command: string, args: readonly string[]): Run {
  const result = run(command, args);
  expect(result.status, result.all).toBe(0);
  return result;
}

function pemBlocks(text: string, label: string): Uint8Array[] {
  return x509.PemConverter.decodeWithHeaders(text)
    .filter((b) => b.type === label)
    .map((b) => new Uint8Array(b.rawData));
}

/** The SubjectPublicKeyInfo of a PKCS#8 key, as DER, to compare keys however a tool re-encoded them. */
function spkiOf(pkcs8: Uint8Array): Buffer {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

/** OpenSSL prints a localKeyID as spaced upper-case hex pairs. */
function opensslHex(bytes: Buffer): string {
  return bytes.toString('hex').toUpperCase().match(/../g)!.join(' ');
}

beforeAll(async () => ({ dir, cleanup } = await makeTempDir('rootkeeper-p12-')));
afterAll(() => cleanup());

describe('encrypted PKCS#8 keys and openssl', () => {
  it('openssl opens a key encrypted with the default 600,000 iterations and finds the same public key', async () => {
    const keys = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
    await writeFile(path.join(dir, 'key.pem'), await encryptPrivateKeyPem(pkcs8, PASSWORD));

    const parsed = succeed(OPENSSL, ['asn1parse', '-in', 'key.pem']).stdout;
    expect(parsed).toMatch(/OBJECT\s+:PBES2/);
    expect(parsed).toMatch(/OBJECT\s+:PBKDF2/);
    expect(parsed).toMatch(/INTEGER\s+:0927C0/); // 600000
    expect(parsed).toMatch(/OBJECT\s+:hmacWithSHA256/);
    expect(parsed).toMatch(/OBJECT\s+:aes-256-cbc/);

    const opened = succeed(OPENSSL, ['pkey', '-in', 'key.pem', '-passin', `pass:${PASSWORD}`, '-pubout']);
    expect(pemBlocks(opened.stdout, 'PUBLIC KEY')).toEqual([spki]);

    const wrong = run(OPENSSL, ['pkey', '-in', 'key.pem', '-passin', 'pass:Passwörd-€', '-pubout']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).not.toContain('BEGIN PUBLIC KEY');
    expect(wrong.all).toContain('bad decrypt');
  });

  it.each([
    ['PEM, AES-256-CBC, hmacWithSHA256', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256'], 'PEM'],
    [
      'DER, AES-128-CBC, hmacWithSHA1 (the PRF left to its DEFAULT)',
      ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'],
      'DER',
    ],
  ])('decryptPrivateKey opens `openssl pkcs8 -topk8` output: %s', async (_name, cipherArgs, outform) => {
    const { key } = await makeSimpleChain();
    await writeFile(path.join(dir, 'plain.pem'), privateKeyPem(key));
    const out = `topk8.${outform.toLowerCase()}`;
    succeed(OPENSSL, [
      'pkcs8',
      '-topk8',
      ...cipherArgs,
      '-iter',
      '20000',
      '-in',
      'plain.pem',
      '-outform',
      outform,
      '-out',
      out,
      '-passout',
      `pass:${PASSWORD}`,
    ]);
    const file = await readFile(path.join(dir, out));
    const input = outform === 'PEM' ? file.toString('utf8') : new Uint8Array(file);
    const opened = await decryptPrivateKey(input, PASSWORD);
    expect(spkiOf(opened)).toEqual(spkiOf(key));
    expect((await failure(decryptPrivateKey(input, 'wrong'))).code).toBe('WRONG_PASSPHRASE');
  });
});

describe('PKCS#12 files and openssl / keytool', () => {
  let chain: SimpleChain;
  beforeAll(async () => {
    chain = await makeSimpleChain();
    for (const profile of ['modern', 'compatible'] as const) {
      const der = await buildPkcs12({
        privateKey: chain.key,
        certificates: [{ der: chain.leaf, friendlyName: 'server.example' }, { der: chain.ca }],
        password: PASSWORD,
        profile,
      });
      await writeFile(path.join(dir, `${profile}.p12`), der);
    }
  });

  const expectations: Record<Pkcs12Profile, { legacy: string[]; pbe: string; mac: string }> = {
    modern: {
      legacy: [],
      pbe: 'PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256',
      mac: 'MAC: sha256, Iteration 10000',
    },
    compatible: {
      legacy: ['-legacy'],
      pbe: 'pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048',
      mac: 'MAC: sha1, Iteration 2048',
    },
  };

  it.each(['modern', 'compatible'] as const)('openssl pkcs12 -info reads the %s profile', (profile) => {
    const { legacy, pbe, mac } = expectations[profile];
    const file = `${profile}.p12`;
    const pass = ['-passin', `pass:${PASSWORD}`];
    const info = succeed(OPENSSL, ['pkcs12', ...legacy, '-info', '-in', file, ...pass, '-nodes']).all;
    expect(info).toContain(mac);
    expect(info).toContain(`PKCS7 Encrypted data: ${pbe}`);
    expect(info).toContain(`Shrouded Keybag: ${pbe}`);
    expect(info).toContain('friendlyName: server.example');
    const localKeyId = opensslHex(createHash('sha1').update(chain.leaf).digest());
    // Once on the leaf's bag, once on the key's.
    expect(info.split(`localKeyID: ${localKeyId}`)).toHaveLength(3);

    const certs = succeed(OPENSSL, ['pkcs12', ...legacy, '-in', file, ...pass, '-nokeys']).stdout;
    expect(pemBlocks(certs, 'CERTIFICATE')).toEqual([chain.leaf, chain.ca]);
    expect(certs).toContain('subject=CN = server.example');

    const keys = succeed(OPENSSL, ['pkcs12', ...legacy, '-in', file, ...pass, '-nocerts', '-nodes']).stdout;
    const [key, ...more] = pemBlocks(keys, 'PRIVATE KEY');
    expect(more).toEqual([]);
    expect(spkiOf(key!)).toEqual(spkiOf(chain.key));

    const wrong = run(OPENSSL, ['pkcs12', ...legacy, '-info', '-in', file, '-passin', 'pass:nope', '-nodes']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.all).toContain('Mac verify error');
  });

  it('openssl 3.0 reads the compatible profile even without -legacy (3DES stays in its default provider)', () => {
    const info = succeed(OPENSSL, [
      'pkcs12',
      '-info',
      '-in',
      'compatible.p12',
      '-passin',
      `pass:${PASSWORD}`,
      '-nokeys',
    ]);
    expect(info.all).toContain('PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048');
  });

  it.each(['modern', 'compatible'] as const)(
    'keytool lists the %s key file as one PrivateKeyEntry',
    async (profile) => {
      const der = await buildPkcs12({
        privateKey: chain.key,
        certificates: [{ der: chain.leaf, friendlyName: 'server' }, { der: chain.ca }],
        password: JAVA_PASSWORD,
        profile,
      });
      await writeFile(path.join(dir, `java-${profile}.p12`), der);
      const args = ['-list', '-keystore', `java-${profile}.p12`, '-storetype', 'PKCS12', '-storepass', JAVA_PASSWORD];
      const listing = succeed(KEYTOOL, args).stdout;
      expect(listing).toContain('Your keystore contains 1 entry');
      expect(listing).toMatch(/^server, .*, PrivateKeyEntry,/m);
    },
  );

  it('keytool sees a certificate-only file as a trustedCertEntry only with the Java attribute', async () => {
    for (const trusted of [true, false]) {
      const der = await buildPkcs12({
        certificates: [{ der: chain.ca, friendlyName: 'test-root', javaTrustedCertificate: trusted }],
        password: JAVA_PASSWORD,
        profile: 'modern',
      });
      const file = `trust-${trusted}.p12`;
      await writeFile(path.join(dir, file), der);
      const listing = succeed(KEYTOOL, [
        '-list',
        '-keystore',
        file,
        '-storetype',
        'PKCS12',
        '-storepass',
        JAVA_PASSWORD,
      ]);
      if (trusted) {
        expect(listing.stdout).toContain('Your keystore contains 1 entry');
        expect(listing.stdout).toMatch(/^test-root, .*, trustedCertEntry,/m);
      } else {
        expect(listing.stdout).toContain('Your keystore contains 0 entries');
        expect(listing.stdout).not.toContain('trustedCertEntry');
      }
      // The certificate is in the file either way, as openssl shows.
      const certs = succeed(OPENSSL, ['pkcs12', '-in', file, '-passin', `pass:${JAVA_PASSWORD}`, '-nokeys']).all;
      expect(pemBlocks(certs, 'CERTIFICATE')).toEqual([chain.ca]);
      expect(certs.includes('2.16.840.1.113894.746875.1.1')).toBe(trusted);
    }
  });

  it.each([
    ['the OpenSSL 3 default', [], 'PBES2, PBKDF2, AES-256-CBC', 'MAC: sha256'],
    [
      '-legacy with 3DES',
      ['-legacy', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES'],
      'pbeWithSHA1And3-KeyTripleDES-CBC',
      'MAC: sha1',
    ],
  ])('readPkcs12 reads `openssl pkcs12 -export` output: %s', async (_name, exportArgs, pbe, mac) => {
    await writeFile(path.join(dir, 'export-key.pem'), privateKeyPem(chain.key));
    await writeFile(
      path.join(dir, 'export-leaf.pem'),
      x509.PemConverter.encode(new Uint8Array(chain.leaf), 'CERTIFICATE'),
    );
    await writeFile(path.join(dir, 'export-ca.pem'), x509.PemConverter.encode(new Uint8Array(chain.ca), 'CERTIFICATE'));
    const pass = ['-passout', `pass:${PASSWORD}`];
    const files = ['-inkey', 'export-key.pem', '-in', 'export-leaf.pem', '-certfile', 'export-ca.pem'];
    succeed(OPENSSL, ['pkcs12', '-export', ...exportArgs, ...files, '-name', 'leaf', ...pass, '-out', 'ossl.p12']);
    // Check the file is what this test claims before reading it.
    const legacy = exportArgs.filter((a) => a === '-legacy');
    const info = succeed(OPENSSL, [
      'pkcs12',
      ...legacy,
      '-info',
      '-in',
      'ossl.p12',
      '-passin',
      `pass:${PASSWORD}`,
      '-noout',
    ]).all;
    expect(info).toContain(mac);
    expect(info).toContain(`PKCS7 Encrypted data: ${pbe}`);
    expect(info).toContain(`Shrouded Keybag: ${pbe}`);

    const der = new Uint8Array(await readFile(path.join(dir, 'ossl.p12')));
    const contents = await readPkcs12(der, PASSWORD);
    expect(spkiOf(contents.privateKey!)).toEqual(spkiOf(chain.key));
    expect(contents.certificates).toEqual([chain.leaf, chain.ca]);
    expect((await failure(readPkcs12(der, 'Passwörd-€'))).code).toBe('WRONG_PASSPHRASE');
  });
});
