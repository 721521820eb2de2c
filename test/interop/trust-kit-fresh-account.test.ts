/**
 * The Linux scripts on a fresh account, as an admin would run them:
 *   - Firefox ESR's own first run makes the profile (under
 *     ~/.config/mozilla/firefox on Debian's ESR, found through its real
 *     profiles.ini), Chromium never ran: install-root.sh --user-only makes
 *     Chromium's database, adds the root to it and to every profile, and
 *     uninstall-root.sh takes it out again, checked with certutil -L and
 *     NSS's vfychain;
 *   - one broken database does not stop the others;
 *   - the README's manual Chromium lines work on an account where Chromium never ran;
 *   - as root in a sandboxed copy of /etc, /usr and /var (system-sandbox.ts):
 *     the system store, Java's cacerts through Debian's own hook, and the
 *     Firefox policy for profiles made later, and the uninstall script
 *     removing all three.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemSandbox } from './system-sandbox';
import { openLab, runTool, toolEnv, type Lab, type ToolResult } from './trust-kit-lab';

let lab: Lab;

beforeAll(async () => {
  lab = await openLab('Kit Fresh');
});

afterAll(async () => {
  await lab?.close();
});

async function freshHome(name: string): Promise<string> {
  const home = path.join(lab.dir, name);
  await mkdir(home, { recursive: true });
  return home;
}

function script(which: 'install' | 'uninstall', home: string, args: readonly string[] = ['--user-only'], extra = {}) {
  return runTool('/bin/sh', [path.join(lab.kit, `linux/${which}-root.sh`), ...args], {
    env: toolEnv(home, extra),
    cwd: home,
  });
}

/** Firefox ESR's first headless run: it makes its profile, profiles.ini and cert9.db itself. */
async function startFirefoxOnce(home: string, extra = {}): Promise<ToolResult> {
  const result = await runTool(
    'firefox-esr',
    ['--headless', '--screenshot', path.join(home, 'shot.png'), 'about:blank'],
    {
      env: toolEnv(home, extra),
      cwd: home,
      timeoutMs: 60_000,
    },
  );
  expect(result.status, result.stderr).toBe(0);
  return result;
}

function certutil(home: string, args: readonly string[]): Promise<ToolResult> {
  return runTool('certutil', args, { env: toolEnv(home) });
}

async function holds(home: string, db: string): Promise<string | null> {
  const list = await certutil(home, ['-L', '-d', `sql:${db}`]);
  expect(list.status).toBe(0);
  const line = list.stdout.split('\n').find((entry) => entry.startsWith(`${lab.label} `));
  return line === undefined ? null : line.slice(lab.label.length).trim();
}

function vfychain(home: string, db: string): Promise<ToolResult> {
  return runTool('vfychain', ['-d', `sql:${db}`, '-u', '1', '-a', lab.pki.leaf!, '-a', lab.pki.intermediate!], {
    env: toolEnv(home),
  });
}

/** The [Profile…] Path= entries of a real profiles.ini, as folders. */
async function profilesFrom(root: string): Promise<string[]> {
  const ini = await readFile(path.join(root, 'profiles.ini'), 'utf8');
  return [...ini.matchAll(/^Path=(.+)$/gm)].map((match) => path.join(root, match[1]!));
}

