import { JSON_FLAG, JSON_HELP, OPERATOR, STORE, STORE_HELP, type Command } from '../command';
import { UsageError, print, printJson, progress } from '../io';
import { CliOperations } from '../operations';
import { flag, optional, storeDir } from '../values';

/**
 * `rootkeeper passwd`: changes the operator or the root passphrase, with
 * OpenSSL's names: --passin the current one, --passout the new one. A new
 * operator passphrase brings a new data key (docs/vault.md, "Re-keying").
 */
export const passwd: Command = {
  name: 'passwd',
  summary: 'change the operator or the root passphrase (a new operator passphrase makes a new data key)',
  synopsis: 'passwd --store DIR --operator|--root --passin SRC --passout SRC [--operator-passin SRC]',
  help: [
    STORE_HELP,
    '--operator               change the operator passphrase',
    '--root                   change the root passphrase',
    '--passin SRC             the current passphrase of the one being changed',
    '--passout SRC            the new passphrase (asked twice when not given)',
    '--operator-passin SRC    with --root: the operator passphrase that opens the store',
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...JSON_FLAG,
    operator: { type: 'boolean' },
    root: { type: 'boolean' },
    passin: { type: 'string' },
    passout: { type: 'string' },
  },
  async run({ io, values, passphrases }) {
    const which = whichPassphrase(values.operator === true, values.root === true);
    if (which === 'operator' && optional(values, 'operator-passin') !== undefined)
      throw new UsageError('with --operator, --passin is the operator passphrase: leave --operator-passin out');
    const operations = new CliOperations(storeDir(values, io), io);
    try {
      const unlockWith = which === 'operator' ? 'passin' : 'operator-passin';
      const name = which === 'operator' ? 'Current operator passphrase' : 'Operator passphrase';
      const operator = await passphrases.read(optional(values, unlockWith), name);
      const current =
        which === 'operator' ? operator : await passphrases.read(optional(values, 'passin'), 'Current root passphrase');
      const next = await passphrases.read(optional(values, 'passout'), `New ${which} passphrase`, true);
      progress(io, 'unlocking the store (argon2id)…');
      await operations.call('unlock', { passphrase: operator });
      progress(io, `changing the ${which} passphrase (argon2id)…`);
      const result = await operations.call('changePassphrase', { which, current, next });
      if (flag(values, 'json')) return printJson(io, result);
      print(
        io,
        which === 'operator'
          ? 'The operator passphrase was changed; records from now on are sealed under a new data key.'
          : 'The root passphrase was changed; the root key is sealed under the new one.',
      );
    } finally {
      await operations.close();
    }
  },
};

function whichPassphrase(operator: boolean, root: boolean): 'operator' | 'root' {
  if (operator === root) throw new UsageError('give exactly one of --operator and --root');
  return operator ? 'operator' : 'root';
}
