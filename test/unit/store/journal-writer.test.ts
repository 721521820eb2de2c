/**
 * The journal writer appends with O_APPEND, never through a link, and only
 * to the file it opened at the length it left: another writer's records or
 * a swapped file stop it (exit 4) instead of being overwritten.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../shared/domain/journal';
import { JournalWriter, scanJournal, type JournalKeys } from '../../../src-main/store/journal';
import { JOURNAL_FILE } from '../../../src-main/store/layout';
import { failure } from '../../support/errors';
import { makeTempDir } from '../../support/temp-dir';

const STORE_ID = '0f8a3c1e-5b7d-4e2a-9c61-2d4b8e7f1a30';
const at = '2026-11-27T12:00:00.000Z';
const keys: JournalKeys = { record: randomBytes(32), head: randomBytes(32) };
const revoked = (serial: string): JournalEvent => ({
  type: 'certificate-revoked',
  at,
  ca: 'intermediate',
  serial,
  reason: 'superseded',
});

let temp: { dir: string; cleanup: () => Promise<void> };
let dir: string;
beforeEach(async () => {
  temp = await makeTempDir('rootkeeper-journal-writer-');
  dir = path.join(temp.dir, 'store');
  await mkdir(dir);
});
afterEach(() => temp.cleanup());

async function serials(): Promise<string[]> {
  const found: string[] = [];
  await scanJournal(dir, STORE_ID, keys, (entry) => {
    if (entry.event.type === 'certificate-revoked') found.push(entry.event.serial);
  });
  return found;
}

async function resumed(): Promise<JournalWriter> {
  return JournalWriter.resume(dir, STORE_ID, keys, await scanJournal(dir, STORE_ID, keys), 1);
}

describe('the journal writer', () => {
  it('refuses to append over a second writer’s record, which survives', async () => {
    await JournalWriter.create(dir, STORE_ID, keys, [revoked('01')], 1);
    const first = await resumed();
    const second = await resumed();
    await second.append([revoked('02')]);
    const error = await failure(first.append([revoked('03')]));
    expect(error).toMatchObject({ code: 'STORE_DAMAGED' });
    expect(error.message).toMatch(/journal\.rkj: it is \d+ bytes where this process left \d+: another process wrote/);
    expect(await serials()).toEqual(['01', '02']);
  });

  it('refuses a journal swapped for another file while open', async () => {
    const writer = await JournalWriter.create(dir, STORE_ID, keys, [revoked('01')], 1);
    const file = path.join(dir, JOURNAL_FILE);
    await copyFile(file, `${file}.copy`);
    await rename(`${file}.copy`, file);
    const before = await readFile(file);
    expect(await failure(writer.append([revoked('02')]))).toMatchObject({
      code: 'STORE_DAMAGED',
      message: expect.stringMatching(/replaced by another file/),
    });
    expect(await readFile(file)).toEqual(before);
  });

  it('never appends through a link put in the journal’s place, naming it', async () => {
    const writer = await JournalWriter.create(dir, STORE_ID, keys, [revoked('01')], 1);
    const file = path.join(dir, JOURNAL_FILE);
    const victim = path.join(temp.dir, 'victim');
    await writeFile(victim, await readFile(file));
    await rm(file);
    await symlink(victim, file);
    const before = await readFile(victim);
    expect(await failure(writer.append([revoked('02')]))).toMatchObject({
      code: 'REJECTED_INPUT',
      message: `${file} is a symbolic link; Rootkeeper does not write through links.`,
    });
    expect(await failure(scanJournal(dir, STORE_ID, keys))).toMatchObject({ code: 'REJECTED_INPUT' });
    expect(await readFile(victim)).toEqual(before);
  });

  it('appends at the end of the file with O_APPEND, after checking it', async () => {
    const writer = await JournalWriter.create(dir, STORE_ID, keys, [revoked('01')], 1);
    await writer.append([revoked('02'), revoked('03')]);
    await writer.append([revoked('04')]);
    expect(await serials()).toEqual(['01', '02', '03', '04']);
  });
});