describe('linux/install-root.sh and uninstall-root.sh on a fresh account', () => {
  it("finds Firefox ESR's profiles in ~/.config/mozilla/firefox, makes Chromium's database, and undoes it all", async () => {
    const home = await freshHome('home-fresh');
    await startFirefoxOnce(home);
    // A second profile made by Firefox's own profile manager, never started: no cert9.db yet.
    const create = await runTool('firefox-esr', ['--headless', '-CreateProfile', 'work'], { env: toolEnv(home) });
    expect(create.status).toBe(0);
    const root = path.join(home, '.config/mozilla/firefox');
    const profiles = await profilesFrom(root);
    expect(profiles.length).toBeGreaterThanOrEqual(2);
    expect(existsSync(path.join(home, '.mozilla/firefox'))).toBe(false);
    const started = profiles.filter((profile) => existsSync(path.join(profile, 'cert9.db')));
    const unstarted = profiles.filter((profile) => !existsSync(path.join(profile, 'cert9.db')));
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(unstarted.length).toBeGreaterThanOrEqual(1);
    const chromium = path.join(home, '.local/share/pki/nssdb');

    const install = await script('install', home);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    expect(install.stdout).toContain(`Chromium/Chrome: created the NSS database ${chromium}.\n`);
    expect(install.stdout).toContain(`Chromium/Chrome: added to the NSS database ${chromium}.\n`);
    for (const profile of unstarted)
      expect(install.stdout).toContain(`Firefox profile: created the NSS database ${profile}.\n`);
    for (const profile of profiles)
      expect(install.stdout).toContain(`Firefox profile: added to the NSS database ${profile}.\n`);
    for (const db of [chromium, ...profiles]) {
      expect(await holds(home, db), db).toBe('C,,');
      const chain = await vfychain(home, db);
      expect(chain.stderr).toBe('Chain is good!\n');
    }

    const uninstall = await script('uninstall', home);
    expect(uninstall.stderr).toBe('');
    expect(uninstall.status).toBe(0);
    expect(uninstall.stdout).toContain(`Chromium/Chrome: removed it from the NSS database ${chromium}.\n`);
    for (const profile of profiles)
      expect(uninstall.stdout).toContain(`Firefox profile: removed it from the NSS database ${profile}.\n`);
    for (const db of [chromium, ...profiles]) {
      expect(await holds(home, db), db).toBeNull();
      expect((await vfychain(home, db)).stderr).toContain('Chain is bad!');
    }
    // Run again, nothing left to remove: each store is named as skipped.
    const again = await script('uninstall', home);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`Chromium/Chrome: skipped ${chromium}, it does not hold it.\n`);
  });

  it('follows $XDG_CONFIG_HOME, and a profile named by an absolute path (IsRelative=0)', async () => {
    const home = await freshHome('home-xdg');
    const xdg = path.join(home, 'xdg');
    await startFirefoxOnce(home, { XDG_CONFIG_HOME: xdg });
    const profiles = await profilesFrom(path.join(xdg, 'mozilla/firefox'));
    expect(profiles.length).toBeGreaterThanOrEqual(1);
    // A profile elsewhere, listed the way Firefox lists one made with -CreateProfile "name /abs/path".
    const elsewhere = path.join(home, 'Profiles elsewhere/mine');
    const create = await runTool('firefox-esr', ['--headless', '-CreateProfile', `mine ${elsewhere}`], {
      env: toolEnv(home, { XDG_CONFIG_HOME: xdg }),
    });
    expect(create.status).toBe(0);
    expect(await readFile(path.join(xdg, 'mozilla/firefox/profiles.ini'), 'utf8')).toContain(`Path=${elsewhere}\n`);

    const install = await script('install', home, ['--user-only'], { XDG_CONFIG_HOME: xdg });
    expect(install.status).toBe(0);
    for (const db of [...profiles, elsewhere]) {
      expect(install.stdout).toContain(`Firefox profile: added to the NSS database ${db}.\n`);
      expect(await holds(home, db)).toBe('C,,');
    }
    const uninstall = await script('uninstall', home, ['--user-only'], { XDG_CONFIG_HOME: xdg });
    expect(uninstall.status).toBe(0);
    for (const db of [...profiles, elsewhere]) expect(await holds(home, db)).toBeNull();
  });

  it('carries on past a broken database, names it, and exits 1', async () => {
    const home = await freshHome('home-broken');
    await startFirefoxOnce(home);
    const profile = (await profilesFrom(path.join(home, '.config/mozilla/firefox'))).find((folder) =>
      existsSync(path.join(folder, 'cert9.db')),
    );
    const broken = path.join(home, '.pki/nssdb');
    await mkdir(broken, { recursive: true });
    await writeFile(path.join(broken, 'cert9.db'), 'this is not an SQLite database\n');

    const install = await script('install', home);
    expect(install.status).toBe(1);
    expect(install.stderr).toContain(
      `Chromium/Chrome: certutil could not add it to ${broken} (see its message above).\n`,
    );
    expect(install.stderr).toContain('1 store(s) could not be updated; see the messages above.\n');
    expect(install.stdout).toContain(`Firefox profile: added to the NSS database ${profile}.\n`);
    expect(await holds(home, profile!)).toBe('C,,');
  });

  it("the README's manual Chromium lines work on an account where Chromium never ran", async () => {
    const home = await freshHome('home-readme-chromium');
    const readme = await readFile(path.join(lab.kit, 'README.txt'), 'utf8');
    const block = readme.split('Chromium never ran:\n')[1]!.split('Then restart the browser.')[0]!;
    const lines = block
      .replace(/ \\\n\s+/g, ' ')
      .trim()
      .split('\n')
      .map((line) => line.trim());
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const result = await runTool('/bin/sh', ['-c', line], { env: toolEnv(home), cwd: lab.kit });
      expect(result.status, `${line}\n${result.stderr}`).toBe(0);
    }
    const db = path.join(home, '.local/share/pki/nssdb');
    expect(await holds(home, db)).toBe('C,,');
    expect((await vfychain(home, db)).stderr).toBe('Chain is good!\n');

    const removal = readme
      .split('and for each NSS database (Chromium, and each Firefox profile):\n')[1]!
      .split('\n')[0]!;
    expect((await runTool('/bin/sh', ['-c', removal.trim()], { env: toolEnv(home), cwd: lab.kit })).status).toBe(0);
    expect(await holds(home, db)).toBeNull();
  });
});

