import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { safeName, sha256, writeExportFolder } from '../../../src-main/exports/folder';
import { makeTempDir } from '../../support/temp-dir';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: root, cleanup } = await makeTempDir('rootkeeper-folder-')));
afterEach(() => cleanup());

describe('writeExportFolder', () => {
  it('writes every file, a SHA256SUMS over them, and reports each as read back', async () => {
    const folder = path.join(root, 'out');
    const written = await writeExportFolder(folder, [
      { name: 'a.pem', data: 'A' },
      { name: 'sub/b.bin', data: new Uint8Array([1, 2, 3]), mode: 0o600 },
    ]);
    expect(written.files.map((file) => file.name)).toEqual(['a.pem', 'sub/b.bin', 'SHA256SUMS']);
    expect(await readFile(path.join(folder, 'SHA256SUMS'), 'utf8')).toBe(
      `${sha256('A')}  a.pem\n${sha256(new Uint8Array([1, 2, 3]))}  sub/b.bin\n`,
    );
  });

  it('never overwrites without force, and writes nothing when one file exists', async () => {
    const folder = path.join(root, 'out');
    await mkdir(folder);
    await writeFile(path.join(folder, 'b.pem'), 'precious');
    await expect(
      writeExportFolder(folder, [
        { name: 'a.pem', data: 'A' },
        { name: 'b.pem', data: 'B' },
      ]),
    ).rejects.toMatchObject({ reason: 'exists' });
    await expect(readFile(path.join(folder, 'a.pem'))).rejects.toMatchObject({ code: 'ENOENT' });
    await writeExportFolder(folder, [{ name: 'b.pem', data: 'B' }], { force: true });
    expect(await readFile(path.join(folder, 'b.pem'), 'utf8')).toBe('B');
  });

  it('refuses a symbolic link where a file or the folder would go, even with force', async () => {
    const folder = path.join(root, 'out');
    await mkdir(folder);
    await writeFile(path.join(root, 'target'), 'outside');
    await symlink(path.join(root, 'target'), path.join(folder, 'a.pem'));
    await expect(writeExportFolder(folder, [{ name: 'a.pem', data: 'A' }], { force: true })).rejects.toThrow(
      /symbolic link/,
    );
    expect(await readFile(path.join(root, 'target'), 'utf8')).toBe('outside');
    await symlink(folder, path.join(root, 'linked'));
    await expect(writeExportFolder(path.join(root, 'linked'), [{ name: 'c.pem', data: 'C' }])).rejects.toThrow(
      /symbolic link/,
    );
  });

  it('refuses a link planted at a subfolder (kit/linux → elsewhere), naming it, and writes nothing anywhere', async () => {
    const folder = path.join(root, 'kit');
    const victim = path.join(root, 'victim');
    await mkdir(folder);
    await mkdir(victim);
    await symlink(victim, path.join(folder, 'linux'));
    const files = [
      { name: 'README.txt', data: 'R' },
      { name: 'linux/install-root.sh', data: '#!/bin/sh\n' },
    ];
    for (const force of [false, true]) {
      await expect(writeExportFolder(folder, files, { force })).rejects.toMatchObject({
        code: 'REJECTED_INPUT',
        message: `${path.join(folder, 'linux')} is a symbolic link; Rootkeeper does not write through links.`,
      });
    }
    expect(await readdir(victim)).toEqual([]);
    expect(await readdir(folder)).toEqual(['linux']);
  });

  it('refuses a link two levels down, and a file where a folder should be', async () => {
    const folder = path.join(root, 'kit');
    await mkdir(path.join(folder, 'a'), { recursive: true });
    await symlink(root, path.join(folder, 'a', 'b'));
    await expect(writeExportFolder(folder, [{ name: 'a/b/c.pem', data: 'C' }])).rejects.toThrow(
      `${path.join(folder, 'a', 'b')} is a symbolic link`,
    );
    await writeFile(path.join(folder, 'plain'), 'x');
    await expect(writeExportFolder(folder, [{ name: 'plain/c.pem', data: 'C' }])).rejects.toThrow(
      `${path.join(folder, 'plain')}: this is a file, not a folder.`,
    );
  });

  it('creates missing parents and subfolders one level at a time', async () => {
    const folder = path.join(root, 'usb', 'new', 'kit');
    const written = await writeExportFolder(folder, [{ name: 'x/y/z.pem', data: 'Z' }]);
    expect(written.files.map((file) => file.name)).toEqual(['x/y/z.pem', 'SHA256SUMS']);
    expect(await readFile(path.join(folder, 'x', 'y', 'z.pem'), 'utf8')).toBe('Z');
  });

  it('refuses file names that would leave the folder', async () => {
    for (const name of ['../x', '/etc/x', 'a/../../x', 'a\\b', '', 'a//b', 'x\u0000']) {
      await expect(writeExportFolder(path.join(root, 'out'), [{ name, data: 'x' }]), name).rejects.toThrow(
        /could leave its folder/,
      );
    }
  });
});

describe('safeName', () => {
  it.each([
    ['www.example.com', 'www.example.com'],
    ['*.example.com', 'wildcard.example.com'],
    ['../../etc/x', 'etc_x'],
    ['..', 'certificate'],
    ['.hidden', 'hidden'],
    ['Web Server\u0007', 'web_server_'],
    ['', 'certificate'],
  ])('%j → %j', (name, safe) => {
    expect(safeName(name)).toBe(safe);
  });
});
