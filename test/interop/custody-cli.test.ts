/**
 * Root custody through the built CLI, as officers would run it: a 2-of-3
 * store made at the ceremony (one custodian with a PIN) and a passphrase
 * store split 3-of-5 (P-256, so its records use SHA-256); intermediates and
 * root CRLs signed by quorums given as files, on stdin and with a PIN;
 * every bad share named and refused with the store unchanged; resharing
 * making old shares useless. OpenSSL verifies the ceremony records (and
 * refuses an edited one) and the CRLs; pdftotext reads the cards and records;
 * no file written carries a key, a passphrase or a PIN.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootkeeper, requireBuiltCli } from '../support/cli';
import { run } from '../support/run';
import { snapshotFolder } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

const OPERATOR = 'velvet-harbor-quartz-meadow-3';
const ROOT = 'granite-lantern-orbit-canyon-7';
const PIN = 'tulip-4821-xyz';
const FAST_KDF = ['--kdf-memory', '64', '--kdf-passes', '2'];
const SLOW = 240_000;

let dir: string;
let cleanup: () => Promise<void>;
const cli = (args: string[], input?: string) => rootkeeper(args, { cwd: dir, ...(input ? { input } : {}) });
const at = (...parts: string[]) => path.join(dir, ...parts);
const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

/** The store folder's bytes, to compare after a refusal. */
// throttle.json is the one file a wrong secret (a share's PIN) may change (docs/vault.md, "The throttle").
const snapshot = (store: string) => snapshotFolder(at(store), ['throttle.json']);

async function recordsIn(folder: string, operation: string): Promise<string[]> {
  return (await readdir(at(folder))).filter((name) => name.endsWith(`-${operation}.json`)).sort();
}

function verifyRecord(folder: string, json: string, digest: 'sha256' | 'sha384') {
  return run('openssl', ['dgst', `-${digest}`, '-verify', 'root-pubkey.pem', '-signature', `${json}.sig`, json], {
    cwd: at(folder),
  });
}

beforeAll(async () => {
  requireBuiltCli();
  ({ dir, cleanup } = await makeTempDir('rootkeeper-custody-'));
}, SLOW);
afterAll(() => cleanup());

