/**
 * The flags of a root made on a PKCS#11 token (init): --root-token SERIAL,
 * --root-pkcs11-module PATH, --root-key-id HEX or --use-existing-key HEX,
 * --root-pin-passin and --token-so-pin-passin. Checked in that order, each
 * before anything is asked or generated.
 */
import path from 'node:path';
import type { KeyAlgorithm } from '../../shared/domain/pki';
import { listTokens } from '../custody/token/pkcs11-token';
import { rejected } from '../../shared/errors';
import type { CommandContext, Values } from './command';
import { UsageError } from './io';
import { optional } from './values';

export const ROOT_TOKEN = {
  'root-token': { type: 'string' },
  'root-pkcs11-module': { type: 'string' },
  'root-key-id': { type: 'string' },
  'use-existing-key': { type: 'string' },
  'root-pin-passin': { type: 'string' },
  'token-so-pin-passin': { type: 'string' },
} as const;

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

/** The token flags, or undefined when the root is not to be on a token. */
export function rootTokenOf(values: Values, cwd: string, rootKey: KeyAlgorithm | undefined): TokenArgs | undefined {
  const serial = optional(values, 'root-token');
  const others = ['root-pkcs11-module', 'root-key-id', 'use-existing-key', 'root-pin-passin', 'token-so-pin-passin'];
  if (serial === undefined) {
    const stray = others.find((name) => optional(values, name) !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --root-token SERIAL`);
    return undefined;
  }
  const modulePath = optional(values, 'root-pkcs11-module');
  if (modulePath === undefined) throw new UsageError('--root-token needs --root-pkcs11-module PATH');
  const newId = optional(values, 'root-key-id');
  const existingId = optional(values, 'use-existing-key');
  if (newId !== undefined && existingId !== undefined)
    throw new UsageError('give --root-key-id (a new key) or --use-existing-key (a key on the token), not both');
  const keyId = newId ?? existingId;
  if (keyId !== undefined && !/^(?:[0-9A-Fa-f]{2}){1,64}$/.test(keyId))
    throw new UsageError(`a key id is 1 to 64 bytes in hex, not "${keyId}"`);
  if (existingId !== undefined && rootKey !== undefined)
    throw new UsageError('--root-key is for a key generated on the token, not with --use-existing-key');
  if (rootKey !== undefined && !TOKEN_KEYS.includes(rootKey))
    throw new UsageError(`a root on a token uses ${TOKEN_KEYS.join(', ')}; not ${rootKey}`);
  return {
    serial,
    module: path.resolve(cwd, modulePath),
    ...(keyId !== undefined ? { keyId: keyId.toLowerCase() } : {}),
    existing: existingId !== undefined,
  };
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

export async function readTokenPins(context: CommandContext, token: TokenArgs) {
  const { values, passphrases } = context;
  const pin = await passphrases.read(optional(values, 'root-pin-passin'), 'Token PIN');
  const soSource = optional(values, 'token-so-pin-passin');
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
