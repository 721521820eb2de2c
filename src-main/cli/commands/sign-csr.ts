import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LEAF_PROFILES } from '../../../shared/domain/pki';
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
import { withSession } from '../session';
import { choice, flag, integer, required } from '../values';

export const signCsr: Command = {
  name: 'sign-csr',
  summary: 'sign CSRs (many at once, one unlock) and write a bundle folder for each',
  synopsis: 'sign-csr --store DIR FILE… --profile server|client [--days N] --out DIR --operator-passin SRC',
  help: [
    STORE_HELP,
    'FILE…                    the requests (PEM or DER); their SANs are kept',
    '--profile P              server or client',
    '--days N                 validity in days (default 397, at most 825)',
    '--out DIR                the folder the bundle folders are written in',
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
    profile: { type: 'string' },
    days: { type: 'string' },
  },
  positionals: { min: 1, max: 100_000 },
  async run(context) {
    const { io, values, positionals } = context;
    const profile = choice(values, 'profile', LEAF_PROFILES) ?? (required(values, 'profile') as never);
    const destination = required(values, 'out');
    const days = integer(values, 'days');
    const csrs = await Promise.all(
      positionals.map(async (file) => new Uint8Array(await readFile(path.resolve(io.cwd, file)))),
    );
    const result = await withSession(context, async (operations) => {
      if (csrs.length > 1) progress(io, `signing ${csrs.length} requests…`);
      return operations.call('signCsrs', {
        csrs,
        names: [...positionals],
        profile,
        destination,
        force: flag(values, 'force'),
        ...(days ? { days } : {}),
      });
    });
    if (flag(values, 'json')) return printJson(io, result);
    for (const [index, issued] of result.issued.entries()) {
      for (const warning of issued.warnings) progress(io, `warning: ${positionals[index]}: ${warning}`);
      print(
        io,
        `${positionals[index]}: issued serial ${issued.certificate.serial} for ${issued.certificate.sans.map((san) => `${san.type}:${san.value}`).join(', ')} → ${issued.bundle.folder}`,
      );
    }
    print(
      io,
      `Signed ${result.issued.length} request${result.issued.length === 1 ? '' : 's'}; every bundle written and verified.`,
    );
  },
};
