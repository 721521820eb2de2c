/**
 * A past ceremony record written again from the journal, through the built
 * CLI: the records of the init and of a root CRL are listed with their
 * SHA-256; with the original USB folder gone, `ceremony export` writes the
 * record again — the same bytes (the SHA-256 on paper), a signature OpenSSL
 * verifies with the root's key, an edited copy refused, the PDF readable by
 * pdftotext. A record the journal does not name is refused, nothing written.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const OPERATOR = 'pass:velvet-harbor-quartz-meadow-3';
const ROOT = 'pass:granite-lantern-orbit-canyon-7';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
const SLOW = 300_000;

let dir: string;
let cleanup: () => Promise<void>;
const cli = (...args: string[]) =>
  rootkeeper(args, { cwd: dir, env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config') } });
const at = (...parts: string[]) => path.join(dir, ...parts);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-ceremony-export-'));
}, SLOW);
afterAll(() => cleanup());

describe('ceremony list and ceremony export', () => {
  it(
    'writes a lost record again, byte for byte, with a signature OpenSSL verifies',
    async () => {
      const init = cli(
        'init',
        '--store',
        'ca',
        '--root-subject',
        'CN=Record Root CA',
        '--root-passin',
        ROOT,
        '--operator-passin',
        OPERATOR,
        '--ceremony-record',
        'usb',
        '--witness',
        'Wendy Witness',
        ...FAST_KDF,
      );
      expect(init.status, init.stderr).toBe(0);
      const crl = cli(
        'crl',
        '--store',
        'ca',
        '--ca',
        'root',
        '--out',
        'root.crl',
        '--operator-passin',
        OPERATOR,
        '--root-passin',
        ROOT,
        '--ceremony-record',
        'usb',
        '--witness',
        'Zoë Ølsen',
      );
      expect(crl.status, crl.stderr).toBe(0);

      const listed = cli('ceremony', 'list', '--store', 'ca', '--operator-passin', OPERATOR, '--json');
      expect(listed.status, listed.stderr).toBe(0);
      const records = JSON.parse(listed.stdout) as { file: string; sha256: string; operation: string; kept: boolean }[];
      expect(records.map((record) => record.operation)).toEqual(['root-crl', 'init']);
      expect(records.every((record) => record.kept)).toBe(true);
      const original = new Map<string, Buffer>();
      for (const record of records) {
        const bytes = await readFile(at('usb', record.file));
        expect(sha256(bytes)).toBe(record.sha256);
        original.set(record.file, bytes);
      }
      await rm(at('usb'), { recursive: true });

      // A record the journal does not name: refused, nothing written, the store unchanged.
      const before = await snapshotFolder(at('ca'));
      const unknown = cli(
        'ceremony',
        'export',
        '--store',
        'ca',
        '--record',
        'ceremony-2001-01-01T00-00-00Z-init.json',
        '--out',
        'again',
        '--operator-passin',
        OPERATOR,
      );
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain(
        'The journal records no ceremony record named ceremony-2001-01-01T00-00-00Z-init.json',
      );
      expect(existsSync(at('again'))).toBe(false);
      expect(await snapshotFolder(at('ca'))).toEqual(before);

      for (const record of records) {
        const exported = cli(
          'ceremony',
          'export',
          '--store',
          'ca',
          '--record',
          record.file,
          '--out',
          'again',
          '--operator-passin',
          OPERATOR,
        );
        expect(exported.status, exported.stderr).toBe(0);
        const folder = at('again', record.file.replace(/\.json$/, ''));
        const bytes = await readFile(path.join(folder, record.file));
        expect(bytes.equals(original.get(record.file)!)).toBe(true);
        const verified = run(
          'openssl',
          ['dgst', '-sha384', '-verify', 'root-pubkey.pem', '-signature', `${record.file}.sig`, record.file],
          { cwd: folder },
        );
        expect(verified.stdout.trim(), verified.stderr).toBe('Verified OK');
        // root-pubkey.pem is the root certificate's key.
        const fromCertificate = run('openssl', ['x509', '-in', 'root-ca.pem', '-noout', '-pubkey'], { cwd: folder });
        expect(await readFile(path.join(folder, 'root-pubkey.pem'), 'utf8')).toBe(
          fromCertificate.stdout.replace(/\n$/, ''),
        );
        const edited = bytes.toString('utf8').replace('"witnesses": [', '"witnesses": [\n    "Mallory",');
        await writeFile(path.join(folder, 'edited.json'), edited);
        const refused = run(
          'openssl',
          ['dgst', '-sha384', '-verify', 'root-pubkey.pem', '-signature', `${record.file}.sig`, 'edited.json'],
          { cwd: folder },
        );
        expect(refused.stdout.trim()).toBe('Verification failure');
        const pdf = run('pdftotext', [path.join(folder, record.file.replace(/\.json$/, '.pdf')), '-']).stdout;
        expect(pdf).toContain(record.operation === 'init' ? 'Wendy Witness' : 'Zoë Ølsen');
      }
      const log = cli('audit', 'log', '--store', 'ca', '--operator-passin', OPERATOR);
      // Each writing-again is journaled as an export, with its six files and SHA256SUMS.
      expect(log.stdout.match(/Export \(ceremony-record\) written to .*: 7 files\./g)).toHaveLength(2);
    },
    SLOW,
  );
});
