import { stat } from 'node:fs/promises';
import path from 'node:path';
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
import { reserveOutput } from '../output-file';
import { withSession } from '../session';
import { choice, days as daysOption, flag, optional, required } from '../values';
import { x509 } from '../../engine/x509';
import { checkExportDestination } from '../../exports/folder';

/** --out names a folder when it ends in a slash or is one already. */
async function isFolder(target: string, given: string): Promise<boolean> {
  if (given.endsWith('/')) return true;
  return stat(target).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

export const crl: Command = {
  name: 'crl',
  summary: "generate the intermediate's CRL, or the root's (with the root passphrase)",
  synopsis:
    'crl --store DIR [--ca intermediate|root] [--days N] --out FILE|DIR/ --operator-passin SRC [--root-passin SRC]',
  help: [
    STORE_HELP,
    '--ca CA                  intermediate (default) or root',
    '--days N                 days until nextUpdate (default 30 for the intermediate, 365 for the root)',
    '--out FILE               where to write it: PEM if the name ends in .pem (or is -, standard output), else DER (what CRL URLs serve)',
    '--out DIR/               a folder (ends in / or exists): writes CA-crl-N/ with CA.crl (DER), CA.crl.pem,',
    '                         crls.pem and a README on publishing it (nginx) and on mutual TLS',
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
    const folder = out !== '-' && (await isFolder(path.resolve(io.cwd, out), out));
    if (folder) checkExportDestination(path.resolve(io.cwd, out));
    let rootPassphrase: string | undefined;
    // A file is claimed before the CRL number is used up: an existing one refuses the command with nothing changed.
    const output = folder ? null : await reserveOutput(io, out, flag(values, 'force'));
    const sign = () =>
      withSession(
        context,
        (operations) => {
          if (ca === 'root') progress(io, 'unlocking the root to sign its CRL (argon2id)…');
          return operations.call('generateCrl', {
            ca,
            ...(days ? { days } : {}),
            ...(rootPassphrase !== undefined ? { rootPassphrase } : {}),
            ...(folder ? { destination: path.resolve(io.cwd, out) } : {}),
          });
        },
        async () => {
          if (ca === 'root')
            rootPassphrase = await passphrases.read(optional(values, 'root-passin'), 'Root passphrase');
        },
      );
    const result = output ? await output.around(sign) : await sign();
    if (result.written || !output) {
      if (flag(values, 'json')) return printJson(io, result);
      print(
        io,
        `Wrote the ${ca} CRL number ${result.crlNumber} (${result.entries} revoked) to ${result.written?.folder}:`,
      );
      for (const file of result.written?.files ?? []) print(io, `  ${file.sha256}  ${file.name}`);
      return;
    }
    const data =
      out.endsWith('.pem') || out === '-' ? result.pem : new Uint8Array(x509.PemConverter.decodeFirst(result.pem));
    const file = await output.write(
      data,
      `The ${ca} CRL number ${result.crlNumber} was signed and journaled`,
      'Its number is used; generate the next CRL and publish that one.',
    );
    if (out === '-') return progress(io, `wrote the ${ca} CRL number ${result.crlNumber} to standard output`);
    if (flag(values, 'json')) return printJson(io, { ...result, file });
    print(
      io,
      `Wrote the ${ca} CRL number ${result.crlNumber} (${result.entries} revoked) to ${file}; next update ${textDate(result.nextUpdate)}.`,
    );
  },
};
