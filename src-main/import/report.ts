/** The import report in words: what the dry run prints, and what a refusal prints before exit 2. */
import type { ImportReport } from './plan';

export function reportText(report: ImportReport): string {
  const lines: string[] = [`Import from ${report.source}: ${report.origin}`, ''];
  for (const ca of report.cas) {
    lines.push(
      `${ca.role === 'root' ? 'Root' : 'Intermediate'} CA: ${ca.subject}`,
      `  serial ${ca.serial}, valid until ${ca.notAfter}, SHA-256 ${ca.sha256}`,
      `  certificate ${ca.file}; key ${ca.keyFile ?? '(none found)'}${ca.keyChecked ? ' (opened, matches)' : ' (not opened)'}`,
      `  serial file ${ca.serialFile ?? '(none)'}; crlnumber file ${ca.crlNumberFile ?? '(none)'}; CRL numbers seen ${ca.crlNumbersSeen.join(', ') || '(none)'}; next CRL number ${ca.nextCrlNumber}`,
    );
  }
  lines.push('', `Certificates (${report.certificates.length}):`);
  for (const certificate of report.certificates) {
    const revocation = certificate.revocation
      ? ` on ${certificate.revocation.at} (${certificate.revocation.reason}${certificate.revocation.invalidityDate ? `, invalid since ${certificate.revocation.invalidityDate}` : ''})`
      : '';
    lines.push(
      `  ${certificate.issuer.padEnd(12)} ${certificate.serial.padEnd(12)} ${certificate.status}${revocation}  ${certificate.subject}${certificate.kind === 'ca' ? ' [CA]' : ''}  (${certificate.file})`,
    );
  }
  if (report.leafKeys.length > 0) {
    lines.push(
      '',
      'Leaf private keys found and NOT imported (hand them to their owners or destroy them; docs/import.md):',
    );
    for (const key of report.leafKeys) lines.push(`  ${key}`);
  }
  if (report.limits.length > 0) {
    lines.push('', 'Notes:');
    for (const limit of report.limits) lines.push(`  ${limit}`);
  }
  if (report.problems.length > 0) {
    lines.push('', `Problems (${report.problems.length}) — nothing can be imported until each is resolved:`);
    for (const problem of report.problems) {
      const where = [
        problem.file,
        problem.line ? `line ${problem.line}` : null,
        problem.serial ? `serial ${problem.serial}` : null,
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(`  ${where}: ${problem.message}`);
    }
  }
  lines.push('', report.ready ? 'Ready to import.' : 'Not ready: nothing was written.');
  return lines.join('\n');
}
