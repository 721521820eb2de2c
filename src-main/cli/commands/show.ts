import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { UsageError, print, printJson, textDate } from '../io';
import { withSession } from '../session';
import { OperationFailure } from '../operations';
import { flag } from '../values';

function isNotFound(error: unknown): boolean {
  return error instanceof OperationFailure && error.failure.reason === 'not-found';
}

export const show: Command = {
  name: 'show',
  summary: 'show one certificate (issued, an intermediate or the root), every field decoded',
  synopsis: 'show --store DIR SERIAL [--json | --pem] --operator-passin SRC',
  help: [
    STORE_HELP,
    'SERIAL                   hex, as `openssl x509 -serial` prints it',
    OPERATOR_HELP,
    JSON_HELP,
    '--pem                    print the certificate alone, as PEM (e.g. to hand an external intermediate over again)',
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG, pem: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(context) {
    const { io, values, positionals } = context;
    const serial = positionals[0]!;
    if (flag(values, 'json') && flag(values, 'pem')) throw new UsageError('give --json or --pem, not both');
    const result = await withSession(context, async (operations) => {
      const authority = await operations.call('showAuthority', { serial }).catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
      return authority ?? { kind: 'certificate' as const, ...(await operations.call('showCertificate', { serial })) };
    });
    if (flag(values, 'json')) return printJson(io, result);
    const { detail } = result;
    if (flag(values, 'pem')) return print(io, detail.pem);
    const status =
      result.kind === 'certificate'
        ? `${result.summary.status}${result.summary.revocationReason ? ` (${result.summary.revocationReason}, ${textDate(result.summary.revokedAt ?? '')})` : ''}${result.summary.issuedBy === 'root' ? '; signed by the root itself (revoking it needs --root-passin)' : ''}`
        : result.kind === 'root'
          ? 'root CA'
          : result.generation!.external
            ? `intermediate CA of an online CA (signed with sign-external; its key is not here), ${result.generation!.status}${result.generation!.revokedAt ? ` (${textDate(result.generation!.revokedAt)})` : ''}`
            : `intermediate CA, ${result.generation!.status}${result.generation!.revokedAt ? ` (${textDate(result.generation!.revokedAt)})` : ''}; issued ${result.generation!.issued}, CRL number ${result.generation!.crlNumber || 'never published'}`;
    print(
      io,
      [
        `Serial:      ${detail.serial}`,
        `Status:      ${status}`,
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
