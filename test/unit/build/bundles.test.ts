/**
 * Checks what `npm run build` produced (the test command builds first): the
 * three bundles exist, the preload can run in a sandbox, and the renderer
 * needs nothing the CSP forbids.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const out = new URL('../../../out/', import.meta.url);
const read = (relative: string) => readFile(new URL(relative, out), 'utf8');

describe('the built bundles', () => {
  it('exist for main, preload and renderer (run `npm run build` first)', () => {
    for (const file of ['main/main.js', 'preload/preload.cjs', 'renderer/index.html']) {
      expect(existsSync(new URL(file, out)), file).toBe(true);
    }
  });

  it('make the preload one CommonJS file that requires nothing but electron', async () => {
    const preload = await read('preload/preload.cjs');
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).not.toMatch(/\bimport\(/);
  });

  it('keep the preload from exposing ipcRenderer itself', async () => {
    const preload = await read('preload/preload.cjs');
    expect(preload).toMatch(/exposeInMainWorld\(WINDOW_API_KEY, api\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('give the renderer no inline script or style, which the CSP would block', async () => {
    const html = await read('renderer/index.html');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/i);
  });

  it('keep the renderer free of Node and of IPC', async () => {
    const assets = await readdir(new URL('renderer/assets/', out));
    const scripts = assets.filter((name) => name.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const name of scripts) {
      const code = await read(`renderer/assets/${name}`);
      expect(code, name).not.toMatch(/require\(["'](electron|fs|node:)/);
      expect(code, name).not.toMatch(/ipcRenderer/);
    }
  });

  it("carry the trust kit's scripts inline, so the CLI and the app need no script files at run time", async () => {
    const chunks = [
      ...(await readdir(new URL('main/', out))).filter((name) => name.endsWith('.js')).map((name) => `main/${name}`),
      ...(await readdir(new URL('main/assets/', out)).catch(() => [] as string[]))
        .filter((name) => name.endsWith('.js'))
        .map((name) => `main/assets/${name}`),
    ];
    const code = (await Promise.all(chunks.map((chunk) => read(chunk)))).join('\n');
    for (const marker of [
      'firefox_profiles()',
      'remove_from_java()',
      'goto mismatch',
      'Get-FileHash',
      "exec cat -- '",
    ]) {
      expect(code, marker).toContain(marker);
    }
  });
});
