import { KEY_ALGORITHMS } from '../../../shared/domain/pki';
import { JSON_FLAG, JSON_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson, progress } from '../io';
import { CliOperations } from '../operations';
import { choice, flag, integer, optional, required, storeDir } from '../values';
import { CEREMONY, CEREMONY_HELP, NEW_CUSTODY, NEW_CUSTODY_HELP, ceremonyOf, newCustodyOf } from '../custody-args';
import { printCustody, printRecord } from '../custody-output';
import { UsageError } from '../io';

export const init: Command = {
  name: 'init',
  summary: 'create a store: the key ceremony that makes the root CA',
  synopsis:
    'init --store DIR --root-subject DN [--root-key ALG] [--root-days N] (--root-passin SRC | --root-custody M-of-N --custodian NAME… --share-out DIR [--custodian-pin SRC…]) --operator-passin SRC [--ceremony-record DIR [--witness NAME]…]',
  help: [
    STORE_HELP,
    '--root-subject DN        the root\'s name, e.g. "CN=Acme Root CA, O=Acme, C=GB"',
    `--root-key ALG           ${KEY_ALGORITHMS.join('|')} (default ec-p384)`,
    '--root-days N            validity in days (default 7300, at most 9132)',
    '--root-passin SRC        the root passphrase (asked twice when not given), or instead:',
    ...NEW_CUSTODY_HELP,
    '--operator-passin SRC    the operator passphrase (asked twice when not given)',
    '--kdf-memory MIB         argon2id memory in MiB (default 256, at least 64)',
    '--kdf-passes N           argon2id passes (default 3, at least 2)',
    ...CEREMONY_HELP,
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...JSON_FLAG,
    'root-subject': { type: 'string' },
    'root-key': { type: 'string' },
    'root-days': { type: 'string' },
    'root-passin': { type: 'string' },
    'operator-passin': { type: 'string' },
    'kdf-memory': { type: 'string' },
    'kdf-passes': { type: 'string' },
    ...NEW_CUSTODY,
    ...CEREMONY,
  },
  async run(context) {
    const { io, values, passphrases } = context;
    const rootSubject = required(values, 'root-subject');
    const rootKey = choice(values, 'root-key', KEY_ALGORITHMS);
    const rootDays = integer(values, 'root-days');
    const memory = integer(values, 'kdf-memory');
    const passes = integer(values, 'kdf-passes');
    const custody = await newCustodyOf(context);
    if (custody && optional(values, 'root-passin') !== undefined)
      throw new UsageError('give --root-passin or --root-custody, not both');
    const ceremony = ceremonyOf(values, io.cwd);
    const rootPassphrase = custody
      ? undefined
      : await passphrases.read(optional(values, 'root-passin'), 'Root passphrase', true);
    const operatorPassphrase = await passphrases.read(optional(values, 'operator-passin'), 'Operator passphrase', true);
    progress(io, 'generating the root key and sealing it (argon2id)…');
    const created = await new CliOperations(storeDir(values, io.cwd), io).call('createStore', {
      rootSubject,
      ...(rootPassphrase !== undefined ? { rootPassphrase } : {}),
      ...(custody ? { custody } : {}),
      ...(ceremony ? { ceremony } : {}),
      operatorPassphrase,
      ...(rootKey ? { rootKey } : {}),
      ...(rootDays ? { rootDays } : {}),
      ...(memory ? { kdfMemoryMiB: memory } : {}),
      ...(passes ? { kdfPasses: passes } : {}),
    });
    if (flag(values, 'json')) return printJson(io, created);
    print(io, `Created the store ${created.storeId}`);
    print(io, `Root:     ${created.rootSubject} (valid until ${created.rootNotAfter})`);
    print(io, `SHA-256:  ${created.rootSha256}`);
    print(io, 'Write the SHA-256 fingerprint down: it is how anyone can check the root they were given.');
    printCustody(io, created.shareFiles, custody?.threshold);
    printRecord(io, created.ceremonyRecord);
  },
};
