import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const root = new URL('../../../', import.meta.url);

interface BuilderConfig {
  [key: string]: unknown;
  files: string[];
  afterPack: string;
  linux: { target: string[] };
  appImage: { executableArgs: string[] };
  toolsets: { appimage: string };
  win: { target: string[] };
  mac: { target: string[] };
}

async function loadConfig(): Promise<BuilderConfig> {
  return parse(await readFile(new URL('electron-builder.yml', root), 'utf8')) as BuilderConfig;
}

/** electron-builder's own validator, as `electron-builder` runs it before packaging. */
async function validate(config: unknown): Promise<void> {
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = require('builder-util');
  await validateConfiguration(config, new DebugLogger(false));
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema", async () => {
    await expect(validate(await loadConfig())).resolves.toBeUndefined();
  });

  it('is checked for real: the validator refuses a misspelt option', async () => {
    await expect(validate({ ...(await loadConfig()), npmRebuilt: false })).rejects.toThrow(/npmRebuilt/);
  });

  it('ships only the built output, in an asar, without rebuilding native modules', async () => {
    const config = await loadConfig();
    expect(config.files).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.publish).toBeNull();
  });

  it('builds deb and AppImage, nsis and dmg', async () => {
    const config = await loadConfig();
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('never launches the AppImage with --no-sandbox', async () => {
    const config = await loadConfig();
    expect(config.appImage.executableArgs).toEqual([]);
    expect(config.toolsets.appimage).toBe('1.0.3');
  });
});

describe('the afterPack hook', () => {
  const { fuseConfig, WASM_TRAP_HANDLERS } = require('../../../build/fuses.cjs');
  const { FuseV1Options, FuseVersion } = require('@electron/fuses');

  it('is the one electron-builder.yml names', async () => {
    expect((await loadConfig()).afterPack).toBe('build/after-pack.cjs');
  });

  it('flips every fuse to the hardened setting and demands a decision on every fuse', async () => {
    const afterPack = require('../../../build/after-pack.cjs');
    const addElectronFuses = vi.fn(async () => 1);
    const context = { electronPlatformName: 'linux', packager: { addElectronFuses } };
    await afterPack(context);
    expect(addElectronFuses).toHaveBeenCalledWith(context, fuseConfig(false));
    const fuses = fuseConfig(false);
    expect(fuses.version).toBe(FuseVersion.V1);
    expect(fuses.strictlyRequireAllFuses).toBe(true);
    expect(fuses[FuseV1Options.RunAsNode]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    // Every index of the fuse wire up to the newest known fuse is decided.
    for (let index = 0; index <= WASM_TRAP_HANDLERS; index++)
      expect(typeof fuses[index], `fuse ${index}`).toBe('boolean');
  });

  it('resets the ad-hoc signature only for macOS builds', () => {
    expect(fuseConfig(true).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig(false).resetAdHocDarwinSignature).toBe(false);
  });
});
