/**
 * GnuTLS (certtool) accepts the chains the engine makes: a server or client
 * leaf, its intermediate and the root verify for every key mix, the leaf
 * carries the purposes and names it should, and a leaf put in front of
 * another hierarchy's intermediate is refused.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyAlgorithm } from '../../shared/domain/pki';
import { makeHierarchy, makeLeaf, writeHierarchy, type HierarchyOptions } from '../support/pki';
import { run, type RunResult } from '../support/run';
import { makeTempDir } from '../support/temp-dir';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

interface Case {
  readonly name: string;
  readonly hierarchy: HierarchyOptions;
  readonly leafKey: KeyAlgorithm;
}

const CASES: readonly Case[] = [
  { name: 'default EC (P-384 root and intermediate, P-256 leaf)', hierarchy: {}, leafKey: 'ec-p256' },
  {
    name: 'RSA (4096 root, 3072 intermediate, 2048 leaf)',
    hierarchy: { rootKey: 'rsa-4096', intermediateKey: 'rsa-3072' },
    leafKey: 'rsa-2048',
  },
  {
    name: 'mixed (RSA-4096 root, P-256 intermediate, P-256 leaf)',
    hierarchy: { rootKey: 'rsa-4096', intermediateKey: 'ec-p256' },
    leafKey: 'ec-p256',
  },
];

type Profile = 'server' | 'client';

/** The files written for one leaf: root.pem, intermediate.pem, chain.pem, leaf.pem, fullchain.pem, leaf.key, and full.pem (leaf + intermediate + root). */
type Files = Record<string, string>;

let tmp: { dir: string; cleanup: () => Promise<void> };
const files = new Map<string, Files>();

const key = (caseIndex: number, profile: Profile): string => `${caseIndex}:${profile}`;

/** `certtool` prints its verdict on stdout and its notes on stderr; assertions look at both. */
function certtool(args: readonly string[]): RunResult & { output: string } {
  const result = run('certtool', args);
  return { ...result, output: `${result.stdout}\n${result.stderr}` };
}

async function writeLeafFiles(dir: string, options: Parameters<typeof writeHierarchy>): Promise<Files> {
  const written = await writeHierarchy(...options);
  const full = path.join(dir, 'full.pem');
  await writeFile(full, (await readFile(written.leaf!, 'utf8')) + (await readFile(written.chain!, 'utf8')));
  return { ...written, full };
}

beforeAll(async () => {
  tmp = await makeTempDir('rootkeeper-gnutls-');
  await Promise.all(
    CASES.map(async (testCase, index) => {
      const hierarchy = await makeHierarchy({ ...testCase.hierarchy, label: `GnuTLS ${index}` });
      const server = await makeLeaf(hierarchy, {
        profile: 'server',
        cn: 'localhost',
        sans: [
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '127.0.0.1' },
        ],
        key: testCase.leafKey,
      });
      const client = await makeLeaf(hierarchy, {
        profile: 'client',
        cn: 'Alice Example',
        sans: [{ type: 'email', value: 'alice@example.org' }],
        key: testCase.leafKey,
      });
      for (const [profile, leaf] of [
        ['server', server],
        ['client', client],
      ] as const) {
        const dir = path.join(tmp.dir, `case-${index}-${profile}`);
        await mkdir(dir);
        files.set(key(index, profile), await writeLeafFiles(dir, [dir, hierarchy, leaf]));
      }
    }),
  );
});

afterAll(async () => {
  await tmp?.cleanup();
});

