import path from 'node:path';
import { LEAF_PROFILES, VALIDITY_DAYS } from '../../../shared/domain/pki';
import { RootkeeperError, rejected } from '../../../shared/errors';
import { parseCsr } from '../../engine/csr';
import { looksLikeCsr } from '../../engine/lean-csr';
import { FLAT_BATCH_FILES } from '../../exports/flat';
import { checkExportDestination } from '../../exports/folder';
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
import { readInputFile } from '../input-file';
import { print, printJson, progress, type Io } from '../io';
import { INTERMEDIATE_TOKEN_USE, INTERMEDIATE_TOKEN_USE_HELP } from '../intermediate-token-args';
import { withSession } from '../session';
import { choice, days as daysOption, flag, required } from '../values';

export const signCsr: Command = {
  name: 'sign-csr',
  summary: 'sign CSRs (many at once, one unlock) and write a bundle folder for each, or --flat as openssl ca does',
  synopsis: 'sign-csr --store DIR FILE… --profile server|client [--days N] --out DIR [--flat] --operator-passin SRC',
  help: [
    STORE_HELP,
    'FILE…                    the requests (PEM or DER); their SANs are kept',
    '--profile P              server or client',
    '--days N                 validity in days (default 397, at most 825)',
    '--out DIR                the folder the bundle folders are written in',
    '--flat                   no bundle folders: SERIAL.pem for each certificate (named as openssl ca',
    '                         names them), one ca-chain.cert.pem and one SHA256SUMS, all in --out',
    OPERATOR_HELP,
    ...INTERMEDIATE_TOKEN_USE_HELP,
    FORCE_HELP,
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...OUT,
    ...FORCE,
    ...JSON_FLAG,
    ...INTERMEDIATE_TOKEN_USE,
    profile: { type: 'string' },
    days: { type: 'string' },
    flat: { type: 'boolean' },
  },
  positionals: { min: 1, max: 100_000 },
  async run(context) {
    const { io, values, positionals } = context;
    const profile = choice(values, 'profile', LEAF_PROFILES) ?? (required(values, 'profile') as never);
    const destination = required(values, 'out');
    const days = daysOption(values, VALIDITY_DAYS.leaf.max, 'a server or client certificate');
    const flat = flag(values, 'flat');
    // A flat batch's own files must be free too: refused before the unlock, and again before signing.
    checkExportDestination(path.resolve(io.cwd, destination), flat ? FLAT_BATCH_FILES : [], flag(values, 'force'));
    const csrs = await readRequests(io, positionals);
    const result = await withSession(context, async (operations) => {
      if (csrs.length > 1) progress(io, `signing ${csrs.length} requests…`);
      return operations.call('signCsrs', {
        csrs,
        names: [...positionals],
        profile,
        destination,
        force: flag(values, 'force'),
        ...(flat ? { flat } : {}),
        ...(days ? { days } : {}),
      });
    });
    if (flag(values, 'json')) return printJson(io, result);
    for (const [index, issued] of result.issued.entries()) {
      for (const warning of issued.warnings) progress(io, `warning: ${positionals[index]}: ${warning}`);
      print(
        io,
        `${positionals[index]}: issued serial ${issued.certificate.serial} for ${issued.certificate.sans.map((san) => `${san.type}:${san.value}`).join(', ')} → ${flat ? path.join(issued.bundle.folder, issued.bundle.files[0]!.name) : issued.bundle.folder}`,
      );
    }
    const count = `${result.issued.length} request${result.issued.length === 1 ? '' : 's'}`;
    print(
      io,
      flat
        ? `Signed ${count}; every certificate written to ${destination} with ca-chain.cert.pem and SHA256SUMS.`
        : `Signed ${count}; every bundle written and synced to disk.`,
    );
  },
};

/**
 * Every request read (type and size first) and looked at before the unlock:
 * a private key or a damaged file given by mistake is named at once, and
 * costs no argon2id. The look is the lean reader's walk, not a full reading
 * (which cost 2 ms a request, 20 s for 10,000, on one core before the pool
 * started): the operation reads each in full, on every core, and refuses
 * the batch naming the file (a forged signature, say) before it signs.
 */
async function readRequests(io: Io, files: readonly string[]): Promise<Uint8Array<ArrayBuffer>[]> {
  const csrs: Uint8Array<ArrayBuffer>[] = [];
  for (const file of files) {
    const bytes = await readInputFile(io, file);
    try {
      // A file that fails the quick look is read in full for the reason it is refused.
      if (!looksLikeCsr(bytes)) await parseCsr(bytes);
    } catch (error) {
      if (!(error instanceof RootkeeperError) || error.code !== 'REJECTED_INPUT') throw error;
      throw rejected(error.reason ?? 'malformed', `${file}: ${error.message}`);
    }
    csrs.push(bytes);
  }
  return csrs;
}
