import type { CertificateSummary } from '../../../shared/domain/certificates';
import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson } from '../io';
import { withSession } from '../session';
import { flag, integer } from '../values';

export const list: Command = {
  name: 'list',
  summary: 'list every issued certificate with its status',
  synopsis: 'list --store DIR [--json] [--expiring DAYS] --operator-passin SRC',
  help: [
    STORE_HELP,
    '--expiring DAYS          only certificates expiring within DAYS days',
    OPERATOR_HELP,
    `${JSON_HELP}: one object per certificate`,
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG, expiring: { type: 'string' } },
  async run(context) {
    const { io, values } = context;
    const expiring = integer(values, 'expiring');
    const { certificates } = await withSession(context, (operations) =>
      operations.call('listCertificates', expiring === undefined ? {} : { expiringWithinDays: expiring }),
    );
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
