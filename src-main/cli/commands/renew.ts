import path from 'node:path';
import { KEY_ALGORITHMS, VALIDITY_DAYS, type KeyAlgorithm } from '../../../shared/domain/pki';
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
  type CommandContext,
} from '../command';
import { UsageError, print, printJson, progress, textDate } from '../io';
import { INTERMEDIATE_TOKEN_USE, INTERMEDIATE_TOKEN_USE_HELP } from '../intermediate-token-args';
import { withSession } from '../session';
import { choice, days as daysOption, flag, integer, optional, required } from '../values';

export const renew: Command = {
  name: 'renew',
  summary:
    'issue a certificate again for the same names (one, or every one expiring soon), on the same key or a new one, and write its bundle',
  synopsis:
    'renew --store DIR (SERIAL | --expiring DAYS) [--key same|ALG] [--days N] --out DIR [--key-passout SRC | --no-key-encryption] --operator-passin SRC',
  help: [
    STORE_HELP,
    'SERIAL                   the certificate to renew; it stays valid until you revoke it',
    '--expiring DAYS          instead of SERIAL: every valid certificate expiring within DAYS days whose key was made',
    '                         here, in one unlock, one bundle folder each; those issued from CSRs are listed as needing',
    '                         a new request from their owner (not renewed). The old certificates stay valid.',
    `--key K                  same (default: re-sign its public key) or a new key: ${KEY_ALGORITHMS.join('|')}`,
    '--days N                 validity in days (default 397, at most 825)',
    '--out DIR                the folder the bundle folder is written in',
    '--key-passout SRC        with a new key: the passphrase that encrypts it (asked twice when not given)',
    '--no-key-encryption      with a new key: write it unencrypted',
    OPERATOR_HELP,
    ...INTERMEDIATE_TOKEN_USE_HELP,
    FORCE_HELP,
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...OUT,
    ...FORCE,
    ...JSON_FLAG,
    ...INTERMEDIATE_TOKEN_USE,
    key: { type: 'string' },
    days: { type: 'string' },
    'key-passout': { type: 'string' },
    'no-key-encryption': { type: 'boolean' },
    expiring: { type: 'string' },
  },
  positionals: { min: 0, max: 1 },
  async run(context) {
    const { io, values, positionals, passphrases } = context;
    const expiringDays = integer(values, 'expiring');
    if ((expiringDays === undefined) === (positionals.length === 0))
      throw new UsageError('give the SERIAL of one certificate, or --expiring DAYS, not both');
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
    if (expiringDays !== undefined)
      return renewExpiring(context, expiringDays, { key, destination, keyPassphrase, days });
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

/** `renew --expiring DAYS`: the batch, in the one unlock of this command. */
async function renewExpiring(
  context: CommandContext,
  withinDays: number,
  options: {
    key: 'same' | KeyAlgorithm;
    destination: string;
    keyPassphrase: string | null | undefined;
    days?: number | undefined;
  },
): Promise<void> {
  const { io, values } = context;
  const result = await withSession(context, (operations) =>
    operations.call('renewBatch', {
      expiringWithinDays: withinDays,
      key: options.key,
      destination: options.destination,
      force: flag(values, 'force'),
      ...(options.keyPassphrase !== undefined ? { keyPassphrase: options.keyPassphrase } : {}),
      ...(options.days ? { days: options.days } : {}),
    }),
  );
  if (flag(values, 'json')) return printJson(io, result);
  const { renewed, needRequest, alreadyRenewed } = result;
  if (renewed.length + needRequest.length + alreadyRenewed.length === 0) {
    print(io, `Nothing expires within ${withinDays} days.`);
    return;
  }
  for (const item of renewed)
    print(
      io,
      `Renewed ${item.oldSerial} as ${item.newSerial} (${item.subject}), valid until ${textDate(item.notAfter)} → ${item.folder}`,
    );
  if (renewed.length > 0)
    print(
      io,
      `${renewed.length} renewed; every bundle written and verified. The old certificates stay valid until you revoke them.`,
    );
  if (needRequest.length > 0) {
    print(io, 'Need a new request from their owner (issued from a CSR, or imported; not renewed):');
    for (const item of needRequest) print(io, `  ${item.serial}  ${item.subject}  expires ${textDate(item.notAfter)}`);
  }
  for (const item of alreadyRenewed)
    print(io, `Already renewed: ${item.serial} (${item.subject}) by ${item.renewedBy}.`);
}
