/**
 * Firefox keeps its own trust store per profile. Headless Firefox ESR,
 * driven over Marionette with a fresh profile and a scratch HOME:
 *   - refuses the server ("insecure certificate", SEC_ERROR_UNKNOWN_ISSUER)
 *     with nothing installed;
 *   - loads the page when its installation's distribution folder holds the
 *     kit's firefox/policies.json and, under certificates/, the kit's NAME.crt
 *     (the policy names it by its bare name);
 *   - loads the page in a profile that linux/install-root.sh --user-only
 *     found under ~/.mozilla/firefox and added the root to.
 * The installation is copied (cp -a) so that its distribution folder can be
 * changed without touching /usr or /etc.
 */
import { spawn } from 'node:child_process';
import { copyFile, cp, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Marionette, MarionetteError } from './trust-kit-marionette';
import { PAGE_TEXT, freePort, killGroup, openLab, runTool, toolEnv, type Lab } from './trust-kit-lab';

const FIREFOX_DIR = process.env.ROOTKEEPER_FIREFOX_DIR ?? '/usr/lib/firefox-esr';
const FIREFOX_BINARY = 'firefox-esr';
const START_TIMEOUT_MS = 45_000;

let lab: Lab;
/** Two copies of the installation, identical but for the policy. */
let plainFirefox: string;
let policyFirefox: string;

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * A copy of the installation (its relative links into /usr/share made absolute, so they still
 * resolve) whose distribution folder is a real folder with the stock content.
 */
async function copyInstallation(target: string): Promise<string> {
  await cp(FIREFOX_DIR, target, { recursive: true, preserveTimestamps: true });
  const distribution = path.join(target, 'distribution');
  await rm(distribution, { force: true });
  await cp(path.join(FIREFOX_DIR, 'distribution/'), distribution, { recursive: true, dereference: true });
  return path.join(target, FIREFOX_BINARY);
}

beforeAll(async () => {
  // A system-wide policy would override the distribution folder's and make these tests meaningless.
  expect(await exists('/etc/firefox/policies/policies.json'), '/etc/firefox/policies/policies.json exists').toBe(false);
  expect(await exists(path.join(FIREFOX_DIR, 'distribution/policies.json'))).toBe(false);
  lab = await openLab('Kit Firefox');
  plainFirefox = await copyInstallation(path.join(lab.dir, 'firefox-plain'));
  policyFirefox = await copyInstallation(path.join(lab.dir, 'firefox-policy'));
  const distribution = path.dirname(policyFirefox) + '/distribution';
  await copyFile(path.join(lab.kit, 'firefox/policies.json'), path.join(distribution, 'policies.json'));
  await mkdir(path.join(distribution, 'certificates'));
  await copyFile(path.join(lab.kit, `${lab.name}.crt`), path.join(distribution, 'certificates', `${lab.name}.crt`));
}, 120_000);

afterAll(async () => {
  await lab?.close();
});

interface Firefox {
  readonly marionette: Marionette;
  readonly stop: () => Promise<void>;
}

/** Starts headless Firefox on `profile`, with Marionette on a free port set through the profile's user.js. */
async function startFirefox(binary: string, home: string, profile: string): Promise<Firefox> {
  const port = await freePort();
  await mkdir(profile, { recursive: true });
  await writeFile(
    path.join(profile, 'user.js'),
    [
      `user_pref("marionette.port", ${port});`,
      'user_pref("browser.shell.checkDefaultBrowser", false);',
      'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
      'user_pref("app.update.disabledForTesting", true);',
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['--headless', '--marionette', '--no-remote', '--profile', profile, 'about:blank'], {
    env: toolEnv(home, { MOZ_HEADLESS: '1', MOZ_CRASHREPORTER_DISABLE: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup(child.pid, 'SIGKILL'); // helper processes that outlived the parent
  };
  try {
    const early = exited.then(() => {
      throw new Error(`Firefox exited before Marionette answered:\n${output}`);
    });
    const marionette = await Promise.race([Marionette.connect(port, Date.now() + START_TIMEOUT_MS), early]);
    return { marionette, stop: async () => (marionette.close(), await stop()) };
  } catch (error) {
    await stop();
    throw error;
  }
}

type Visit = { readonly page: string } | { readonly error: string; readonly code: string };

/** Opens a WebDriver session that does not accept insecure certificates, and visits the lab's page. */
async function visit(firefox: Firefox): Promise<Visit> {
  const { marionette } = firefox;
  await marionette.command('WebDriver:NewSession', { capabilities: { alwaysMatch: { acceptInsecureCerts: false } } });
  try {
    await marionette.command('WebDriver:Navigate', { url: lab.url });
  } catch (error) {
    if (!(error instanceof MarionetteError)) throw error;
    // On Firefox's certificate error page the document tells which NSS error it showed.
    const code = await marionette.command('WebDriver:ExecuteScript', {
      script: 'return document.getFailedCertSecurityInfo().errorCodeString;',
      args: [],
    });
    return { error: error.error, code: (code as { value: string }).value };
  }
  const page = await marionette.command('WebDriver:ExecuteScript', {
    script: "return document.getElementById('message').textContent;",
    args: [],
  });
  return { page: (page as { value: string }).value };
}

async function visitWith(binary: string, home: string, profile: string): Promise<Visit> {
  const firefox = await startFirefox(binary, home, profile);
  try {
    return await visit(firefox);
  } finally {
    await firefox.stop();
  }
}

describe('Firefox ESR (headless, Marionette)', () => {
  it('refuses the server with "insecure certificate" (SEC_ERROR_UNKNOWN_ISSUER) without the kit', async () => {
    const home = path.join(lab.dir, 'home-plain');
    const alertsBefore = lab.clientAlerts().length;
    const result = await visitWith(plainFirefox, home, path.join(home, 'profile'));
    expect(result).toEqual({ error: 'insecure certificate', code: 'SEC_ERROR_UNKNOWN_ISSUER' });
    // Firefox broke the handshake off after reading the certificate: a trust failure, not a connection one.
    const alerts = lab.clientAlerts().slice(alertsBefore);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) expect(alert).toMatch(/alert unknown ca.*SSL alert number 48/);
  });

  it("loads the page with the kit's policies.json and NAME.crt in the distribution folder", async () => {
    const home = path.join(lab.dir, 'home-policy');
    const result = await visitWith(policyFirefox, home, path.join(home, 'profile'));
    expect(result).toEqual({ page: PAGE_TEXT });
  });

  it('loads the page in a profile that linux/install-root.sh --user-only added the root to', async () => {
    const home = path.join(lab.dir, 'home-script');
    const profile = path.join(home, '.mozilla/firefox/kit.default-esr');
    await mkdir(profile, { recursive: true });
    const created = await runTool('certutil', ['-N', '-d', `sql:${profile}`, '--empty-password'], {
      env: toolEnv(home),
    });
    expect(created.status).toBe(0);
    const script = await runTool('sh', [path.join(lab.kit, 'linux/install-root.sh'), '--user-only'], {
      env: toolEnv(home),
    });
    expect(script.stdout).toContain(`Firefox profile: added to the NSS database ${profile}.\n`);
    expect(script.status).toBe(0);

    const result = await visitWith(plainFirefox, home, profile);
    expect(result).toEqual({ page: PAGE_TEXT });
  });
});
