import { KEY_ALGORITHMS, VALIDITY_DAYS } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import { parseSubject } from '../../engine/names';
import { inspectStoreFolder } from '../../store/folder';
import { checkPassphraseStrength } from '../../store/passphrase-policy';
import { checkKdfCeiling, checkKdfFloor, DEFAULT_KDF_COST, PRODUCTION_KDF_POLICY } from '../../vault/kdf';
import { JSON_FLAG, JSON_HELP, STORE, STORE_HELP, type Command, type Values } from '../command';
import { UsageError, print, printJson, progress, textDate } from '../io';
import { CliOperations } from '../operations';
import { choice, days, flag, integer, optional, required, storeDir } from '../values';
import { CEREMONY, CEREMONY_HELP, NEW_CUSTODY, NEW_CUSTODY_HELP, ceremonyOf, newCustodyOf } from '../custody-args';
import { ROOT_TOKEN, ROOT_TOKEN_HELP, checkTokenPresent, readTokenPins, rootTokenOf } from '../token-args';
import { printCustody, printRecord } from '../custody-output';
import { checkExportDestination } from '../../exports/folder';

export const init: Command = {
  name: 'init',
  summary: 'create a store: the key ceremony that makes the root CA',
  synopsis:
    'init --store DIR --root-subject DN [--root-key ALG] [--root-days N] (--root-passout SRC | --root-custody M-of-N --custodian NAME… --share-out DIR [--custodian-pin SRC…] | --root-token SERIAL --root-pkcs11-module PATH [--root-key-id HEX | --use-existing-key HEX] --root-pin-passin SRC [--token-so-pin-passin SRC]) --operator-passout SRC [--ceremony-record DIR [--witness NAME]…]',
  help: [
    STORE_HELP,
    '--root-subject DN        the root\'s name, e.g. "CN=Acme Root CA, O=Acme, C=GB"',
    `--root-key ALG           ${KEY_ALGORITHMS.join('|')} (default ec-p384)`,
    `--root-days N            validity in days (default ${VALIDITY_DAYS.root.default}, at most ${VALIDITY_DAYS.root.max})`,
    '--root-passout SRC       the new root passphrase (asked twice when not given; --root-passin is the old name), or instead:',
    ...NEW_CUSTODY_HELP,
    ...ROOT_TOKEN_HELP,
    '--operator-passout SRC   the new operator passphrase (asked twice when not given; --operator-passin is the old name)',
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
    'root-passout': { type: 'string' },
    'operator-passout': { type: 'string' },
    'root-passin': { type: 'string' },
    'operator-passin': { type: 'string' },
    'kdf-memory': { type: 'string' },
    'kdf-passes': { type: 'string' },
    ...NEW_CUSTODY,
    ...ROOT_TOKEN,
    ...CEREMONY,
  },
  async run(cli) {
    const { io, values, passphrases } = cli;
    // Everything that can be checked is checked before a passphrase is asked or a key made.
    const rootSubject = required(values, 'root-subject');
    const context = parseSubject(rootSubject).map((component) => component.value);
    const rootKey = choice(values, 'root-key', KEY_ALGORITHMS);
    const rootDays = days(values, VALIDITY_DAYS.root.max, 'a root', 'root-days');
    const memory = integer(values, 'kdf-memory');
    const passes = integer(values, 'kdf-passes');
    const cost = {
      ...DEFAULT_KDF_COST,
      ...(memory ? { memoryKiB: memory * 1024 } : {}),
      ...(passes ? { passes } : {}),
    };
    checkKdfFloor(cost, PRODUCTION_KDF_POLICY);
    checkKdfCeiling(cost, PRODUCTION_KDF_POLICY);
    const dir = storeDir(values, io);
    const state = await inspectStoreFolder(dir);
    if (state === 'initialized') throw rejected('exists', `${dir} already holds a Rootkeeper store.`);
    if (state === 'foreign')
      throw rejected('policy', `${dir} holds other files; choose an empty folder for the store.`);
    const ceremony = ceremonyOf(values, io.cwd);
    if (ceremony) checkExportDestination(ceremony.destination);
    const token = rootTokenOf(values, io.cwd, rootKey);
    if (token && (optional(values, 'root-custody') !== undefined || newPassphraseSource(values, 'root') !== undefined))
      throw new UsageError('give one of --root-token, --root-passout and --root-custody');
    // The module loads and the token is present before a PIN is asked (the key id is checked once logged in).
    if (token) checkTokenPresent(token.module, token.serial);
    const custody = await newCustodyOf(cli);
    if (custody && newPassphraseSource(values, 'root') !== undefined)
      throw new UsageError('give --root-passout or --root-custody, not both');
    if (custody) checkExportDestination(custody.shareOut);
    let rootPassphrase: string | undefined;
    const rootToken = token ? await readTokenPins(cli, token) : undefined;
    if (!custody && !rootToken) {
      rootPassphrase = await passphrases.read(newPassphraseSource(values, 'root'), 'Root passphrase', true);
      await checkPassphraseStrength('root', rootPassphrase, context);
    }
    const operatorPassphrase = await passphrases.read(
      newPassphraseSource(values, 'operator'),
      'Operator passphrase',
      true,
    );
    await checkPassphraseStrength('operator', operatorPassphrase, context);
    if (rootPassphrase === operatorPassphrase)
      throw rejected('policy', 'The root and operator passphrases must differ.');
    progress(
      io,
      rootToken
        ? `${rootToken.useExistingKey ? 'using the root key on' : 'generating the root key on'} token ${rootToken.serial}…`
        : 'generating the root key and sealing it (argon2id)…',
    );
    const created = await new CliOperations(dir, io).call('createStore', {
      rootSubject,
      ...(rootPassphrase !== undefined ? { rootPassphrase } : {}),
      ...(rootToken ? { rootToken } : {}),
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
    print(io, `Root:     ${created.rootSubject} (valid until ${textDate(created.rootNotAfter)})`);
    print(io, `SHA-256:  ${created.rootSha256}`);
    if (created.head) print(io, `Journal head: record ${created.head.sequence}, chain hash ${created.head.chainHash}`);
    print(io, 'Write the SHA-256 fingerprint down: it is how anyone can check the root they were given.');
    print(io, 'Write the journal head down too: "rootkeeper audit verify --expect-head HASH" checks it later.');
    if (rootToken)
      print(
        io,
        `The root key lives on token ${rootToken.serial} only: keep the token safe, the store cannot sign as the root without it.`,
      );
    printCustody(io, created.shareFiles, custody?.threshold);
    printRecord(io, created.ceremonyRecord);
  },
};

/** A passphrase being created is a -passout, as in OpenSSL; the -passin spelling stays as an alias. */
function newPassphraseSource(values: Values, which: 'root' | 'operator'): string | undefined {
  const passout = optional(values, `${which}-passout`);
  const passin = optional(values, `${which}-passin`);
  if (passout !== undefined && passin !== undefined)
    throw new UsageError(`give --${which}-passout or its old name --${which}-passin, not both`);
  return passout ?? passin;
}
