/**
 * The flags of an intermediate whose issuing key lives on a PKCS#11 token.
 * `intermediate create` puts it there: --intermediate-token SERIAL,
 * --intermediate-pkcs11-module PATH, --intermediate-pin-passin SRC and
 * --intermediate-key-id HEX or --use-existing-key HEX. Every command that
 * signs with the intermediate (issue, sign-csr, renew, crl) takes its PIN,
 * --intermediate-pin-passin SRC, and optionally another module path; the
 * operator passphrase still unlocks the store.
 */
import path from 'node:path';
import type { CommandContext, Values } from './command';
import { UsageError } from './io';
import type { CliOperations } from './operations';
import { checkTokenPresent } from './token-args';
import { optional } from './values';

export const INTERMEDIATE_TOKEN_USE = {
  'intermediate-pin-passin': { type: 'string' },
  'intermediate-pkcs11-module': { type: 'string' },
} as const;

export const INTERMEDIATE_TOKEN_USE_HELP = [
  "--intermediate-pin-passin SRC  the PIN of the token the intermediate's key lives on (when it does)",
  '--intermediate-pkcs11-module PATH  that token\'s module, if not the one recorded at "intermediate create"',
];

export const INTERMEDIATE_TOKEN_CREATE = {
  ...INTERMEDIATE_TOKEN_USE,
  'intermediate-token': { type: 'string' },
  'intermediate-key-id': { type: 'string' },
  'use-existing-key': { type: 'string' },
} as const;

export const INTERMEDIATE_TOKEN_CREATE_HELP = [
  "--intermediate-token SERIAL  the intermediate's key on the PKCS#11 token with this serial number (not in the store)",
  "--intermediate-pkcs11-module PATH  the token's module (opensc-pkcs11.so, libykcs11.so, libsofthsm2.so, …)",
  "--intermediate-pin-passin SRC  the token's user PIN (asked when not given)",
  "--intermediate-key-id HEX  the new key's CKA_ID (random when not given)",
  '--use-existing-key HEX   use the key already on the token with this CKA_ID instead of generating one',
];

const KEY_ID = /^(?:[0-9A-Fa-f]{2}){1,64}$/;

/** The token plan of `intermediate create`, or undefined when the key is to be kept in the store. */
export function intermediateTokenOf(
  values: Values,
  cwd: string,
): { serial: string; module: string; keyId?: string; existing: boolean } | undefined {
  const serial = optional(values, 'intermediate-token');
  if (serial === undefined) {
    const stray = [
      'intermediate-key-id',
      'use-existing-key',
      'intermediate-pin-passin',
      'intermediate-pkcs11-module',
    ].find((name) => optional(values, name) !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --intermediate-token SERIAL`);
    return undefined;
  }
  const module = optional(values, 'intermediate-pkcs11-module');
  if (module === undefined) throw new UsageError('--intermediate-token needs --intermediate-pkcs11-module PATH');
  const newId = optional(values, 'intermediate-key-id');
  const existingId = optional(values, 'use-existing-key');
  if (newId !== undefined && existingId !== undefined)
    throw new UsageError('give --intermediate-key-id (a new key) or --use-existing-key (a key on the token), not both');
  const keyId = newId ?? existingId;
  if (keyId !== undefined && !KEY_ID.test(keyId))
    throw new UsageError(`a key id is 1 to 64 bytes in hex, not "${keyId}"`);
  const modulePath = path.resolve(cwd, module);
  // The module loads and the token is there before any passphrase or PIN is asked.
  checkTokenPresent(modulePath, serial);
  return {
    serial,
    module: modulePath,
    ...(keyId !== undefined ? { keyId: keyId.toLowerCase() } : {}),
    existing: existingId !== undefined,
  };
}

/** The request's token plan, with the PIN read. */
export async function readIntermediateTokenPlan(
  context: CommandContext,
  token: { serial: string; module: string; keyId?: string; existing: boolean },
) {
  const pin = await context.passphrases.read(
    optional(context.values, 'intermediate-pin-passin'),
    'Intermediate token PIN',
  );
  return {
    module: token.module,
    serial: token.serial,
    pin,
    ...(token.keyId !== undefined ? { keyId: token.keyId } : {}),
    ...(token.existing ? { useExistingKey: true } : {}),
  };
}

/**
 * After the unlock: opens the intermediate's token when its PIN was given
 * (not for `intermediate create --intermediate-token`, whose PIN is the new
 * key's). Without it, signing with a token intermediate is refused with a
 * sentence naming the token.
 */
export async function openIntermediateTokenIfGiven(context: CommandContext, operations: CliOperations): Promise<void> {
  const { values, io } = context;
  const source = optional(values, 'intermediate-pin-passin');
  if (source === undefined || optional(values, 'intermediate-token') !== undefined) return;
  const module = optional(values, 'intermediate-pkcs11-module');
  const pin = await context.passphrases.read(source, 'Intermediate token PIN');
  await operations.call('openIntermediateToken', {
    pin,
    ...(module !== undefined ? { module: path.resolve(io.cwd, module) } : {}),
  });
}
