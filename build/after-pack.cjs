// electron-builder afterPack hook: flips the fuses after the app is packed and
// before it is signed, so the signature covers them.
const { fuseConfig } = require('./fuses.cjs');

/** @param {import('app-builder-lib').AfterPackContext} context */
module.exports = async function afterPack(context) {
  await context.packager.addElectronFuses(context, fuseConfig(context.electronPlatformName === 'darwin'));
};
