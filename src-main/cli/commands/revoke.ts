import { REVOCATION_REASONS } from '../../../shared/domain/pki';
import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson } from '../io';
import { withSession } from '../session';
import { choice, flag } from '../values';

const REASONS = REVOCATION_REASONS.filter((reason) => reason !== 'unspecified');

export const revoke: Command = {
  name: 'revoke',
  summary: 'revoke a certificate (it appears on the next CRL)',
  synopsis: `revoke --store DIR SERIAL [--reason ${REASONS.join('|')}] --operator-passin SRC`,
  help: [
    STORE_HELP,
    'SERIAL                   hex, as `openssl x509 -serial` prints it (case and colons ignored)',
    `--reason R               ${REASONS.join(', ')} (default: none given)`,
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG, reason: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(context) {
    const { io, values, positionals } = context;
    const reason = choice(values, 'reason', REASONS);
    const result = await withSession(context, (operations) =>
      operations.call('revoke', { serial: positionals[0]!, ...(reason ? { reason } : {}) }),
    );
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `Revoked ${result.serial}. Publish a new CRL: rootkeeper crl --store … --out FILE`);
  },
};
