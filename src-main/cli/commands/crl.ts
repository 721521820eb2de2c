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
import { print, printJson, progress } from '../io';
import { reserveOutput } from '../output-file';
import { withSession } from '../session';
import { choice, flag, integer, optional, required } from '../values';
import { x509 } from '../../engine/x509';

export const crl: Command = {
  name: 'crl',
  summary: "generate the intermediate's CRL, or the root's (with the root passphrase)",
  synopsis: 'crl --store DIR [--ca intermediate|root] [--days N] --out FILE --operator-passin SRC [--root-passin SRC]',
  help: [
    STORE_HELP,
    '--ca CA                  intermediate (default) or root',
    '--days N                 days until nextUpdate (default 30 for the intermediate, 365 for the root)',
    '--out FILE               where to write it: PEM if the name ends in .pem, else DER (what CRL URLs serve)',
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
    const days = integer(values, 'days');
    let rootPassphrase: string | undefined;
    // Claimed before the CRL number is used up: an existing file refuses the command with nothing changed.
    const output = await reserveOutput(io.cwd, out, flag(values, 'force'));
    const result = await output.around(() =>
      withSession(
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
          if (ca === 'root')
            rootPassphrase = await passphrases.read(optional(values, 'root-passin'), 'Root passphrase');
        },
      ),
    );
    const data = out.endsWith('.pem') ? result.pem : new Uint8Array(x509.PemConverter.decodeFirst(result.pem));
    const file = await output.write(
      data,
      `The ${ca} CRL number ${result.crlNumber} was signed and journaled`,
      'Its number is used; generate the next CRL and publish that one.',
    );
    if (flag(values, 'json')) return printJson(io, { ...result, file });
    print(
      io,
      `Wrote the ${ca} CRL number ${result.crlNumber} (${result.entries} revoked) to ${file}; next update ${result.nextUpdate}.`,
    );
  },
};
