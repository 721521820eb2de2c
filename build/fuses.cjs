// The Electron fuses Rootkeeper ships with. Every fuse is set explicitly and
// strictlyRequireAllFuses fails the build when an Electron upgrade adds one
// nobody has decided on yet.
const { FuseV1Options, FuseVersion } = require('@electron/fuses');

/** WasmTrapHandlers (Electron 42+) is newer than @electron/fuses 1.x's names, so it goes by index. */
const WASM_TRAP_HANDLERS = 8;

/** @param {boolean} isMac */
function fuseConfig(isMac) {
  return {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping fuses invalidates the ad-hoc signature of an unsigned arm64 macOS build.
    resetAdHocDarwinSignature: isMac,
    // ELECTRON_RUN_AS_NODE would turn the app into a general-purpose Node.
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    // NODE_OPTIONS could preload code into the process that holds the keys.
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    // --inspect would let anyone with a shell read keys out of memory.
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // Effective on macOS and Windows; Linux has no asar integrity check.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    // The renderer is served from app://, so file:// needs none of its legacy powers.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    [WASM_TRAP_HANDLERS]: true,
  };
}

module.exports = { fuseConfig, WASM_TRAP_HANDLERS };
