import { CA_ROLES } from '../../../shared/domain/journal';
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
import { VALIDITY_DAYS } from '../../../shared/domain/pki';
import { print, printJson, progress, textDate } from '../io';
import { checkOutput, writeOutput } from '../output-file';
import { withSession } from '../session';
import { choice, days as daysOption, flag, optional, required } from '../values';
import { x509 } from '../../engine/x509';

export const crl: Command = {
  name: 'crl',
  summary: "generate the intermediate's CRL, or the root's (with the root passphrase)",
  synopsis: 'crl --store DIR [--ca intermediate|root] [--days N] --out FILE --operator-passin SRC [--root-passin SRC]',
  help: [
    STORE_HELP,
    '--ca CA                  intermediate (default) or root',
    '--days N                 days until nextUpdate (default 30 for the intermediate, 365 for the root)',
    '--out FILE               where to write it: PEM if the name ends in .pem (or is -, standard output), else DER (what CRL URLs serve)',
    '--root-passin SRC        the root passphrase, for --ca root (read before the operator passphrase)',
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
    ca: { type: 'string' },
    days: { type: 'string' },
    'root-passin': { type: 'string' },
  },
  async run(context) {
    const { io, values, passphrases } = context;
    const ca = choice(values, 'ca', CA_ROLES) ?? 'intermediate';
    const out = required(values, 'out');
    const days = daysOption(values, VALIDITY_DAYS.crl.max, 'a CRL');
    await checkOutput(io.cwd, out, flag(values, 'force'));
    let rootPassphrase: string | undefined;
    const result = await withSession(
      context,
      (operations) => {
        if (ca === 'root') progress(io, 'unlocking the root to sign its CRL (argon2id)…');
        return operations.call('generateCrl', {
          ca,
          ...(days ? { days } : {}),
          ...(rootPassphrase !== undefined ? { rootPassphrase } : {}),
        });
      },
      async () => {
        if (ca === 'root') rootPassphrase = await passphrases.read(optional(values, 'root-passin'), 'Root passphrase');
      },
    );
    const data =
      out.endsWith('.pem') || out === '-' ? result.pem : new Uint8Array(x509.PemConverter.decodeFirst(result.pem));
    const file = await writeOutput(io, out, data, flag(values, 'force'));
    if (out === '-') return progress(io, `wrote the ${ca} CRL number ${result.crlNumber} to standard output`);
    if (flag(values, 'json')) return printJson(io, { ...result, file });
    print(
      io,
      `Wrote the ${ca} CRL number ${result.crlNumber} (${result.entries} revoked) to ${file}; next update ${textDate(result.nextUpdate)}.`,
    );
  },
};
