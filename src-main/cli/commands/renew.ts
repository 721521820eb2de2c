import path from 'node:path';
import { KEY_ALGORITHMS, VALIDITY_DAYS } from '../../../shared/domain/pki';
import { checkExportDestination } from '../../exports/folder';
import { checkExportPassphrase } from '../../operations/issuing-ops';
import {
  FORCE,
  FORCE_HELP,
  JSON_FLAG,
  JSON_HELP,
  OPERATOR,
  OPERATOR_HELP,
  OUT,
  STORE,
  STORE_HELP,
  type Command,
} from '../command';
import { UsageError, print, printJson, progress, textDate } from '../io';
import { withSession } from '../session';
import { choice, days as daysOption, flag, optional, required } from '../values';

export const renew: Command = {
  name: 'renew',
  summary: 'issue a certificate again for the same names, on the same key or a new one, and write its bundle',
  synopsis:
    'renew --store DIR SERIAL [--key same|ALG] [--days N] --out DIR [--key-passout SRC | --no-key-encryption] --operator-passin SRC',
  help: [
    STORE_HELP,
    'SERIAL                   the certificate to renew; it stays valid until you revoke it',
    `--key K                  same (default: re-sign its public key) or a new key: ${KEY_ALGORITHMS.join('|')}`,
    '--days N                 validity in days (default 397, at most 825)',
    '--out DIR                the folder the bundle folder is written in',
    '--key-passout SRC        with a new key: the passphrase that encrypts it (asked twice when not given)',
    '--no-key-encryption      with a new key: write it unencrypted',
    OPERATOR_HELP,
    FORCE_HELP,
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...OUT,
    ...FORCE,
    ...JSON_FLAG,
    key: { type: 'string' },
    days: { type: 'string' },
    'key-passout': { type: 'string' },
    'no-key-encryption': { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run(context) {
    const { io, values, positionals, passphrases } = context;
    const key = choice(values, 'key', ['same', ...KEY_ALGORITHMS] as const) ?? 'same';
    const destination = required(values, 'out');
    const days = daysOption(values, VALIDITY_DAYS.leaf.max, 'a server or client certificate');
    const keyFlags = flag(values, 'no-key-encryption') || optional(values, 'key-passout') !== undefined;
    if (key === 'same' && keyFlags)
      throw new UsageError('--key same writes no key: drop --key-passout and --no-key-encryption');
    checkExportDestination(path.resolve(io.cwd, destination));
    const keyPassphrase =
      key === 'same'
        ? undefined
        : flag(values, 'no-key-encryption')
          ? null
          : await passphrases.read(optional(values, 'key-passout'), 'Key passphrase', true);
    checkExportPassphrase(keyPassphrase, 'key passphrase');
    const result = await withSession(context, (operations) =>
      operations.call('renewCertificate', {
        serial: positionals[0]!,
        key,
        destination,
        force: flag(values, 'force'),
        ...(keyPassphrase !== undefined ? { keyPassphrase } : {}),
        ...(days ? { days } : {}),
      }),
    );
    if (flag(values, 'json')) return printJson(io, result);
    for (const warning of result.warnings) progress(io, `warning: ${warning}`);
    print(io, `Renewed as serial ${result.certificate.serial}, valid until ${textDate(result.certificate.notAfter)}`);
    print(io, `Bundle:   ${result.bundle.folder}`);
    for (const file of result.bundle.files) print(io, `  ${file.sha256}  ${file.name}`);
    print(io, 'Written and verified. The old certificate stays valid until you revoke it.');
  },
};
