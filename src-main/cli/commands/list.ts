import { CERTIFICATE_STATUSES, type CertificateSummary } from '../../../shared/domain/certificates';
import { CERTIFICATE_SORTS } from '../../../shared/domain/operations';
import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson } from '../io';
import { withSession } from '../session';
import { choice, flag, integer, optional } from '../values';

export const list: Command = {
  name: 'list',
  summary: 'list every issued certificate with its status',
  synopsis:
    'list --store DIR [--json] [--search TEXT] [--status STATUS] [--expiring DAYS] [--sort KEY] --operator-passin SRC',
  help: [
    STORE_HELP,
    '--search TEXT            only certificates whose serial, subject or names contain TEXT',
    `--status STATUS          only ${CERTIFICATE_STATUSES.join(', ')} certificates`,
    '--expiring DAYS          only certificates expiring within DAYS days',
    `--sort KEY               ${CERTIFICATE_SORTS.join(', ')} (default issued); --descending reverses it`,
    OPERATOR_HELP,
    `${JSON_HELP}: one object per certificate`,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...JSON_FLAG,
    expiring: { type: 'string' },
    search: { type: 'string' },
    status: { type: 'string' },
    sort: { type: 'string' },
    descending: { type: 'boolean' },
  },
  async run(context) {
    const { io, values } = context;
    const request = {
      expiringWithinDays: integer(values, 'expiring'),
      query: optional(values, 'search'),
      status: choice(values, 'status', CERTIFICATE_STATUSES),
      sort: choice(values, 'sort', CERTIFICATE_SORTS),
      descending: flag(values, 'descending'),
    };
    const { certificates } = await withSession(context, (operations) => operations.call('listCertificates', request));
    if (flag(values, 'json')) return printJson(io, certificates);
    print(io, table(certificates));
  },
};

function table(certificates: readonly CertificateSummary[]): string {
  if (certificates.length === 0) return 'No certificates.';
  const rows = certificates.map((certificate) => [
    certificate.serial,
    certificate.status + (certificate.revocationReason ? ` (${certificate.revocationReason})` : ''),
    certificate.notAfter.slice(0, 10),
    certificate.subject,
    certificate.sans.map((san) => `${san.type}:${san.value}`).join(','),
  ]);
  const header = ['SERIAL', 'STATUS', 'EXPIRES', 'SUBJECT', 'NAMES'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
