import path from 'node:path';
import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { UsageError, print, printJson, progress } from '../io';
import { withSession } from '../session';
import { checkTokenPresent, keyIdOf } from '../token-args';
import { readRootCredential } from '../custody-args';

type SealedRoot = { rootPassphrase: string } | { rootShares: { text: string; label: string; pin?: string }[] };
import { flag, optional, required } from '../values';

export const custodyToToken: Command = {
  name: 'custody to-token',
  summary: 'copy a passphrase root onto a PKCS#11 token (there is no way back)',
  synopsis:
    'custody to-token --store DIR --root-token SERIAL --root-pkcs11-module PATH --root-pin-passin SRC (--root-passin SRC | --root-share SRC…) [--root-key-id HEX] [--wipe-root-slot] --operator-passin SRC',
  help: [
    STORE_HELP,
    '--root-token SERIAL      the token to copy the root key onto, by serial number',
    "--root-pkcs11-module PATH  the token's PKCS#11 module",
    "--root-pin-passin SRC    the token's user PIN",
    '--root-passin SRC        the current root passphrase',
    "--root-share SRC         or, for a root in custody, a custodian's share (repeat until M): file:PATH, fd:N, env:VAR, pass:WORDS, stdin, ask",
    '--share-pin SRC          the PIN of each PIN-protected share, in order (else asked)',
    "--root-key-id HEX        the key's CKA_ID on the token (random when not given)",
    '--wipe-root-slot         then keep only the token in the store: the root passphrase stops opening the root',
    '                         (without it the sealed root stays in the store beside the token copy)',
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...JSON_FLAG,
    'root-token': { type: 'string' },
    'root-pkcs11-module': { type: 'string' },
    'root-pin-passin': { type: 'string' },
    'root-passin': { type: 'string' },
    'root-share': { type: 'string', multiple: true },
    'share-pin': { type: 'string', multiple: true },
    'root-key-id': { type: 'string' },
    'wipe-root-slot': { type: 'boolean' },
  },
  async run(context) {
    const { io, values, passphrases } = context;
    const serial = required(values, 'root-token');
    const module = path.resolve(io.cwd, required(values, 'root-pkcs11-module'));
    const keyId = keyIdOf(values, 'root-key-id');
    checkTokenPresent(module, serial);
    const replaceRootSlot = flag(values, 'wipe-root-slot');
    let secrets: ({ pin: string } & SealedRoot) | undefined;
    const result = await withSession(
      context,
      (operations) => {
        progress(io, `copying the root key onto token ${serial}…`);
        return operations.call('moveRootToToken', {
          ...secrets!,
          module,
          serial,
          ...(keyId !== undefined ? { keyId } : {}),
          replaceRootSlot,
        });
      },
      async () => {
        // The root as every root command reads it (passphrase, or the custodians' shares); --root-pin-passin here is the target token's.
        const root = await readRootCredential({
          ...context,
          values: { ...values, 'root-pin-passin': undefined, 'root-pkcs11-module': undefined },
        });
        if ('rootTokenPin' in root) throw new UsageError('the root key already lives on a token');
        const pin = await passphrases.read(optional(values, 'root-pin-passin'), 'Token PIN');
        secrets = { pin, ...root };
      },
    );
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `The root key is on token ${result.serial} (key id ${result.keyId}), not extractable.`);
    print(
      io,
      result.rootSlotReplaced
        ? 'The store now keeps only where the key is: the root passphrase no longer opens the root; give the token PIN (--root-pin-passin).'
        : 'The sealed root stays in the store and is still what root operations use (the root passphrase); the token holds a spare copy. --wipe-root-slot would have made the token the only way.',
    );
  },
};
