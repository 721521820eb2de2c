import { KEY_ALGORITHMS } from '../../../shared/domain/pki';
import { JSON_FLAG, JSON_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson, progress } from '../io';
import { CliOperations } from '../operations';
import { choice, flag, integer, optional, required, storeDir } from '../values';

export const init: Command = {
  name: 'init',
  summary: 'create a store: the key ceremony that makes the root CA',
  synopsis:
    'init --store DIR --root-subject DN [--root-key ALG] [--root-days N] --root-passin SRC --operator-passin SRC',
  help: [
    STORE_HELP,
    '--root-subject DN        the root\'s name, e.g. "CN=Acme Root CA, O=Acme, C=GB"',
    `--root-key ALG           ${KEY_ALGORITHMS.join('|')} (default ec-p384)`,
    '--root-days N            validity in days (default 7300, at most 9132)',
    '--root-passin SRC        the root passphrase (asked twice when not given)',
    '--operator-passin SRC    the operator passphrase (asked twice when not given)',
    '--kdf-memory MIB         argon2id memory in MiB (default 256, at least 64)',
    '--kdf-passes N           argon2id passes (default 3, at least 2)',
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
  },
  async run({ io, values, passphrases }) {
    const rootSubject = required(values, 'root-subject');
    const rootKey = choice(values, 'root-key', KEY_ALGORITHMS);
    const rootDays = integer(values, 'root-days');
    const memory = integer(values, 'kdf-memory');
    const passes = integer(values, 'kdf-passes');
    const rootPassphrase = await passphrases.read(optional(values, 'root-passin'), 'Root passphrase', true);
    const operatorPassphrase = await passphrases.read(optional(values, 'operator-passin'), 'Operator passphrase', true);
    progress(io, 'generating the root key and sealing it (argon2id)…');
    const created = await new CliOperations(storeDir(values, io.cwd), io).call('createStore', {
      rootSubject,
      rootPassphrase,
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
    if (created.head) print(io, `Journal head: record ${created.head.sequence}, chain hash ${created.head.chainHash}`);
    print(io, 'Write the SHA-256 fingerprint down: it is how anyone can check the root they were given.');
    print(io, 'Write the journal head down too: "rootkeeper audit verify --expect-head HASH" checks it later.');
  },
};