describe('the system part, as root, in a sandboxed /etc, /usr and /var', () => {
  it("installs into the system store, Java's cacerts and Firefox's policy, and the uninstall script removes all three", async () => {
    const sandbox = await systemSandbox(path.join(lab.dir, 'sandbox'));
    const home = await freshHome('home-root');
    const crt = `/usr/local/share/ca-certificates/${lab.name}.crt`;
    const inside = (command: string, args: readonly string[], who = home) =>
      sandbox.run(command, args, { env: toolEnv(who), cwd: who, timeoutMs: 120_000 });
    const verify = () =>
      inside('openssl', [
        'verify',
        '-CApath',
        '/etc/ssl/certs',
        '-no-CAfile',
        '-no-CAstore',
        '-purpose',
        'sslserver',
        '-untrusted',
        lab.pki.intermediate!,
        lab.pki.leaf!,
      ]);
    const java = () =>
      inside('keytool', [
        '-list',
        '-keystore',
        '/etc/ssl/certs/java/cacerts',
        '-storepass',
        'changeit',
        '-alias',
        `debian:${lab.name}.pem`,
      ]);
    expect((await verify()).status).not.toBe(0);

    const install = await inside('/bin/sh', [path.join(lab.kit, 'linux/install-root.sh')]);
    expect(install.status, install.stderr).toBe(0);
    expect(install.stdout).toContain(
      `System store: copied ${lab.name}.crt to ${crt} and ran /usr/sbin/update-ca-certificates.\n`,
    );
    expect(install.stdout).toContain(`Adding debian:${lab.name}.pem\n`); // Debian's Java hook, run by dpkg
    expect(install.stdout).toContain(
      `Firefox policy: installed /etc/firefox/policies/policies.json and /usr/lib/mozilla/certificates/${lab.name}.crt.\n`,
    );
    expect((await verify()).stdout).toBe(`${lab.pki.leaf}: OK\n`);
    const listed = await java();
    expect(listed.stdout).toContain('trustedCertEntry');
    expect(listed.stdout).toContain(lab.fingerprints.sha256);
    // The real system saw none of it.
    expect(existsSync(crt)).toBe(false);
    expect(existsSync('/etc/firefox/policies/policies.json')).toBe(false);

    // A user whose Firefox first starts after the install: the policy puts the root into the new profile.
    const later = await freshHome('home-later');
    const started = await inside(
      'firefox-esr',
      ['--headless', '--screenshot', path.join(later, 's.png'), 'about:blank'],
      later,
    );
    expect(started.status).toBe(0);
    const profile = (await profilesFrom(path.join(later, '.config/mozilla/firefox'))).find((folder) =>
      existsSync(path.join(folder, 'cert9.db')),
    );
    // Debian's older certutil does not show the trust Firefox's newer NSS wrote (see trust-store-exports.md 1.5).
    expect(await holds(later, profile!)).not.toBeNull();

    const uninstall = await inside('/bin/sh', [path.join(lab.kit, 'linux/uninstall-root.sh')]);
    expect(uninstall.status, uninstall.stderr).toBe(0);
    expect(uninstall.stdout).toContain(
      `System store: removed ${crt} and ran /usr/sbin/update-ca-certificates --fresh.\n`,
    );
    expect(uninstall.stdout).toContain('Firefox policy: removed /etc/firefox/policies/policies.json.\n');
    expect(uninstall.stdout).toContain(`Firefox policy: removed /usr/lib/mozilla/certificates/${lab.name}.crt.\n`);
    expect(uninstall.stdout).toContain(
      `Java cacerts: removed debian:${lab.name}.pem from /etc/ssl/certs/java/cacerts.\n`,
    );
    expect((await java()).status).not.toBe(0);
    expect((await verify()).status).not.toBe(0);
    expect((await inside('test', ['-e', crt])).status).not.toBe(0);
    expect((await inside('test', ['-e', '/etc/firefox/policies/policies.json'])).status).not.toBe(0);
  }, 300_000);

  it("the README's Debian lines, install and removal, as root (sudo dropped: it is not installed here)", async () => {
    const sandbox = await systemSandbox(path.join(lab.dir, 'sandbox-readme'));
    const home = await freshHome('home-readme-debian');
    const readme = await readFile(path.join(lab.kit, 'README.txt'), 'utf8');
    const lines = (after: string, count: number): string[] => {
      const block = readme.split(`${after}\n`)[1]!.replace(/ \\\n\s+/g, ' ');
      return block
        .split('\n')
        .slice(0, count)
        .map((line) => line.trim().replace(/^sudo /, ''));
    };
    const inside = (line: string) =>
      sandbox.run('/bin/sh', ['-c', line], { env: toolEnv(home), cwd: lab.kit, timeoutMs: 120_000 });
    const verify = () =>
      inside(
        `openssl verify -CApath /etc/ssl/certs -no-CAfile -no-CAstore -untrusted '${lab.pki.intermediate}' '${lab.pki.leaf}'`,
      );
    const java = () => inside(`keytool -list -cacerts -storepass changeit -alias 'debian:${lab.name}.pem'`);

    for (const line of lines('Debian and Ubuntu (system store)\n--------------------------------', 2)) {
      const result = await inside(line);
      expect(result.status, `${line}\n${result.stderr}`).toBe(0);
    }
    expect((await verify()).stdout).toBe(`${lab.pki.leaf}: OK\n`);
    expect((await java()).stdout).toContain('trustedCertEntry');

    const removal = lines('Ubuntu:', 3);
    expect(removal[1]).toBe('update-ca-certificates --fresh');
    for (const line of removal) {
      const result = await inside(line);
      expect(result.status, `${line}\n${result.stderr}`).toBe(0);
    }
    expect((await verify()).status).not.toBe(0);
    expect((await java()).status).not.toBe(0);
  }, 300_000);
});
