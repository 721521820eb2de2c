/**
 * Input read with its type and size checked first and a hard cap on the
 * read: a device, a FIFO or a folder is refused before a byte is read (a
 * FIFO's open would block), a link where a store file should be is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBounded, readBoundedOrNull } from '../../../src-main/store/bounded-read';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('rootkeeper-bounded-')));
afterEach(() => cleanup());

describe('readBounded', () => {
  it('reads a regular file within the cap', async () => {
    await writeFile(path.join(dir, 'a'), 'hello');
    expect((await readBounded(path.join(dir, 'a'), { maxBytes: 5 })).toString()).toBe('hello');
    expect(await readBoundedOrNull(path.join(dir, 'missing'), { maxBytes: 5 })).toBeNull();
  });

  it('refuses a file over the cap by its size', async () => {
    await writeFile(path.join(dir, 'a'), 'hello!');
    await expect(readBounded(path.join(dir, 'a'), { maxBytes: 5, shown: 'a' })).rejects.toMatchObject({
      reason: 'too-large',
      message: 'a: this file is 6 bytes; at most 5 are accepted here.',
    });
  });

  it('refuses /dev/zero, a FIFO and a folder by their type, without blocking', async () => {
    await expect(readBounded('/dev/zero', { maxBytes: 1024 })).rejects.toMatchObject({
      reason: 'wrong-kind',
      message: '/dev/zero: this is a device, not a file.',
    });
    const fifo = path.join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const noFollow of [false, true]) {
      await expect(readBounded(fifo, { maxBytes: 1024, shown: 'fifo', noFollow })).rejects.toMatchObject({
        message: 'fifo: this is a pipe (FIFO), not a file.',
      });
    }
    await mkdir(path.join(dir, 'folder'));
    await expect(readBounded(path.join(dir, 'folder'), { maxBytes: 1024, shown: 'folder' })).rejects.toThrow(
      'folder: this is a folder, not a file.',
    );
  });

  it('reads a stream only where streams are allowed, and never past the cap', async () => {
    await expect(readBounded('/dev/zero', { maxBytes: 4096, streams: true, shown: 'zero' })).rejects.toMatchObject({
      reason: 'too-large',
      message: 'zero: this file is more than 4096 bytes; at most 4096 are accepted here.',
    });
  });

  it('refuses a link where a store file should be, naming it', async () => {
    await writeFile(path.join(dir, 'target'), 'x');
    await symlink(path.join(dir, 'target'), path.join(dir, 'link'));
    await expect(readBounded(path.join(dir, 'link'), { maxBytes: 10, noFollow: true })).rejects.toMatchObject({
      code: 'REJECTED_INPUT',
      message: `${path.join(dir, 'link')} is a symbolic link; Rootkeeper does not write through links.`,
    });
    expect((await readBounded(path.join(dir, 'link'), { maxBytes: 10 })).toString()).toBe('x');
  });
});