describe('a 2-of-3 root made at the ceremony', () => {
  it(
    'writes three shares (one PIN-protected) and a ceremony record OpenSSL verifies',
    async () => {
      const init = cli([
        'init',
        '--store',
        'ca',
        '--root-subject',
        'CN=Custody Root CA, O=Acme',
        '--root-custody',
        '2-of-3',
        '--custodian',
        'Ada Lovelace',
        '--custodian',
        'Alan Turing',
        '--custodian',
        'Грейс Хоппер',
        '--custodian-pin',
        'pass:',
        '--custodian-pin',
        `pass:${PIN}`,
        '--custodian-pin',
        'pass:',
        '--share-out',
        'shares',
        '--operator-passin',
        `pass:${OPERATOR}`,
        '--ceremony-record',
        'usb',
        '--witness',
        'Wendy Witness',
        '--witness',
        'Zoë Ølsen',
        ...FAST_KDF,
      ]);
      expect(init.status, init.stderr).toBe(0);
      const fingerprint = /SHA-256: +([0-9A-F:]+)/.exec(init.stdout)![1]!;
      expect((await readdir(at('shares'))).sort()).toEqual([
        'SHA256SUMS',
        'share-1-Ada-Lovelace.pdf',
        'share-1-Ada-Lovelace.txt',
        'share-2-Alan-Turing.pdf',
        'share-2-Alan-Turing.txt',
        'share-3-Грейс-Хоппер.pdf',
        'share-3-Грейс-Хоппер.txt',
      ]);
      expect(await readFile(at('shares', 'share-2-Alan-Turing.txt'), 'utf8')).toContain(
        'BEGIN ROOTKEEPER PIN-PROTECTED SHARE',
      );
      const card = run('pdftotext', [at('shares', 'share-3-Грейс-Хоппер.pdf'), '-']).stdout;
      expect(card).toContain('Грейс Хоппер');
      expect(card).toContain('Share 3 of 3 — any 2 of the 3 shares rebuild the root key');
      expect(card).toContain(fingerprint.split(':').slice(0, 16).join(':'));

      const [json] = await recordsIn('usb', 'init');
      expect(json).toMatch(/^ceremony-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-init\.json$/);
      const verified = verifyRecord('usb', json!, 'sha384');
      expect(verified.stdout.trim(), verified.stderr).toBe('Verified OK');
      // The public key written beside it is the root certificate's.
      const fromCertificate = openssl('x509', '-in', 'usb/root-ca.pem', '-noout', '-pubkey').stdout;
      expect(await readFile(at('usb', 'root-pubkey.pem'), 'utf8')).toBe(fromCertificate.replace(/\n$/, ''));
      const record = JSON.parse(await readFile(at('usb', json!), 'utf8'));
      expect(record).toMatchObject({
        operation: 'init',
        store: { rootSubject: 'CN=Custody Root CA, O=Acme', rootSha256: fingerprint },
        custody: { threshold: 2, total: 3 },
        journal: { before: null },
        witnesses: ['Wendy Witness', 'Zoë Ølsen'],
        custodiansPresent: [
          { index: 1, name: 'Ada Lovelace' },
          { index: 2, name: 'Alan Turing' },
          { index: 3, name: 'Грейс Хоппер' },
        ],
      });
      expect(record.app.codeSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(record.steps.map((step: { step: string }) => step.step).join('\n')).toMatch(
        /root key pair[\s\S]*root signed the root certificate[\s\S]*Share 1 written for custodian Ada Lovelace/,
      );
      const readme = await readFile(at('usb', 'README.txt'), 'utf8');
      expect(readme).toContain(`openssl dgst -sha384 -verify root-pubkey.pem -signature ${json}.sig ${json}`);

      // An edited record is refused.
      const edited = (await readFile(at('usb', json!), 'utf8')).replace('Wendy Witness', 'Wendy Witless');
      await writeFile(at('usb', 'edited.json'), edited);
      const refused = run(
        'openssl',
        ['dgst', '-sha384', '-verify', 'root-pubkey.pem', '-signature', `${json}.sig`, 'edited.json'],
        { cwd: at('usb') },
      );
      expect(refused.status).not.toBe(0);
      expect(refused.stdout).toContain('Verification failure');

      const printed = run('pdftotext', [at('usb', json!.replace(/\.json$/, '.pdf')), '-']).stdout;
      for (const name of ['Wendy Witness', 'Zoë Ølsen', 'Ada Lovelace', 'Грейс Хоппер', 'CN=Custody Root CA, O=Acme'])
        expect(printed).toContain(name);
      expect(printed).toContain(fingerprint.split(':').slice(16).join(':'));
    },
    SLOW,
  );

  it(
    'refuses too few, mistyped, repeated and PIN-less shares, naming them, and changes nothing',
    async () => {
      const before = await snapshot('ca');
      const attempt = (...shares: string[]) =>
        cli([
          'intermediate',
          'create',
          '--store',
          'ca',
          '--subject',
          'CN=Refused CA',
          ...shares.flatMap((share) => ['--root-share', share]),
          '--operator-passin',
          `pass:${OPERATOR}`,
        ]);
      const one = attempt('file:shares/share-1-Ada-Lovelace.txt');
      expect(one.status).toBe(3);
      expect(one.stderr).toMatch(/1 valid share of the 2 needed \(share 1 of Ada Lovelace\): the root stays locked/);

      const text = await readFile(at('shares', 'share-1-Ada-Lovelace.txt'), 'utf8');
      const lines = text.split('\n');
      const wordLine = lines.findIndex((line) => /^ 5 {2}/.test(line));
      const words = lines[wordLine]!.trim().split(/\s+/);
      words[2] = words[2] === 'zoo' ? 'zone' : 'zoo';
      lines[wordLine] = ` 5  ${words.slice(1).join(' ')}`;
      await writeFile(at('mistyped.txt'), lines.join('\n'));
      const mistyped = attempt('file:mistyped.txt', 'file:shares/share-3-Грейс-Хоппер.txt');
      expect(mistyped.status).toBe(2);
      expect(mistyped.stderr).toMatch(/mistyped\.txt is mistyped: its checksum does not match/);

      const twice = attempt('file:shares/share-1-Ada-Lovelace.txt', 'file:shares/share-1-Ada-Lovelace.txt');
      expect(twice.status).toBe(2);
      expect(twice.stderr).toMatch(/Share 1 of custodian Ada Lovelace was given twice/);

      const wrongPin = cli([
        'intermediate',
        'create',
        '--store',
        'ca',
        '--subject',
        'CN=Refused CA',
        '--root-share',
        'file:shares/share-2-Alan-Turing.txt',
        '--share-pin',
        'pass:not-the-pin',
        '--root-share',
        'file:shares/share-1-Ada-Lovelace.txt',
        '--operator-passin',
        `pass:${OPERATOR}`,
      ]);
      expect(wrongPin.status).toBe(3);
      expect(wrongPin.stderr).toMatch(/The PIN for share-2-Alan-Turing\.txt is wrong/);

      const passphrase = cli([
        'intermediate',
        'create',
        '--store',
        'ca',
        '--subject',
        'CN=Refused CA',
        '--root-passin',
        `pass:${ROOT}`,
        '--operator-passin',
        `pass:${OPERATOR}`,
      ]);
      expect(passphrase.status).toBe(2);
      expect(passphrase.stderr).toMatch(/held by custodians, 2 of 3 shares needed/);
      expect(await snapshot('ca')).toEqual(before);
    },
    SLOW,
  );

  it(
    'signs the intermediate with shares 2 (PIN) and 3, recording who was present',
    async () => {
      const result = cli([
        'intermediate',
        'create',
        '--store',
        'ca',
        '--subject',
        'CN=Custody Issuing CA, O=Acme',
        '--root-share',
        'file:shares/share-2-Alan-Turing.txt',
        '--share-pin',
        `pass:${PIN}`,
        '--root-share',
        'file:shares/share-3-Грейс-Хоппер.txt',
        '--operator-passin',
        `pass:${OPERATOR}`,
        '--ceremony-record',
        'usb',
        '--witness',
        'Wendy Witness',
      ]);
      expect(result.status, result.stderr).toBe(0);
      const [json] = await recordsIn('usb', 'intermediate-create');
      expect(verifyRecord('usb', json!, 'sha384').stdout.trim()).toBe('Verified OK');
      const record = JSON.parse(await readFile(at('usb', json!), 'utf8'));
      expect(record.custodiansPresent).toEqual([
        { index: 2, name: 'Alan Turing' },
        { index: 3, name: 'Грейс Хоппер' },
      ]);
      expect(record.signed).toHaveLength(1);
      expect(record.signed[0].what).toMatch(/intermediate CA certificate CN=Custody Issuing CA/);
      expect(record.journal.before.sequence).toBeLessThan(record.journal.after.sequence);
      const log = cli(['audit', 'log', '--store', 'ca', '--operator-passin', `pass:${OPERATOR}`]);
      expect(log.stdout).toMatch(/Root unlocked by shares of Alan Turing \(2\), Грейс Хоппер \(3\)/);
    },
    SLOW,
  );

  it(
    'signs the root CRL with shares given on stdin, one per line, which OpenSSL verifies',
    async () => {
      const words = async (file: string) => {
        const text = await readFile(at('shares', file), 'utf8');
        return text
          .slice(text.indexOf('-----BEGIN ROOTKEEPER SHARE-----') + 32, text.indexOf('-----END'))
          .replace(/\s*\d+\s+/g, ' ')
          .trim();
      };
      const stdin = `${await words('share-1-Ada-Lovelace.txt')}\n${await words('share-3-Грейс-Хоппер.txt')}\n`;
      const crl = cli(
        [
          'crl',
          '--store',
          'ca',
          '--ca',
          'root',
          '--out',
          'root.crl.pem',
          '--root-share',
          'stdin',
          '--root-share',
          'stdin',
          '--operator-passin',
          `pass:${OPERATOR}`,
          '--ceremony-record',
          'usb',
        ],
        stdin,
      );
      expect(crl.status, crl.stderr).toBe(0);
      const checked = openssl('crl', '-in', 'root.crl.pem', '-CAfile', 'usb/root-ca.pem', '-noout');
      expect(checked.stderr).toMatch(/verify OK/);
      const [json] = await recordsIn('usb', 'root-crl');
      expect(verifyRecord('usb', json!, 'sha384').stdout.trim()).toBe('Verified OK');
    },
    SLOW,
  );

  it(
    'rotates, signs a root CRL schedule and revokes the old generation with shares, each with a verified record',
    async () => {
      const quorum = ['file:shares/share-1-Ada-Lovelace.txt', 'file:shares/share-3-Грейс-Хоппер.txt'];
      const shares = (given: readonly string[]) => given.flatMap((share) => ['--root-share', share]);
      const operator = ['--operator-passin', `pass:${OPERATOR}`];
      const generations = () =>
        JSON.parse(cli(['intermediate', 'list', '--store', 'ca', '--json', ...operator]).stdout) as {
          serial: string;
          status: string;
        }[];
      const [old] = generations();

      const rotate = cli([
        'intermediate',
        'create',
        '--store',
        'ca',
        '--subject',
        'CN=Custody Issuing CA 2, O=Acme',
        '--rotate',
        ...shares(quorum),
        ...operator,
        '--ceremony-record',
        'usb',
      ]);
      expect(rotate.status, rotate.stderr).toBe(0);
      expect(generations().map((generation) => generation.status)).toEqual(['retired', 'active']);
      const [rotated] = await recordsIn('usb', 'intermediate-rotate');
      expect(verifyRecord('usb', rotated!, 'sha384').stdout.trim()).toBe('Verified OK');
      const rotation = JSON.parse(await readFile(at('usb', rotated!), 'utf8'));
      expect(rotation.signed[0].what).toContain(`retiring ${old!.serial}`);

      const schedule = cli([
        'crl',
        '--store',
        'ca',
        '--ca',
        'root',
        '--schedule',
        '2x30',
        '--out',
        'schedule',
        ...shares(quorum),
        ...operator,
        '--ceremony-record',
        'usb',
      ]);
      expect(schedule.status, schedule.stderr).toBe(0);
      const scheduled = (await readdir(at('schedule'))).filter((name) => name.endsWith('.crl'));
      expect(scheduled).toHaveLength(2);
      const first = openssl('crl', '-inform', 'DER', '-in', `schedule/${scheduled[0]}`, '-CAfile', 'usb/root-ca.pem');
      expect(first.stderr).toMatch(/verify OK/);
      const [planned] = await recordsIn('usb', 'root-crl-schedule');
      expect(verifyRecord('usb', planned!, 'sha384').stdout.trim()).toBe('Verified OK');
      expect(JSON.parse(await readFile(at('usb', planned!), 'utf8')).signed).toHaveLength(2);

      // One share is not a quorum: the revocation is refused and the store is unchanged.
      const before = await snapshot('ca');
      const refused = cli(['revoke', old!.serial, '--store', 'ca', ...shares(quorum.slice(0, 1)), ...operator]);
      expect(refused.status).toBe(3);
      expect(refused.stderr).toMatch(/1 valid share of the 2 needed/);
      expect(await snapshot('ca')).toEqual(before);

      const revoke = cli([
        'revoke',
        old!.serial,
        '--store',
        'ca',
        '--reason',
        'superseded',
        ...shares(quorum),
        ...operator,
        '--crl-out',
        'revoked-root.crl.pem',
        '--ceremony-record',
        'usb',
        '--witness',
        'Wendy Witness',
      ]);
      expect(revoke.status, revoke.stderr).toBe(0);
      const listed = openssl('crl', '-in', 'revoked-root.crl.pem', '-CAfile', 'usb/root-ca.pem', '-noout', '-text');
      expect(listed.stderr).toMatch(/verify OK/);
      expect(listed.stdout.toUpperCase().replace(/:/g, '')).toContain(old!.serial.toUpperCase());
      const [revoked] = await recordsIn('usb', 'intermediate-revoke');
      expect(verifyRecord('usb', revoked!, 'sha384').stdout.trim()).toBe('Verified OK');
      const record = JSON.parse(await readFile(at('usb', revoked!), 'utf8'));
      expect(record.custodiansPresent).toEqual([
        { index: 1, name: 'Ada Lovelace' },
        { index: 3, name: 'Грейс Хоппер' },
      ]);
      expect(record.witnesses).toEqual(['Wendy Witness']);
    },
    SLOW,
  );

  it(
    'reshares: new shares open the root, every old share is refused as replaced',
    async () => {
      const status = cli(['custody', 'status', '--store', 'ca', '--json']);
      const oldSet = JSON.parse(status.stdout).setId;
      const verify = cli([
        'custody',
        'verify-share',
        '--store',
        'ca',
        '--share',
        'file:shares/share-1-Ada-Lovelace.txt',
      ]);
      expect(verify.status, verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/Share 1 of 3 belongs to this store's current set .*custodian Ada Lovelace/);

      const reshare = cli([
        'custody',
        'reshare',
        '--store',
        'ca',
        '--root-custody',
        '2-of-3',
        '--custodian',
        'Ada Lovelace',
        '--custodian',
        'Alan Turing',
        '--custodian',
        'Katherine Johnson',
        '--share-out',
        'shares-2',
        '--root-share',
        'file:shares/share-1-Ada-Lovelace.txt',
        '--root-share',
        'file:shares/share-3-Грейс-Хоппер.txt',
        '--operator-passin',
        `pass:${OPERATOR}`,
        '--ceremony-record',
        'usb',
      ]);
      expect(reshare.status, reshare.stderr).toBe(0);
      const [json] = await recordsIn('usb', 'custody-reshare');
      expect(verifyRecord('usb', json!, 'sha384').stdout.trim()).toBe('Verified OK');
      const after = JSON.parse(cli(['custody', 'status', '--store', 'ca', '--json']).stdout);
      expect(after.setId).not.toBe(oldSet);
      expect(after.custodians.map((custodian: { name: string }) => custodian.name)).toEqual([
        'Ada Lovelace',
        'Alan Turing',
        'Katherine Johnson',
      ]);

      const before = await snapshot('ca');
      const old = cli([
        'crl',
        '--store',
        'ca',
        '--ca',
        'root',
        '--out',
        'old.crl',
        '--root-share',
        'file:shares/share-1-Ada-Lovelace.txt',
        '--root-share',
        'file:shares/share-3-Грейс-Хоппер.txt',
        '--operator-passin',
        `pass:${OPERATOR}`,
      ]);
      expect(old.status).toBe(2);
      expect(old.stderr).toMatch(
        new RegExp(`Share 1 \\(share-1-Ada-Lovelace.txt\\) is of share set ${oldSet}.*resharing replaced`),
      );
      const stale = cli([
        'custody',
        'verify-share',
        '--store',
        'ca',
        '--share',
        'file:shares/share-1-Ada-Lovelace.txt',
      ]);
      expect(stale.status).toBe(2);
      expect(await snapshot('ca')).toEqual(before);

      const fresh = cli([
        'crl',
        '--store',
        'ca',
        '--ca',
        'root',
        '--out',
        'new.crl',
        '--root-share',
        'file:shares-2/share-1-Ada-Lovelace.txt',
        '--root-share',
        'file:shares-2/share-3-Katherine-Johnson.txt',
        '--operator-passin',
        `pass:${OPERATOR}`,
      ]);
      expect(fresh.status, fresh.stderr).toBe(0);
    },
    SLOW,
  );
});

describe('a passphrase root split 3-of-5 (P-256)', () => {
  it(
    'stops taking the passphrase, takes any 3 shares, refuses 2 and a share of another store',
    async () => {
      const init = cli([
        'init',
        '--store',
        'ca5',
        '--root-subject',
        'CN=Five Root CA',
        '--root-key',
        'ec-p256',
        '--root-passin',
        `pass:${ROOT}`,
        '--operator-passin',
        `pass:${OPERATOR}`,
        ...FAST_KDF,
      ]);
      expect(init.status, init.stderr).toBe(0);
      const names = ['One', 'Two', 'Three', 'Four', 'Five'];
      const split = cli([
        'custody',
        'split',
        '--store',
        'ca5',
        '--root-custody',
        '3-of-5',
        ...names.flatMap((name) => ['--custodian', name]),
        '--share-out',
        'shares5',
        '--root-passin',
        `pass:${ROOT}`,
        '--operator-passin',
        `pass:${OPERATOR}`,
        '--ceremony-record',
        'usb5',
        '--witness',
        'Wendy Witness',
      ]);
      expect(split.status, split.stderr).toBe(0);
      const [json] = await recordsIn('usb5', 'custody-split');
      expect(verifyRecord('usb5', json!, 'sha256').stdout.trim()).toBe('Verified OK');

      const crl = (out: string, ...shares: string[]) =>
        cli([
          'crl',
          '--store',
          'ca5',
          '--ca',
          'root',
          '--out',
          out,
          ...shares.flatMap((share) => ['--root-share', share]),
          '--operator-passin',
          `pass:${OPERATOR}`,
        ]);
      const share = (index: number) => `file:shares5/share-${index}-${names[index - 1]}.txt`;
      const before = await snapshot('ca5');
      const passphrase = cli([
        'crl',
        '--store',
        'ca5',
        '--ca',
        'root',
        '--out',
        'p.crl',
        '--root-passin',
        `pass:${ROOT}`,
        '--operator-passin',
        `pass:${OPERATOR}`,
      ]);
      expect(passphrase.status).toBe(2);
      expect(passphrase.stderr).toMatch(/held by custodians, 3 of 5 shares needed/);
      const two = crl('two.crl', share(2), share(5));
      expect(two.status).toBe(3);
      expect(two.stderr).toMatch(/2 valid shares of the 3 needed \(share 2 of Two, share 5 of Five\)/);
      const foreign = crl('f.crl', share(1), share(2), 'file:shares-2/share-2-Alan-Turing.txt');
      expect(foreign.status).toBe(2);
      expect(foreign.stderr).toMatch(/belongs to another store/);
      expect(await snapshot('ca5')).toEqual(before);

      const three = crl('three.crl.pem', share(5), share(1), share(4));
      expect(three.status, three.stderr).toBe(0);
      const pem = openssl('x509', '-in', 'usb5/root-ca.pem', '-noout', '-subject');
      expect(pem.stdout).toMatch(/Five Root CA/);
      expect(openssl('crl', '-in', 'three.crl.pem', '-CAfile', 'usb5/root-ca.pem', '-noout').stderr).toMatch(
        /verify OK/,
      );
    },
    SLOW,
  );
});

describe('what the ceremonies wrote', () => {
  it('carries no private key, no passphrase and no PIN, and the records carry no share', async () => {
    const folders = ['shares', 'shares-2', 'shares5', 'usb', 'usb5'];
    const shareWords = new Set<string>();
    for (const folder of ['shares', 'shares-2', 'shares5']) {
      for (const name of await readdir(at(folder))) {
        if (!name.endsWith('.txt')) continue;
        const text = await readFile(at(folder, name), 'utf8');
        const block = /-----BEGIN ROOTKEEPER SHARE-----([\s\S]*)-----END/.exec(text)?.[1];
        if (block) shareWords.add(block.replace(/\s*\d+\s+/g, ' ').trim());
      }
    }
    expect(shareWords.size).toBeGreaterThanOrEqual(10);
    for (const folder of folders) {
      for (const name of await readdir(at(folder))) {
        const bytes = await readFile(at(folder, name));
        const text = bytes.toString('latin1');
        const utf8 = bytes.toString('utf8');
        for (const secret of [OPERATOR, ROOT, PIN]) expect(utf8.includes(secret), `${folder}/${name}`).toBe(false);
        expect(text).not.toMatch(/PRIVATE KEY/);
        expect(text.includes(Buffer.from(OPERATOR).toString('base64'))).toBe(false);
        if (folder.startsWith('usb')) for (const words of shareWords) expect(utf8.includes(words)).toBe(false);
      }
    }
  });
});
