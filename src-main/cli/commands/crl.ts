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
import { writeOutput } from '../output-file';
import { withSession } from '../session';
import { choice, flag, integer, required } from '../values';
import { CEREMONY, CEREMONY_HELP, ROOT_SHARE, ROOT_SHARE_HELP, ceremonyOf, readRootCredential } from '../custody-args';
import { printRecord } from '../custody-output';
import { x509 } from '../../engine/x509';

export const crl: Command = {
  name: 'crl',
  summary: "generate the intermediate's CRL, or the root's (with the root passphrase)",
  synopsis:
    'crl --store DIR [--ca intermediate|root] [--days N] --out FILE --operator-passin SRC [--root-passin SRC | --root-share SRC…] [--ceremony-record DIR [--witness NAME]…]',
  help: [
    STORE_HELP,
    '--ca CA                  intermediate (default) or root',
    '--days N                 days until nextUpdate (default 30 for the intermediate, 365 for the root)',
    '--out FILE               where to write it: PEM if the name ends in .pem, else DER (what CRL URLs serve)',
    '--root-passin SRC        the root passphrase, for --ca root (read before the operator passphrase)',
    ...ROOT_SHARE_HELP,
    ...CEREMONY_HELP,
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
    ...ROOT_SHARE,
    ...CEREMONY,
  },
  async run(context) {
    const { io, values } = context;
    const ca = choice(values, 'ca', CA_ROLES) ?? 'intermediate';
    const out = required(values, 'out');
    const days = integer(values, 'days');
    const ceremony = ceremonyOf(values, io.cwd);
    let root: Awaited<ReturnType<typeof readRootCredential>> | undefined;
    const result = await withSession(
      context,
      (operations) => {
        if (ca === 'root') progress(io, 'unlocking the root to sign its CRL (argon2id)…');
        return operations.call('generateCrl', {
          ca,
          ...(days ? { days } : {}),
          ...(root ?? {}),
          ...(ceremony ? { ceremony } : {}),
        });
      },
      async () => {
        if (ca === 'root') root = await readRootCredential(context);
      },
    );
    const data = out.endsWith('.pem') ? result.pem : new Uint8Array(x509.PemConverter.decodeFirst(result.pem));
    const file = await writeOutput(io.cwd, out, data, flag(values, 'force'));
    if (flag(values, 'json')) return printJson(io, { ...result, file });
    printRecord(io, result.ceremonyRecord);
    print(
      io,
      `Wrote the ${ca} CRL number ${result.crlNumber} (${result.entries} revoked) to ${file}; next update ${result.nextUpdate}.`,
    );
  },
};