describe.each(CASES.map((testCase, index) => ({ ...testCase, index })))('certtool, $name', ({ index }) => {
  describe.each(['server', 'client'] as const)('%s leaf', (profile) => {
    it('verifies the chain leaf + intermediate + root with --verify-chain', () => {
      const f = files.get(key(index, profile))!;
      const result = certtool(['--verify-chain', '--infile', f.full!]);
      expect(result.output).toContain('Chain verification output: Verified');
      expect(result.output).not.toContain('Not verified');
      expect(result.status).toBe(0);
    });

    it('verifies leaf + intermediate against the root alone with --verify --load-ca-certificate', () => {
      const f = files.get(key(index, profile))!;
      const result = certtool(['--verify', '--load-ca-certificate', f.root!, '--infile', f.fullchain!]);
      expect(result.output).toContain('Loaded CAs (1 available)');
      expect(result.output).toContain('Chain verification output: Verified');
      expect(result.output).not.toContain('Not verified');
      expect(result.status).toBe(0);
    });

    it('verifies for its own purpose and refuses the other one', () => {
      const f = files.get(key(index, profile))!;
      const [own, other] = profile === 'server' ? [SERVER_AUTH, CLIENT_AUTH] : [CLIENT_AUTH, SERVER_AUTH];
      const good = certtool([
        '--verify',
        '--load-ca-certificate',
        f.root!,
        '--infile',
        f.fullchain!,
        '--verify-purpose',
        own,
      ]);
      expect(good.output).toContain('Chain verification output: Verified');
      expect(good.status).toBe(0);
      const bad = certtool([
        '--verify',
        '--load-ca-certificate',
        f.root!,
        '--infile',
        f.fullchain!,
        '--verify-purpose',
        other,
      ]);
      expect(bad.output).toMatch(/Chain verification output: Not verified\..*does not match the intended purpose/);
      expect(bad.status).not.toBe(0);
    });

    it('shows the names and key purpose in --certificate-info', () => {
      const f = files.get(key(index, profile))!;
      const result = certtool(['--certificate-info', '--infile', f.leaf!]);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/Basic Constraints \(critical\):\s+Certificate Authority \(CA\): FALSE/);
      expect(result.stdout).toMatch(/Key Usage \(critical\):\s+Digital signature\./);
      if (profile === 'server') {
        expect(result.stdout).toContain('Subject: CN=localhost');
        expect(result.stdout).toMatch(/Key Purpose \(not critical\):\s+TLS WWW Server\.\n/);
        expect(result.stdout).not.toContain('TLS WWW Client');
        expect(result.stdout).toMatch(
          /Subject Alternative Name \(not critical\):\s+DNSname: localhost\s+IPAddress: 127\.0\.0\.1\n/,
        );
      } else {
        expect(result.stdout).toContain('Subject: CN=Alice Example');
        expect(result.stdout).toMatch(/Key Purpose \(not critical\):\s+TLS WWW Client\.\n/);
        expect(result.stdout).not.toContain('TLS WWW Server');
        expect(result.stdout).toMatch(/Subject Alternative Name \(not critical\):\s+RFC822Name: alice@example\.org\n/);
      }
    });
  });

  it('checks the server name: localhost and 127.0.0.1 pass, www.example.org does not', () => {
    const f = files.get(key(index, 'server'))!;
    for (const host of ['localhost', '127.0.0.1']) {
      const result = certtool([
        '--verify',
        '--load-ca-certificate',
        f.root!,
        '--infile',
        f.fullchain!,
        '--verify-hostname',
        host,
      ]);
      expect(result.output, host).toContain('Chain verification output: Verified');
      expect(result.status, host).toBe(0);
    }
    const other = certtool([
      '--verify',
      '--load-ca-certificate',
      f.root!,
      '--infile',
      f.fullchain!,
      '--verify-hostname',
      'www.example.org',
    ]);
    expect(other.output).toMatch(/Chain verification output: Not verified\..*name in the certificate does not match/);
    expect(other.status).not.toBe(0);
  });

  it("checks the client's e-mail address", () => {
    const f = files.get(key(index, 'client'))!;
    const good = certtool([
      '--verify',
      '--load-ca-certificate',
      f.root!,
      '--infile',
      f.fullchain!,
      '--verify-email',
      'alice@example.org',
    ]);
    expect(good.output).toContain('Chain verification output: Verified');
    expect(good.status).toBe(0);
    const bad = certtool([
      '--verify',
      '--load-ca-certificate',
      f.root!,
      '--infile',
      f.fullchain!,
      '--verify-email',
      'bob@example.org',
    ]);
    expect(bad.output).toContain('Chain verification output: Not verified');
    expect(bad.status).not.toBe(0);
  });
});

describe('certtool refuses chains that do not belong together', () => {
  it("refuses hierarchy A's leaf in front of hierarchy B's intermediate and root", async () => {
    const a = files.get(key(0, 'server'))!;
    const b = files.get(key(1, 'server'))!;
    const mixed = path.join(tmp.dir, 'mismatched.pem');
    await writeFile(mixed, (await readFile(a.leaf!, 'utf8')) + (await readFile(b.chain!, 'utf8')));
    const result = certtool(['--verify-chain', '--infile', mixed]);
    expect(result.output).toMatch(/Chain verification output: Not verified\..*The certificate issuer is unknown/);
    expect(result.output).not.toContain('Chain verification output: Verified');
    expect(result.status).not.toBe(0);
  });

  it("refuses hierarchy A's leaf + intermediate when only hierarchy B's root is trusted", () => {
    const a = files.get(key(0, 'server'))!;
    const b = files.get(key(2, 'server'))!;
    const result = certtool(['--verify', '--load-ca-certificate', b.root!, '--infile', a.fullchain!]);
    expect(result.output).toMatch(/Chain verification output: Not verified\..*The certificate issuer is unknown/);
    expect(result.status).not.toBe(0);
  });
});
