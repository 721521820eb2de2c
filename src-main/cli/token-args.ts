/**
 * The flags of a CA key on a PKCS#11 token, one reading for the root and the
 * intermediate, which differ only in their flag names (a prefix) and in the
 * root's SO PIN: --root-token SERIAL (--intermediate-token), its
 * --root-pkcs11-module PATH, --root-key-id HEX or --use-existing-key HEX,
 * --root-pin-passin SRC and (root only) --token-so-pin-passin SRC. Checked
 * in that order, each before anything is asked or generated.
 */
import path from 'node:path';
import type { KeyAlgorithm } from '../../shared/domain/pki';
import { listTokens } from '../custody/token/pkcs11-token';
import { rejected } from '../../shared/errors';
import type { CommandContext, Values } from './command';
import { UsageError } from './io';
import { optional } from './values';

/** One CA's token flags by name, and what its PIN is called when asked. */
export interface TokenFlagNames {
  readonly token: string;
  readonly module: string;
  readonly keyId: string;
  readonly pin: string;
  /** The security officer's PIN, for tokens that generate only as SO (the root's, ykcs11). */
  readonly soPin?: string;
  readonly pinPrompt: string;
}

/** The same name for the root and the intermediate: the key already on the token. */
const EXISTING_KEY = 'use-existing-key';

export const ROOT_FLAGS: TokenFlagNames = {
  token: 'root-token',
  module: 'root-pkcs11-module',
  keyId: 'root-key-id',
  pin: 'root-pin-passin',
  soPin: 'token-so-pin-passin',
  pinPrompt: 'Token PIN',
};

/** The parse options of a CA's token flags. */
export function tokenFlagOptions(flags: TokenFlagNames): Record<string, { type: 'string' }> {
  const names = [
    flags.token,
    flags.module,
    flags.keyId,
    EXISTING_KEY,
    flags.pin,
    ...(flags.soPin ? [flags.soPin] : []),
  ];
  return Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]));
}

export const ROOT_TOKEN = tokenFlagOptions(ROOT_FLAGS);

export const ROOT_TOKEN_HELP = [
  '--root-token SERIAL      or instead: the root key on the PKCS#11 token with this serial number',
  "--root-pkcs11-module PATH  the token's module (opensc-pkcs11.so, libykcs11.so, libsofthsm2.so, …)",
  "--root-key-id HEX        the new key's CKA_ID (random when not given)",
  '--use-existing-key HEX   use the key already on the token with this CKA_ID instead of generating one',
  "--root-pin-passin SRC    the token's user PIN (asked when not given)",
  '--token-so-pin-passin SRC  the security officer PIN, for tokens that generate keys only as SO (ykcs11)',
];

const TOKEN_KEYS: readonly KeyAlgorithm[] = ['ec-p384', 'ec-p256', 'rsa-3072', 'rsa-4096'];

export interface TokenArgs {
  readonly serial: string;
  readonly module: string;
  readonly keyId?: string;
  readonly existing: boolean;
}

/** A key id flag's value, lower-case, or undefined when not given; the form is checked before anything else runs. */
export function keyIdOf(values: Values, name: string): string | undefined {
  const keyId = optional(values, name);
  if (keyId !== undefined && !/^(?:[0-9A-Fa-f]{2}){1,64}$/.test(keyId))
    throw new UsageError(`a key id is 1 to 64 bytes in hex, not "${keyId}"`);
  return keyId?.toLowerCase();
}

/** A CA's token flags, or undefined when its key is not to be on a token. */
export function tokenArgsOf(values: Values, cwd: string, flags: TokenFlagNames): TokenArgs | undefined {
  const serial = optional(values, flags.token);
  if (serial === undefined) {
    const others = [flags.module, flags.keyId, EXISTING_KEY, flags.pin, ...(flags.soPin ? [flags.soPin] : [])];
    const stray = others.find((name) => optional(values, name) !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --${flags.token} SERIAL`);
    return undefined;
  }
  const modulePath = optional(values, flags.module);
  if (modulePath === undefined) throw new UsageError(`--${flags.token} needs --${flags.module} PATH`);
  if (optional(values, flags.keyId) !== undefined && optional(values, EXISTING_KEY) !== undefined)
    throw new UsageError(`give --${flags.keyId} (a new key) or --${EXISTING_KEY} (a key on the token), not both`);
  const existingId = keyIdOf(values, EXISTING_KEY);
  const keyId = keyIdOf(values, flags.keyId) ?? existingId;
  return {
    serial,
    module: path.resolve(cwd, modulePath),
    ...(keyId !== undefined ? { keyId } : {}),
    existing: existingId !== undefined,
  };
}

/** The root's token flags (init), or undefined when the root is not to be on a token. */
export function rootTokenOf(values: Values, cwd: string, rootKey: KeyAlgorithm | undefined): TokenArgs | undefined {
  const token = tokenArgsOf(values, cwd, ROOT_FLAGS);
  if (token?.existing && rootKey !== undefined)
    throw new UsageError('--root-key is for a key generated on the token, not with --use-existing-key');
  if (token && rootKey !== undefined && !TOKEN_KEYS.includes(rootKey))
    throw new UsageError(`a root on a token uses ${TOKEN_KEYS.join(', ')}; not ${rootKey}`);
  return token;
}

/** The module loads and a token with the serial is present; read-only, before any PIN is asked. */
export function checkTokenPresent(module: string, serial: string): void {
  const tokens = listTokens(module);
  if (tokens.some((token) => token.serial === serial.trim())) return;
  const present = tokens.map((token) => `${token.serial} ("${token.label}")`).join(', ');
  throw rejected(
    'not-found',
    `No token with serial ${serial} is present.${present ? ` Tokens present: ${present}.` : ' No token is present.'}`,
  );
}

/** The request's token plan, with the PIN (and the SO PIN, where the flags have one) read. */
export async function readTokenPins(context: CommandContext, token: TokenArgs, flags: TokenFlagNames = ROOT_FLAGS) {
  const { values, passphrases } = context;
  const pin = await passphrases.read(optional(values, flags.pin), flags.pinPrompt);
  const soSource = flags.soPin === undefined ? undefined : optional(values, flags.soPin);
  const soPin = soSource === undefined ? undefined : await passphrases.read(soSource, 'Token SO PIN');
  return {
    module: token.module,
    serial: token.serial,
    pin,
    ...(soPin !== undefined ? { soPin } : {}),
    ...(token.keyId !== undefined ? { keyId: token.keyId } : {}),
    ...(token.existing ? { useExistingKey: true } : {}),
  };
}
