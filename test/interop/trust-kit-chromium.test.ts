/**
 * Chromium on Linux trusts what the NSS database in $HOME holds, never the
 * system store. Headless Chromium, given a scratch HOME, loads a page served
 * with an engine-made leaf only when the kit's NAME.crt is in that database
 * with "C,,": imported by hand with certutil, or by the kit's own
 * linux/install-root.sh --user-only. With an empty database it refuses the
 * server with net_error -202 (ERR_CERT_AUTHORITY_INVALID).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_TEXT, openLab, runTool, toolEnv, type Lab, type ToolResult } from './trust-kit-lab';

const CHROMIUM = process.env.ROOTKEEPER_CHROMIUM ?? '/usr/bin/chromium';
const BROWSER_TIMEOUT_MS = 60_000;

let lab: Lab;

beforeAll(async () => {
  lab = await openLab('Kit Chromium');
});

afterAll(async () => {
  await lab?.close();
});

/** A fresh scratch HOME for one browser run. */
async function scratchHome(name: string): Promise<string> {
  const home = path.join(lab.dir, name);
  await mkdir(home, { recursive: true });
  return home;
}

async function emptyNssDb(home: string): Promise<string> {
  const db = path.join(home, '.local/share/pki/nssdb');
  await mkdir(db, { recursive: true });
  const created = await runTool('certutil', ['-N', '-d', `sql:${db}`, '--empty-password'], { env: toolEnv(home) });
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);
  return db;
}

function listNssDb(home: string, db: string): Promise<ToolResult> {
  return runTool('certutil', ['-L', '-d', `sql:${db}`], { env: toolEnv(home) });
}

function dumpDom(home: string): Promise<ToolResult> {
  return runTool(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${path.join(home, 'chromium-profile')}`,
      '--dump-dom',
      lab.url,
    ],
    { env: toolEnv(home), timeoutMs: BROWSER_TIMEOUT_MS },
  );
}

function expectLoaded(result: ToolResult): void {
  expect(result.stdout).toContain(`<p id="message">${PAGE_TEXT}</p>`);
  expect(result.stderr).not.toMatch(/net_error -2\d\d/);
  expect(result.status).toBe(0);
}

describe('Chromium (headless) with the kit in its NSS database', () => {
  it('refuses the server with ERR_CERT_AUTHORITY_INVALID (-202) when the NSS database is empty', async () => {
    const home = await scratchHome('home-empty');
    await emptyNssDb(home);
    const before = { handshakes: lab.handshakes(), alerts: lab.clientAlerts().length };
    const result = await dumpDom(home);
    expect(result.stderr).toMatch(/handshake failed; returned -1, SSL error code 1, net_error -202\n/);
    expect(result.stderr).toContain('Page load failed: net::ERR_CERT_AUTHORITY_INVALID\n');
    expect(result.stdout).not.toContain(PAGE_TEXT);
    // The server saw Chromium break the handshake off with alert 46 (certificate unknown) after reading the
    // certificate: the refusal is about trust, not about reaching the server.
    expect(lab.handshakes()).toBe(before.handshakes);
    const alerts = lab.clientAlerts().slice(before.alerts);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) expect(alert).toMatch(/alert certificate unknown.*SSL alert number 46/);
  });

  it('loads the page once certutil -A -t "C,," imports the kit\'s NAME.crt', async () => {
    const home = await scratchHome('home-certutil');
    const db = await emptyNssDb(home);
    const crt = path.join(lab.kit, `${lab.name}.crt`);
    const added = await runTool('certutil', ['-A', '-d', `sql:${db}`, '-t', 'C,,', '-n', lab.label, '-i', crt], {
      env: toolEnv(home),
    });
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect((await listNssDb(home, db)).stdout).toMatch(new RegExp(`\\n${lab.label} +C,, *\\n`));

    expectLoaded(await dumpDom(home));
  });

  it('loads the page after linux/install-root.sh --user-only ran with that HOME', async () => {
    const home = await scratchHome('home-script');
    const script = await runTool('sh', [path.join(lab.kit, 'linux/install-root.sh'), '--user-only'], {
      env: toolEnv(home),
    });
    const db = path.join(home, '.local/share/pki/nssdb');
    expect(script.stdout).toContain(`Root certificate: ${lab.label} (${lab.name}.crt)\n`);
    expect(script.stdout).toContain(`  ${lab.fingerprints.sha256}\n${lab.name}.crt in this kit matches it.\n`);
    expect(script.stdout).toContain('System store: skipped (--user-only).\n');
    expect(script.stdout).toContain(`Chromium/Chrome: created the NSS database ${db}.\n`);
    expect(script.stdout).toContain(`Chromium/Chrome: added to the NSS database ${db}.\n`);
    expect(script.status).toBe(0);
    expect((await listNssDb(home, db)).stdout).toMatch(new RegExp(`\\n${lab.label} +C,, *\\n`));

    expectLoaded(await dumpDom(home));
  });
});
