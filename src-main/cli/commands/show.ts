import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson, textDate } from '../io';
import { withSession } from '../session';
import { flag } from '../values';

export const show: Command = {
  name: 'show',
  summary: 'show one issued certificate, every field decoded',
  synopsis: 'show --store DIR SERIAL [--json] --operator-passin SRC',
  help: [STORE_HELP, 'SERIAL                   hex, as `openssl x509 -serial` prints it', OPERATOR_HELP, JSON_HELP],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG },
  positionals: { min: 1, max: 1 },
  async run(context) {
    const { io, values, positionals } = context;
    const result = await withSession(context, (operations) =>
      operations.call('showCertificate', { serial: positionals[0]! }),
    );
    if (flag(values, 'json')) return printJson(io, result);
    const { detail, summary } = result;
    print(
      io,
      [
        `Serial:      ${detail.serial}`,
        `Status:      ${summary.status}${summary.revocationReason ? ` (${summary.revocationReason}, ${textDate(summary.revokedAt ?? '')})` : ''}`,
        `Subject:     ${detail.subject}`,
        `Issuer:      ${detail.issuer}`,
        `Not before:  ${textDate(detail.notBefore)}`,
        `Not after:   ${textDate(detail.notAfter)}`,
        `Public key:  ${detail.publicKey}`,
        `Signature:   ${detail.signatureAlgorithm}`,
        'Extensions:',
        ...detail.extensions.map(
          (extension) => `  ${extension.name}${extension.critical ? ' (critical)' : ''}: ${extension.value}`,
        ),
        `SHA-256:     ${detail.sha256}`,
        `SHA-1:       ${detail.sha1}`,
        '',
        detail.pem,
      ].join('\n'),
    );
  },
};
