/**
 * What a bundle holds for each kind of certificate and key, read back:
 * the server configuration only for server certificates, NAME.haproxy.pem
 * only for an unencrypted key, the Apache helper only for an encrypted one,
 * and READMEs free of the mistakes issue 15 found. The interop test
 * (test/interop/bundle-servers.test.ts) hands the same files to nginx,
 * Apache, HAProxy, curl, Node.js and Python.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificatePem } from '../../../src-main/engine/formats/certificates';
import { privateKeyPem } from '../../../src-main/engine/formats/pkcs8';
import { bundleFiles, type Bundle } from '../../../src-main/exports/bundle';
import { crlKitFiles } from '../../../src-main/exports/crl-kit';
import { crlf, fillTemplate, fragment } from '../../../src-main/exports/script-template';
import { run } from '../../support/run';
import { makeHierarchy, makeLeaf, type TestHierarchy, type TestLeaf } from '../../support/pki';
import { makeTempDir } from '../../support/temp-dir';

let hierarchy: TestHierarchy;
let server: TestLeaf;
let client: TestLeaf;
let pkcs8: Uint8Array;

const chain = () => ({ intermediate: hierarchy.intermediate.der, root: hierarchy.root.der });
const names = (bundle: Bundle) => bundle.files.map((file) => file.name).sort();
const text = (bundle: Bundle, name: string) => {
  const data = bundle.files.find((file) => file.name === name)!.data;
  return typeof data === 'string' ? data : new TextDecoder().decode(data);
};

beforeAll(async () => {
  hierarchy = await makeHierarchy({ label: 'Unit Bundle' });
  server = await makeLeaf(hierarchy, {
    cn: 'www.example.test',
    sans: [
      { type: 'dns', value: 'www.example.test' },
      { type: 'dns', value: 'example.test' },
    ],
  });
  client = await makeLeaf(hierarchy, {
    profile: 'client',
    cn: 'bob',
    sans: [{ type: 'dns', value: 'bob.example.test' }],
  });
  pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', server.keys.privateKey));
});

describe('server bundles', () => {
  it('an unencrypted key brings NAME.haproxy.pem (full chain, then the key; 0600) and no Apache helper', async () => {
    const bundle = await bundleFiles({
      certificate: server.leaf.der,
      ...chain(),
      privateKey: { pkcs8, passphrase: null },
    });
    const name = 'www.example.test';
    expect(names(bundle)).toEqual(
      [
        'README.txt',
        'apache.conf',
        'ca-chain.cert.pem',
        'ca-chain.p7b',
        'haproxy.cfg',
        'nginx.conf',
        `${name}.cert.pem`,
        `${name}.fullchain.pem`,
        `${name}.haproxy.pem`,
        `${name}.key.pem`,
      ].sort(),
    );
    const haproxy = bundle.files.find((file) => file.name === `${name}.haproxy.pem`)!;
    expect(haproxy.mode).toBe(0o600);
    expect(haproxy.data).toBe(
      certificatePem(server.leaf.der) + certificatePem(hierarchy.intermediate.der) + privateKeyPem(pkcs8),
    );
    expect(text(bundle, 'nginx.conf')).toContain('    listen 443 ssl http2;\n');
    expect(text(bundle, 'nginx.conf')).toContain('    server_name www.example.test example.test;\n');
    expect(text(bundle, 'nginx.conf')).not.toContain('ssl_password_file');
    expect(text(bundle, 'apache.conf')).not.toContain('SSLPassPhraseDialog');
    expect(text(bundle, 'apache.conf')).toContain('    ServerName www.example.test\n    ServerAlias example.test\n');
    expect(text(bundle, 'haproxy.cfg')).toContain(
      `    bind :443 ssl crt /etc/ssl/rootkeeper/${name}/${name}.haproxy.pem alpn h2,http/1.1\n`,
    );
    const tmp = await makeTempDir('rootkeeper-bundle-p7b-');
    try {
      const p7b = path.join(tmp.dir, 'ca-chain.p7b');
      await writeFile(p7b, bundle.files.find((file) => file.name === 'ca-chain.p7b')!.data);
      const printed = run('openssl', ['pkcs7', '-inform', 'DER', '-in', p7b, '-print_certs', '-noout']);
      expect(printed.stdout).toContain('subject=CN = Unit Bundle Intermediate CA');
      expect(printed.stdout).toContain('subject=CN = Unit Bundle Root CA');
    } finally {
      await tmp.cleanup();
    }
  });

  it('an encrypted key brings ssl_password_file, SSLPassPhraseDialog at the global level with its helper, and no HAProxy file', async () => {
    const bundle = await bundleFiles({
      certificate: server.leaf.der,
      ...chain(),
      privateKey: { pkcs8, passphrase: 'a long passphrase' },
    });
    const folder = '/etc/ssl/rootkeeper/www.example.test';
    expect(names(bundle)).toContain('apache-passphrase.sh');
    expect(names(bundle)).not.toContain('www.example.test.haproxy.pem');
    expect(bundle.files.find((file) => file.name === 'apache-passphrase.sh')!.mode).toBe(0o755);
    expect(text(bundle, 'apache-passphrase.sh')).toContain(`exec cat -- '${folder}/passphrase.txt'\n`);
    expect(text(bundle, 'nginx.conf')).toContain(`    ssl_password_file   ${folder}/passphrase.txt;\n`);
    const apache = text(bundle, 'apache.conf');
    expect(apache).toContain(`\nSSLPassPhraseDialog exec:${folder}/apache-passphrase.sh\n`);
    expect(apache.indexOf('SSLPassPhraseDialog exec:')).toBeLessThan(apache.indexOf('<VirtualHost *:443>'));
    expect(text(bundle, 'haproxy.cfg')).toContain('openssl pkey -in www.example.test.key.pem');
    const readme = text(bundle, 'README.txt');
    expect(readme).toContain('passphrase: process.env.KEY_PASSPHRASE,');
    expect(readme).toContain("password=os.environ['KEY_PASSPHRASE']");
  });

  it('writes READMEs without the mistakes issue 15 found', async () => {
    for (const passphrase of [null, 'a long passphrase']) {
      const readme = text(
        await bundleFiles({ certificate: server.leaf.der, ...chain(), privateKey: { pkcs8, passphrase } }),
        'README.txt',
      );
      expect(readme).not.toContain('key.plain.pem');
      expect(readme).not.toContain('<root>');
      expect(readme).toContain("const https = require('https');");
      expect(readme).not.toMatch(/\bapp\)/);
    }
  });

  it('without a key: the configuration says where the key goes, and no HAProxy file is made', async () => {
    const bundle = await bundleFiles({ certificate: server.leaf.der, ...chain() });
    expect(names(bundle)).not.toContain('www.example.test.haproxy.pem');
    expect(text(bundle, 'nginx.conf')).toContain('# the key is not in this bundle: put it here');
  });
});

describe('client bundles', () => {
  it('carry their own README and no server configuration', async () => {
    const key = new Uint8Array(await crypto.subtle.exportKey('pkcs8', client.keys.privateKey));
    const bundle = await bundleFiles({
      certificate: client.leaf.der,
      ...chain(),
      privateKey: { pkcs8: key, passphrase: null },
      pkcs12: { profile: 'compatible', password: 'p12-password' },
    });
    expect(names(bundle)).toEqual(
      [
        'README.txt',
        'ca-chain.cert.pem',
        'ca-chain.p7b',
        'bob.example.test.cert.pem',
        'bob.example.test.fullchain.pem',
        'bob.example.test.key.pem',
        'bob.example.test.p12',
      ].sort(),
    );
    const readme = text(bundle, 'README.txt');
    for (const expected of [
      'Your Certificates > Import..., choose bob.example.test.p12',
      'This file uses the compatible profile.',
      'Import-PfxCertificate -FilePath bob.example.test.p12',
      'security import bob.example.test.p12',
      'curl --cert bob.example.test.fullchain.pem --key bob.example.test.key.pem',
      "cert=('bob.example.test.fullchain.pem', 'bob.example.test.key.pem')",
      'ssl_verify_client on;',
      'ssl_crl /etc/ssl/rootkeeper/crl/crls.pem;',
    ]) {
      expect(readme).toContain(expected);
    }
    expect(readme).not.toContain('What servers send');
  });
});

describe('the CRL kit', () => {
  it('writes each CRL as DER and PEM, all of them in crls.pem, and refuses two of one name', () => {
    const a = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const b = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02]);
    const files = crlKitFiles([
      { name: 'root', der: a },
      { name: 'intermediate', der: b },
    ]);
    expect(files.map((file) => file.name)).toEqual([
      'root.crl',
      'root.crl.pem',
      'intermediate.crl',
      'intermediate.crl.pem',
      'crls.pem',
      'README.txt',
    ]);
    const pem = (file: string) => files.find((f) => f.name === file)!.data as string;
    expect(pem('root.crl.pem')).toBe('-----BEGIN X509 CRL-----\nMAMCAQE=\n-----END X509 CRL-----\n');
    expect(pem('crls.pem')).toBe(pem('root.crl.pem') + pem('intermediate.crl.pem'));
    expect(pem('README.txt')).toContain('        types { application/pkix-crl crl; }\n');
    expect(() => crlKitFiles([])).toThrow();
    expect(() =>
      crlKitFiles([
        { name: 'x', der: a },
        { name: 'X', der: b },
      ]),
    ).toThrow('two CRLs have the same name');
  });
});

describe('script templates', () => {
  it('fill sh words quoted, whole-line fragments, and refuse a missing or an unused value', () => {
    const template = "A='{{A}}'\n# {{PART}}\necho {{B}}\n";
    const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
    expect(fillTemplate(template, { A: "it's", PART: 'f() { :; }', B: 'x' }, quote)).toBe(
      "A='it'\\''s'\nf() { :; }\necho x\n",
    );
    expect(() => fillTemplate(template, { A: 'a', PART: 'p' }, quote)).toThrow('{{B}} has no value');
    expect(() => fillTemplate(template, { A: 'a', PART: 'p', B: 'b', C: 'c' }, quote)).toThrow('no placeholder for C');
    expect(fragment('# shellcheck shell=sh\n# note\n\nf() { :; }\n\n')).toBe('f() { :; }');
    expect(crlf('a\nb\r\nc\n')).toBe('a\r\nb\r\nc\r\n');
  });
});
