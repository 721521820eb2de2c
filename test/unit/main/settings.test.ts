import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings, writeSettings } from '../../../src-main/settings';
import { makeTempDir } from '../../support/temp-dir';

describe('the settings file', () => {
  it('round-trips the chosen store folder, and falls back to the default when missing or malformed', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const file = path.join(dir, 'rootkeeper-settings.json');
      const errors: string[] = [];
      const log = { error: (message: string) => errors.push(message) };
      expect(await readSettings(file, log)).toEqual({});
      expect(errors).toEqual([]);
      await writeSettings(file, { storeDir: '/media/usb/ca' });
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ storeDir: '/media/usb/ca' });
      expect(await readSettings(file, log)).toEqual({ storeDir: '/media/usb/ca' });
      for (const bad of ['{not json', '{"storeDir": 42}', '{"storeDir": "relative/path"}']) {
        await writeFile(file, bad);
        expect(await readSettings(file, log), bad).toEqual({});
      }
      expect(errors).toHaveLength(3);
      expect(errors.join()).not.toMatch(/relative|42/);
    } finally {
      await cleanup();
    }
  });

  it('never writes or reads through a link put in its place', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const file = path.join(dir, 'rootkeeper-settings.json');
      const victim = path.join(dir, 'victim.json');
      await writeFile(victim, '{"storeDir": "/elsewhere"}');
      await symlink(victim, file);
      await expect(writeSettings(file, { storeDir: '/media/usb/ca' })).rejects.toMatchObject({
        code: 'REJECTED_INPUT',
        message: `${file} is a symbolic link; Rootkeeper does not write through links.`,
      });
      expect(await readFile(victim, 'utf8')).toBe('{"storeDir": "/elsewhere"}');
      const errors: string[] = [];
      expect(await readSettings(file, { error: (message) => errors.push(message) })).toEqual({});
      expect(errors).toHaveLength(1);
    } finally {
      await cleanup();
    }
  });
});
