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
import type { CliOperations } from './operations';
import { checkTokenPresent, readTokenPins, tokenArgsOf, tokenFlagOptions, type TokenArgs } from './token-args';
import { optional } from './values';

/** The root's token flags with the intermediate- prefix, and no SO PIN (the token generates as the user). */
const INTERMEDIATE_FLAGS = {
  token: 'intermediate-token',
  module: 'intermediate-pkcs11-module',
  keyId: 'intermediate-key-id',
  pin: 'intermediate-pin-passin',
  pinPrompt: 'Intermediate token PIN',
} as const;

export const INTERMEDIATE_TOKEN_USE = {
  [INTERMEDIATE_FLAGS.pin]: { type: 'string' },
  [INTERMEDIATE_FLAGS.module]: { type: 'string' },
} as const;

export const INTERMEDIATE_TOKEN_USE_HELP = [
  "--intermediate-pin-passin SRC  the PIN of the token the intermediate's key lives on (when it does)",
  '--intermediate-pkcs11-module PATH  that token\'s module, if not the one recorded at "intermediate create"',
];

export const INTERMEDIATE_TOKEN_CREATE = tokenFlagOptions(INTERMEDIATE_FLAGS);

export const INTERMEDIATE_TOKEN_CREATE_HELP = [
  "--intermediate-token SERIAL  the intermediate's key on the PKCS#11 token with this serial number (not in the store)",
  "--intermediate-pkcs11-module PATH  the token's module (opensc-pkcs11.so, libykcs11.so, libsofthsm2.so, …)",
  "--intermediate-pin-passin SRC  the token's user PIN (asked when not given)",
  "--intermediate-key-id HEX  the new key's CKA_ID (random when not given)",
  '--use-existing-key HEX   use the key already on the token with this CKA_ID instead of generating one',
];

/** The token plan of `intermediate create`, or undefined when the key is to be kept in the store. */
export function intermediateTokenOf(values: Values, cwd: string): TokenArgs | undefined {
  const token = tokenArgsOf(values, cwd, INTERMEDIATE_FLAGS);
  // The module loads and the token is there before any passphrase or PIN is asked.
  if (token) checkTokenPresent(token.module, token.serial);
  return token;
}

/** The request's token plan, with the PIN read. */
export function readIntermediateTokenPlan(context: CommandContext, token: TokenArgs) {
  return readTokenPins(context, token, INTERMEDIATE_FLAGS);
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
