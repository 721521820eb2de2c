import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, serveRendererAsset } from '../../../src-main/renderer-assets';
import { makeTempDir } from '../../support/temp-dir';

describe('serveRendererAsset', () => {
  let root: string;
  let bundle: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir: root, cleanup } = await makeTempDir());
    bundle = path.join(root, 'renderer');
    await mkdir(path.join(bundle, 'assets'), { recursive: true });
    await writeFile(path.join(bundle, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(path.join(bundle, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(bundle, 'assets', 'notes.txt'), 'plain');
    await writeFile(path.join(root, 'secret.txt'), 'outside the bundle');
  });
  afterEach(() => cleanup());

  const get = (url: string) => serveRendererAsset(bundle, 'GET', url);

  it('serves index.html for the root and files by path, with their types', async () => {
    const index = await get('app://bundle/');
    expect(index.status).toBe(200);
    expect(index.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(index.body.toString()).toContain('<title>app</title>');
    const script = await get('app://bundle/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
  });

  it('sends the strict CSP and the other security headers with every answer', async () => {
    for (const response of [await get('app://bundle/'), await get('app://bundle/missing.js')]) {
      expect(response.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('never serves a file outside the bundle', async () => {
    await symlink(path.join(root, 'secret.txt'), path.join(bundle, 'link.html'));
    for (const url of [
      'app://bundle/../secret.txt',
      'app://bundle/%2e%2e/secret.txt',
      'app://bundle/..%2fsecret.txt',
      'app://bundle/assets/..%2f..%2fsecret.txt',
      'app://bundle/..%5csecret.txt',
      'app://bundle/%00index.html',
      'app://bundle/%E0%A4%A',
      'app://bundle/link.html',
      `app://bundle/${encodeURIComponent(path.join(root, 'secret.txt'))}`,
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(response.body.toString(), url).not.toContain('outside the bundle');
    }
  });

  it('answers 404 for folders, missing files and file types it does not serve', async () => {
    expect((await get('app://bundle/assets')).status).toBe(404);
    expect((await get('app://bundle/assets/')).status).toBe(404);
    expect((await get('app://bundle/nope.js')).status).toBe(404);
    expect((await get('app://bundle/assets/notes.txt')).status).toBe(404);
  });

  it('answers only GET and HEAD', async () => {
    expect((await serveRendererAsset(bundle, 'POST', 'app://bundle/')).status).toBe(405);
    expect((await serveRendererAsset(bundle, 'HEAD', 'app://bundle/')).status).toBe(200);
  });
});
