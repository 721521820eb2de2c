/**
 * Where the usual PKCS#11 modules live, so the officer can pick one instead
 * of typing a path: OpenSC (Nitrokey HSM, SmartCard-HSM, PIV cards), Yubico's
 * ykcs11 (YubiKey PIV), and SoftHSM2 for practice. Only those that exist on
 * this machine are offered; any other module can still be chosen by path.
 */
import { statSync } from 'node:fs';

export interface KnownModule {
  readonly name: string;
  readonly path: string;
}

const CANDIDATES: Readonly<Record<string, readonly KnownModule[]>> = {
  linux: [
    { name: 'OpenSC', path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so' },
    { name: 'OpenSC', path: '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so' },
    { name: 'OpenSC', path: '/usr/lib64/opensc-pkcs11.so' },
    { name: 'YubiKey (ykcs11)', path: '/usr/lib/x86_64-linux-gnu/libykcs11.so' },
    { name: 'YubiKey (ykcs11)', path: '/usr/lib/aarch64-linux-gnu/libykcs11.so' },
    { name: 'YubiKey (ykcs11)', path: '/usr/lib64/libykcs11.so' },
    { name: 'SoftHSM2', path: '/usr/lib/softhsm/libsofthsm2.so' },
    { name: 'SoftHSM2', path: '/usr/lib64/softhsm/libsofthsm2.so' },
  ],
  darwin: [
    { name: 'OpenSC', path: '/Library/OpenSC/lib/opensc-pkcs11.so' },
    { name: 'YubiKey (ykcs11)', path: '/usr/local/lib/libykcs11.dylib' },
    { name: 'YubiKey (ykcs11)', path: '/opt/homebrew/lib/libykcs11.dylib' },
    { name: 'SoftHSM2', path: '/opt/homebrew/lib/softhsm/libsofthsm2.so' },
    { name: 'SoftHSM2', path: '/usr/local/lib/softhsm/libsofthsm2.so' },
  ],
  win32: [
    { name: 'OpenSC', path: 'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll' },
    { name: 'YubiKey (ykcs11)', path: 'C:\\Program Files\\Yubico\\Yubico PIV Tool\\bin\\libykcs11.dll' },
    { name: 'SoftHSM2', path: 'C:\\SoftHSM2\\lib\\softhsm2-x64.dll' },
  ],
};

/** The known modules present here, in the order above; the same module is listed once. */
export function knownModules(platform: NodeJS.Platform = process.platform): KnownModule[] {
  return (CANDIDATES[platform] ?? []).filter((module) => statSync(module.path, { throwIfNoEntry: false })?.isFile());
}
