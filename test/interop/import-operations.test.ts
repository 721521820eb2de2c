/**
 * The operations the GUI's "Import an existing CA…" calls, through the same
 * dispatcher (schemas on the way in and out): a folder of unknown kind is
 * detected and reported, then imported with the new passphrases. The reply
 * carries no key and no passphrase.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliOperations, OperationFailure } from '../../src-main/cli/operations';
import { GUIDE_INTERMEDIATE_PASS, GUIDE_ROOT_PASS, buildGuideCa, hashTree } from '../support/guide-ca';
import { run } from '../support/run';
import { makeTempDir } from '../support/temp-dir';

const ROOT = 'granite-lantern-orbit-canyon-7';
const OPERATOR = 'velvet-harbor-quartz-meadow-3';

let dir: string;
let cleanup: () => Promise<void>;
let ca: string;

const io = () => ({
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  stdin: Readable.from(['']),
  env: process.env,
  cwd: dir,
});

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-import-ops-'));
  ca = await buildGuideCa(dir);
}, 120_000);

afterAll(async () => {
  await cleanup();
});

describe('inspectImport and importStore', () => {
  it('detects the OpenSSL folder and reports it; without passphrases the keys are not opened', async () => {
    const operations = new CliOperations(path.join(dir, 'unused'), io());
    const report = await operations.call('inspectImport', { source: ca, keyPassphrases: [] });
    expect(report.source).toBe('openssl');
    expect(report.ready).toBe(true);
    expect(report.cas.map((entry) => entry.keyChecked)).toEqual([false, false]);
    expect(
      report.certificates.find((entry) => entry.serial === '1001' && entry.issuer === 'intermediate')?.revocation
        ?.reason,
    ).toBe('keyCompromise');
  });

  it('matches each passphrase to the key it opens, and a wrong one is WRONG_PASSPHRASE', async () => {
    const operations = new CliOperations(path.join(dir, 'unused'), io());
    const report = await operations.call('inspectImport', {
      source: ca,
      keyPassphrases: [GUIDE_INTERMEDIATE_PASS, GUIDE_ROOT_PASS],
    });
    expect(report.cas.map((entry) => entry.keyChecked)).toEqual([true, true]);
    const wrong = await operations
      .call('inspectImport', { source: ca, keyPassphrases: ['nope'] })
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(OperationFailure);
    expect((wrong as OperationFailure).failure.code).toBe('WRONG_PASSPHRASE');
  });

  it('imports into the store folder; the reply holds no key or passphrase, and the source is untouched', async () => {
    const before = await hashTree(ca);
    const store = path.join(dir, 'store');
    const operations = new CliOperations(store, io());
    const result = await operations.call('importStore', {
      source: ca,
      keyPassphrases: [GUIDE_ROOT_PASS, GUIDE_INTERMEDIATE_PASS],
      rootPassphrase: ROOT,
      operatorPassphrase: OPERATOR,
    });
    expect(result.certificates).toBe(4);
    const text = JSON.stringify(result);
    for (const secret of ['PRIVATE KEY', GUIDE_ROOT_PASS, GUIDE_INTERMEDIATE_PASS, ROOT, OPERATOR])
      expect(text).not.toContain(secret);
    expect(await hashTree(ca)).toEqual(before);
    await operations.call('unlock', { passphrase: OPERATOR });
    const listed = await operations.call('listCertificates', {});
    expect(listed.certificates.map((item) => [item.serial, item.status])).toEqual(
      expect.arrayContaining([
        ['1000', 'valid'],
        ['1001', 'revoked'],
        ['1002', 'valid'],
      ]),
    );
    await operations.close();
    // The dispatcher's default argon2id cost (256 MiB, 3 passes), as the app uses it: slow under load.
  }, 180_000);

  it('reports a mkcert CAROOT as one that cannot head a hierarchy, and refuses to import it', async () => {
    const caroot = path.join(dir, 'mkcert');
    await mkdir(caroot);
    run('mkcert', ['example.test'], {
      cwd: dir,
      env: { ...process.env, CAROOT: caroot, TRUST_STORES: 'none', HOME: dir },
    });
    const store = path.join(dir, 'mkcert-store');
    const operations = new CliOperations(store, io());
    const report = await operations.call('inspectImport', { source: caroot, keyPassphrases: [] });
    expect(report.source).toBe('mkcert');
    expect(report.ready).toBe(false);
    expect(report.problems[0]?.message).toContain('A mkcert CAROOT cannot head a Rootkeeper hierarchy');
    const refused = await operations
      .call('importStore', { source: caroot, keyPassphrases: [], rootPassphrase: ROOT, operatorPassphrase: OPERATOR })
      .catch((error: unknown) => error);
    expect((refused as OperationFailure).failure.code).toBe('REJECTED_INPUT');
    expect(existsSync(store)).toBe(false);
  });
});
