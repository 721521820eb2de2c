/**
 * linux/install-root.sh --user-only against scratch HOMEs (the system-store
 * part needs root and would change /etc, so it is left to the
 * update-ca-certificates test, which runs the same command sandboxed).
 * NSS's own verifier (vfychain) then checks the server's leaf against each
 * database the script wrote. The script also refuses a kit whose
 * certificate changed, keeps a hostile root name from reaching the shell,
 * and names the package to install when certutil is missing.
 */
import { cp, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatePem, fingerprints } from '../../src-main/engine/formats/certificates';
import { safeName, writeExportFolder } from '../../src-main/exports/folder';
import { trustKitFiles } from '../../src-main/exports/trust-kit';
import { makeHierarchy, makeSimpleChain } from '../support/pki';
import { openLab, runTool, toolEnv, type Lab, type ToolResult } from './trust-kit-lab';

let lab: Lab;

beforeAll(async () => {
  lab = await openLab('Kit Script');
});

afterAll(async () => {
  await lab?.close();
});

function installScript(
  kit: string,
  home: string,
  args: readonly string[] = ['--user-only'],
  env = {},
): Promise<ToolResult> {
  return runTool('/bin/sh', [path.join(kit, 'linux/install-root.sh'), ...args], { env: toolEnv(home, env), cwd: home });
}

function certutil(home: string, args: readonly string[]): Promise<ToolResult> {
  return runTool('certutil', args, { env: toolEnv(home) });
}

/** NSS's chain verifier, for an SSL server (-u 1), leaf first, then the intermediate. */
function vfychain(home: string, db: string): Promise<ToolResult> {
  return runTool('vfychain', ['-d', `sql:${db}`, '-u', '1', '-a', lab.pki.leaf!, '-a', lab.pki.intermediate!], {
    env: toolEnv(home),
  });
}

async function scratchHome(name: string): Promise<string> {
  const home = path.join(lab.dir, name);
  await mkdir(home, { recursive: true });
  return home;
}

async function emptyDb(home: string, db: string): Promise<void> {
  await mkdir(db, { recursive: true });
  expect((await certutil(home, ['-N', '-d', `sql:${db}`, '--empty-password'])).status).toBe(0);
}

describe('linux/install-root.sh --user-only', () => {
  it('adds the root to an existing ~/.pki/nssdb and every Firefox profile, and NSS then trusts the leaf', async () => {
    const home = await scratchHome('home-existing');
    const pki = path.join(home, '.pki/nssdb');
    const profiles = [
      path.join(home, '.mozilla/firefox/abcd1234.default-esr'),
      path.join(home, '.mozilla/firefox/x.work'),
    ];
    for (const db of [pki, ...profiles]) await emptyDb(home, db);
    await mkdir(path.join(home, '.mozilla/firefox/never-started'), { recursive: true }); // no cert9.db: skipped

    const before = await vfychain(home, pki);
    expect(before.stderr).toContain('Chain is bad!');
    expect(before.stderr).toContain("ERROR -8179: Peer's Certificate issuer is not recognized.");
    expect(before.status).not.toBe(0);

    const result = await installScript(lab.kit, home);
    expect(result.stdout).toBe(
      [
        `Root certificate: ${lab.label} (${lab.name}.crt)`,
        'Compare this SHA-256 fingerprint with the one your CA officer gave you:',
        `  ${lab.fingerprints.sha256}`,
        `${lab.name}.crt in this kit matches it.`,
        'System store: skipped (--user-only).',
        `Chromium/Chrome: added to the NSS database ${pki}.`,
        ...profiles.map((profile) => `Firefox profile: added to the NSS database ${profile}.`),
        'Done. Restart Chromium, Chrome and Firefox so that they read the change.',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // ~/.pki/nssdb existed, so Chromium uses it: no second database was made.
    expect(await readdir(home)).not.toContain('.local');

    for (const db of [pki, ...profiles]) {
      const list = await certutil(home, ['-L', '-d', `sql:${db}`]);
      expect(list.stdout).toMatch(new RegExp(`\\n${lab.label} +C,, *\\n`));
      const chain = await vfychain(home, db);
      expect(chain.stderr).toBe('Chain is good!\n'); // vfychain reports on stderr
      expect(chain.status).toBe(0);
    }
  });

  it('refuses a kit whose certificate is not the one it was made for, and installs nothing', async () => {
    const kit = path.join(lab.dir, 'kit-swapped');
    await cp(lab.kit, kit, { recursive: true });
    const impostor = await makeHierarchy({ label: 'Kit Script' }); // same name, different key
    await writeFile(path.join(kit, `${lab.name}.crt`), certificatePem(impostor.root.der));
    const home = await scratchHome('home-swapped');

    const result = await installScript(kit, home);
    expect(result.stdout).toContain(`  ${lab.fingerprints.sha256}\n`);
    expect(result.stderr).toBe(
      `error: ${lab.name}.crt has the SHA-256 fingerprint '${fingerprints(impostor.root.der).sha256}', not the one above;\n` +
        'nothing was installed.\n',
    );
    expect(result.status).toBe(1);
    expect(await readdir(home)).toEqual([]);
  });

  it('passes a hostile root name to certutil as a plain nickname, never to the shell', async () => {
    const { ca } = await makeSimpleChain('CN=O\'Brien \\"$(touch pwned)\\" `touch pwned2` Root, O=Rootkeeper Tests');
    const label = 'O\'Brien "$(touch pwned)" `touch pwned2` Root';
    const kit = path.join(lab.dir, 'kit-hostile');
    await writeExportFolder(kit, await trustKitFiles({ root: ca }));
    const home = await scratchHome('home-hostile');

    const result = await installScript(kit, home);
    expect(result.stdout).toContain(`Root certificate: ${label} (${safeName(label)}.crt)\n`);
    expect(result.status).toBe(0);
    const list = await certutil(home, ['-L', '-d', `sql:${path.join(home, '.local/share/pki/nssdb')}`]);
    expect(list.stdout).toContain(`\n${label} `);
    expect(await readdir(home)).toEqual(['.local']);
  });

  it('names the package to install when certutil is missing, and still exits 0', async () => {
    const bin = path.join(lab.dir, 'bin-without-certutil');
    await mkdir(bin);
    for (const tool of ['dirname', 'openssl', 'sed', 'id', 'mkdir']) {
      const found = await runTool('sh', ['-c', `command -v ${tool}`], { env: toolEnv(lab.dir) });
      await symlink(found.stdout.trim(), path.join(bin, tool));
    }
    const home = await scratchHome('home-no-certutil');

    const result = await installScript(lab.kit, home, ['--user-only'], { PATH: bin });
    expect(result.stdout).toContain(
      'Chromium and Firefox: skipped, certutil is missing. Install libnss3-tools (Debian/Ubuntu)\n' +
        '  or nss-tools (Fedora/RHEL), then run: sh install-root.sh --user-only\n',
    );
    expect(result.status).toBe(0);
    expect(await readdir(home)).toEqual([]);
  });

  it('refuses an unknown option with its usage', async () => {
    const home = await scratchHome('home-usage');
    const result = await installScript(lab.kit, home, ['--user']);
    expect(result.stderr).toBe('Usage: sh install-root.sh [--user-only]\n');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
  });
});
