/**
 * Shared set-up of the trust-kit interop tests: an engine-made hierarchy, a
 * real kit written with writeExportFolder into a scratch folder, and a Node
 * https server on 127.0.0.1 presenting an engine-made leaf for localhost plus
 * its intermediate. Nothing is written outside the scratch folder: every
 * tool gets a scratch HOME and explicit paths.
 *
 * The server lives in the Vitest process, so tools run asynchronously
 * (spawn), never with spawnSync, which would block the event loop the
 * server needs to answer.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fingerprints, type Fingerprints } from '../../src-main/engine/formats/certificates';
import { safeName, writeExportFolder } from '../../src-main/exports/folder';
import { trustKitFiles } from '../../src-main/exports/trust-kit';
import { makeHierarchy, makeLeaf, writeHierarchy, type TestHierarchy } from '../support/pki';
import { makeTempDir } from '../support/temp-dir';

export const PAGE_TEXT = 'Hello from a server that the Rootkeeper trust kit vouches for';
const PAGE = `<!DOCTYPE html>\n<html><head><title>Rootkeeper trust kit</title></head><body><p id="message">${PAGE_TEXT}</p></body></html>\n`;

export interface ToolResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Lab {
  /** Scratch folder holding everything below. */
  readonly dir: string;
  /** The kit, as writeExportFolder wrote it. */
  readonly kit: string;
  readonly hierarchy: TestHierarchy;
  /** The root's CN, and NAME: the stem of the kit's certificate files. */
  readonly label: string;
  readonly name: string;
  readonly fingerprints: Fingerprints;
  /** root.pem, intermediate.pem, leaf.pem… from writeHierarchy. */
  readonly pki: Record<string, string>;
  readonly port: number;
  readonly url: string;
  /** How many TLS handshakes completed. */
  readonly handshakes: () => number;
  /**
   * The server's view of handshakes a client broke off, e.g. "…alert unknown ca…": proof that a refusal
   * happened after the client saw the certificate, not because it could not connect.
   */
  readonly clientAlerts: () => string[];
  readonly close: () => Promise<void>;
}

export async function openLab(labelPrefix: string): Promise<Lab> {
  const tmp = await makeTempDir(`rootkeeper-${safeName(labelPrefix)}-`);
  try {
    const hierarchy = await makeHierarchy({ label: labelPrefix });
    const leaf = await makeLeaf(hierarchy, {
      cn: 'localhost',
      sans: [
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ],
    });
    const pki = await writeHierarchy(tmp.dir, hierarchy, leaf);
    const kit = path.join(tmp.dir, 'kit');
    await writeExportFolder(kit, await trustKitFiles({ root: hierarchy.root.der }));
    const label = `${labelPrefix} Root CA`;
    let handshakes = 0;
    const server = https.createServer(
      { cert: await readFile(pki.fullchain!, 'utf8'), key: await readFile(pki.key!, 'utf8') },
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
        response.end(PAGE);
      },
    );
    server.on('secureConnection', () => (handshakes += 1));
    const alerts: string[] = [];
    server.on('tlsClientError', (error) => alerts.push(error.message));
    const port = await listen(server);
    return {
      dir: tmp.dir,
      kit,
      hierarchy,
      label,
      name: safeName(label),
      fingerprints: fingerprints(hierarchy.root.der),
      pki,
      port,
      url: `https://localhost:${port}/`,
      handshakes: () => handshakes,
      clientAlerts: () => [...alerts],
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await tmp.cleanup();
      },
    };
  } catch (error) {
    await tmp.cleanup();
    throw error;
  }
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** A loopback port nobody listens on right now, for a tool that must be told its port in advance. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The environment tools run with: no proxy, no trust-store overrides, no
 * Java options and no XDG folders from the caller's session, and HOME set to a
 * scratch folder so that no tool reads or writes the real user's databases.
 */
const STRIPPED_ENV =
  /^(https?_proxy|all_proxy|no_proxy|ssl_cert_file|ssl_cert_dir|curl_ca_bundle|requests_ca_bundle|node_extra_ca_certs|java_tool_options|jdk_java_options|_java_options|xdg_.*|moz_.*|display|wayland_display|dbus_session_bus_address)$/i;

export function toolEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([name]) => !STRIPPED_ENV.test(name));
  return { ...Object.fromEntries(kept), HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', ...extra };
}

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/**
 * Runs a tool in its own process group without blocking the event loop; on
 * time-out the whole group is killed (browsers start helper processes that
 * would otherwise outlive the test).
 */
export function runTool(command: string, args: readonly string[], options: RunOptions): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => killGroup(child.pid), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // Helpers left behind by a tool that exited would keep its pipes, and 'close', waiting.
    child.on('exit', () => killGroup(child.pid));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
