import path from 'node:path';
import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, OUT, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson, progress } from '../io';
import { CliOperations } from '../operations';
import { withSession } from '../session';
import { flag, optional, required, storeDir } from '../values';

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
    const destination = path.resolve(io.cwd, required(values, 'out'));
    const result = await withSession(context, (operations) => operations.call('backup', { destination }));
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `Wrote the backup ${result.file}`);
    print(io, `SHA-256:  ${result.sha256}`);
    print(io, `Journal head: sequence ${result.head.sequence}, chain hash ${result.head.chainHash}`);
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
    const source = path.resolve(io.cwd, positionals[0]!);
    const passphrase = await passphrases.read(optional(values, 'operator-passin'), 'Operator passphrase');
    progress(io, 'decrypting and verifying the backup (argon2id)…');
    const result = await new CliOperations(storeDir(values, io.cwd), io).call('restoreBackup', { source, passphrase });
    if (flag(values, 'json')) return printJson(io, result);
    print(
      io,
      `Restored the store ${result.storeId} into ${storeDir(values, io.cwd)}; journal head ${result.head.sequence}, ${result.head.chainHash}.`,
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
    const source = path.resolve(io.cwd, positionals[0]!);
    const passphrase = await passphrases.read(optional(values, 'operator-passin'), 'Operator passphrase');
    progress(io, 'decrypting and verifying the backup (argon2id)…');
    const result = await new CliOperations(io.cwd, io).call('verifyBackup', { source, passphrase });
    if (flag(values, 'json')) return printJson(io, result);
    print(
      io,
      `The backup of store ${result.storeId} verifies; journal head ${result.head.sequence}, ${result.head.chainHash}.`,
    );
  },
};
