import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, OUT, STORE, STORE_HELP, type Command } from '../command';
import { checkInputFile } from '../input-file';
import { print, printJson, progress, type Io } from '../io';
import { checkOutput } from '../output-file';
import { CliOperations } from '../operations';
import { withSession } from '../session';
import { flag, optional, required, storeDir } from '../values';
import { UsageError } from '../io';
import path from 'node:path';

/** A backup holds the whole journal: 170 MB for 100,000 certificates. Far beyond that is not a backup. */
const MAX_BACKUP_BYTES = 2 * 1024 ** 3;

export const backup: Command = {
  name: 'backup',
  summary: 'write an encrypted backup of the whole store (the operator passphrase opens it)',
  synopsis: 'backup --store DIR --out FILE --operator-passin SRC',
  help: [
    STORE_HELP,
    '--out FILE               the backup file (never replaces an existing one)',
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...OUT, ...JSON_FLAG },
  async run(context) {
    const { io, values } = context;
    const out = required(values, 'out');
    if (out === '-') throw new UsageError('--out takes a file: a backup is never written to standard output');
    await checkOutput(io.cwd, out, false);
    const destination = path.resolve(io.cwd, out);
    const result = await withSession(context, (operations) => operations.call('backup', { destination }));
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `Wrote the backup ${result.file}`);
    print(io, `SHA-256:  ${result.sha256}`);
    print(io, `Journal head: sequence ${result.head.sequence}, chain hash ${result.head.chainHash}`);
    printTokenNotice(io, result.rootToken);
  },
};

export const restore: Command = {
  name: 'restore',
  summary: 'restore a backup into an empty folder (never over a store)',
  synopsis: 'restore FILE --store DIR --operator-passin SRC',
  help: [
    'FILE                     the backup',
    '--store DIR              the folder to restore into: new or empty',
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG },
  positionals: { min: 1, max: 1 },
  async run({ io, values, positionals, passphrases }) {
    const dir = storeDir(values, io);
    const source = await checkInputFile(io, positionals[0]!, MAX_BACKUP_BYTES);
    const passphrase = await passphrases.read(optional(values, 'operator-passin'), 'Operator passphrase');
    progress(io, 'decrypting and verifying the backup (argon2id)…');
    const result = await new CliOperations(dir, io).call('restoreBackup', { source, passphrase });
    if (flag(values, 'json')) return printJson(io, result);
    print(
      io,
      `Restored the store ${result.storeId} into ${dir}; journal head ${result.head.sequence}, ${result.head.chainHash}.`,
    );
  },
};

export const verifyBackup: Command = {
  name: 'verify-backup',
  summary: 'check a backup with the operator passphrase, without restoring it',
  synopsis: 'verify-backup FILE --operator-passin SRC',
  help: ['FILE                     the backup', OPERATOR_HELP, JSON_HELP],
  options: { ...OPERATOR, ...JSON_FLAG },
  positionals: { min: 1, max: 1 },
  async run({ io, values, positionals, passphrases }) {
    const source = await checkInputFile(io, positionals[0]!, MAX_BACKUP_BYTES);
    const passphrase = await passphrases.read(optional(values, 'operator-passin'), 'Operator passphrase');
    progress(io, 'decrypting and verifying the backup (argon2id)…');
    const result = await new CliOperations(io.cwd, io).call('verifyBackup', { source, passphrase });
    if (flag(values, 'json')) return printJson(io, result);
    print(
      io,
      `The backup of store ${result.storeId} verifies; journal head ${result.head.sequence}, ${result.head.chainHash}.`,
    );
    printTokenNotice(io, result.rootToken);
  },
};

/** A backup of a store whose root key lives on a token holds no root key: said every time. */
function printTokenNotice(io: Io, token: { serial: string; keyId: string } | undefined): void {
  if (!token) return;
  print(
    io,
    `The root key is not in this backup: it lives on PKCS#11 token ${token.serial} (key id ${token.keyId}). A store restored from it cannot sign as the root without that token.`,
  );
}
