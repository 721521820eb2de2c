import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VALIDITY_DAYS } from '../../../shared/domain/pki';
import { normaliseSerial } from '../../engine/serial';
import { x509 } from '../../engine/x509';
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
  type CommandContext,
} from '../command';
import { UsageError, print, printJson, progress, textDate } from '../io';
import { reserveOutput } from '../output-file';
import { INTERMEDIATE_TOKEN_USE, INTERMEDIATE_TOKEN_USE_HELP } from '../intermediate-token-args';
import { withSession } from '../session';
import { days as daysOption, flag, integer, optional, required } from '../values';
import { checkExportDestination } from '../../exports/folder';
import { CEREMONY, CEREMONY_HELP, ROOT_SHARE, ROOT_SHARE_HELP, ceremonyOf, readRootCredential } from '../custody-args';
import { printRecord } from '../custody-output';

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
  summary: 'sign the CRL of every intermediate that still signs (a folder ready to publish), or of one CA',
  synopsis:
    'crl --store DIR [--ca root|intermediate|SERIAL] [--days N | --schedule COUNTxDAYS [--grace DAYS]] --out DIR|FILE --operator-passin SRC [--root-passin SRC | --root-share SRC…] [--ceremony-record DIR [--witness NAME]…]',
  help: [
    STORE_HELP,
    '--ca CA                  root, intermediate (the active one) or the serial of an intermediate generation;',
    '                         without it, every intermediate that still signs (active and retired, not expired)',
    '--days N                 days until nextUpdate (default 30 for intermediates, 365 for the root)',
    '--out DIR|FILE           without --ca: a folder (created if missing) with each CRL as DER and .pem beside the',
    "                         intermediate's certificate, named after their URLs; with --ca (or a name ending in",
    '                         .crl or .pem): one file, PEM if the name ends in .pem (or is -, standard output),',
    '                         else DER (what CRL URLs serve)',
    '--ca CA --out DIR/       a folder (ends in / or exists): writes CA-crl-N/ with CA.crl (DER), CA.crl.pem,',
    '                         crls.pem and a README on publishing it (nginx) and on mutual TLS',
    '--schedule COUNTxDAYS    with --ca root: sign COUNT root CRLs ahead in one unlock, DAYS apart (e.g. 4x90), each',
    '                         a .crl named with its publication date, plus a README.txt of when to publish which',
    "--grace DAYS             with --schedule: how long each CRL stays valid past the next one's date (default 14)",
    '--root-passin SRC        the root passphrase, for --ca root (read before the operator passphrase)',
    ...ROOT_SHARE_HELP,
    ...CEREMONY_HELP,
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
    ca: { type: 'string' },
    days: { type: 'string' },
    schedule: { type: 'string' },
    grace: { type: 'string' },
    'root-passin': { type: 'string' },
    ...ROOT_SHARE,
    ...CEREMONY,
  },
  async run(context) {
    const { values } = context;
    const out = required(values, 'out');
    const ca = optional(values, 'ca');
    const schedule = optional(values, 'schedule');
    if (schedule !== undefined) {
      if (ca !== 'root') throw new UsageError('--schedule is for the root: give --ca root');
      return rootSchedule(context, schedule, out);
    }
    // The previous release wrote the intermediate's CRL to a file without --ca; a file name still means that.
    if (ca === undefined && out !== '-' && !/\.(crl|pem)$/i.test(out)) return publishFolder(context, out);
    return oneCrl(context, ca ?? 'intermediate', out);
  },
};

async function publishFolder(context: CommandContext, out: string): Promise<void> {
  const { io, values } = context;
  if (ceremonyOf(values, io.cwd)) throw new UsageError('--ceremony-record goes with --ca root: the root signs');
  const days = daysOption(values, VALIDITY_DAYS.crl.max, 'a CRL');
  checkExportDestination(path.resolve(io.cwd, out));
  const result = await withSession(context, (operations) =>
    operations.call('generateIssuerCrls', {
      destination: path.resolve(io.cwd, out),
      ...(days ? { days } : {}),
      force: flag(values, 'force'),
    }),
  );
  if (flag(values, 'json')) return printJson(io, result);
  print(io, `Wrote ${result.crls.length} CRL${result.crls.length === 1 ? '' : 's'} to ${result.written.folder}:`);
  for (const crl of result.crls)
    print(
      io,
      `  ${crl.crlFile} (+.pem): ${crl.subject} [${crl.status}], CRL number ${crl.crlNumber}, ${crl.entries} revoked, next update ${crl.nextUpdate}; certificate ${crl.certificateFile}`,
    );
}

async function oneCrl(context: CommandContext, caText: string, out: string): Promise<void> {
  const { io, values } = context;
  const days = daysOption(values, VALIDITY_DAYS.crl.max, 'a CRL');
  const ceremony = ceremonyOf(values, io.cwd);
  if (ceremony && caText !== 'root') throw new UsageError('--ceremony-record goes with --ca root: the root signs');
  const issuer = caText === 'root' || caText === 'intermediate' ? undefined : normaliseSerial(caText);
  if (caText !== 'root' && caText !== 'intermediate' && !issuer)
    throw new UsageError('--ca must be root, intermediate or the hex serial of an intermediate');
  const ca = caText === 'root' ? 'root' : 'intermediate';
  const folder = out !== '-' && (await isFolder(path.resolve(io.cwd, out), out));
  if (folder) checkExportDestination(path.resolve(io.cwd, out));
  let root: Awaited<ReturnType<typeof readRootCredential>> | undefined;
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
          ...(root ?? {}),
          ...(ceremony ? { ceremony } : {}),
          ...(issuer ? { issuer } : {}),
          ...(folder ? { destination: path.resolve(io.cwd, out) } : {}),
        });
      },
      async () => {
        if (ca === 'root') root = await readRootCredential(context);
      },
    );
  const result = output ? await output.around(sign) : await sign();
  const which = issuer ? `intermediate ${issuer}` : ca;
  if (result.written || !output) {
    if (flag(values, 'json')) return printJson(io, result);
    printRecord(io, result.ceremonyRecord);
    print(
      io,
      `Wrote the ${which} CRL number ${result.crlNumber} (${result.entries} revoked) to ${result.written?.folder}:`,
    );
    for (const file of result.written?.files ?? []) print(io, `  ${file.sha256}  ${file.name}`);
    return;
  }
  const data =
    out.endsWith('.pem') || out === '-' ? result.pem : new Uint8Array(x509.PemConverter.decodeFirst(result.pem));
  const file = await output.write(
    data,
    `The ${which} CRL number ${result.crlNumber} was signed and journaled`,
    'Its number is used; generate the next CRL and publish that one.',
  );
  if (out === '-') return progress(io, `wrote the ${which} CRL number ${result.crlNumber} to standard output`);
  if (flag(values, 'json')) return printJson(io, { ...result, file });
  printRecord(io, result.ceremonyRecord);
  print(
    io,
    `Wrote the ${which} CRL number ${result.crlNumber} (${result.entries} revoked) to ${file}; next update ${textDate(result.nextUpdate)}.`,
  );
}

async function rootSchedule(context: CommandContext, schedule: string, out: string): Promise<void> {
  const { io, values } = context;
  const ceremony = ceremonyOf(values, io.cwd);
  const match = /^([0-9]+)x([0-9]+)$/.exec(schedule);
  if (!match) throw new UsageError('--schedule takes COUNTxDAYS, e.g. 4x90');
  const graceDays = integer(values, 'grace');
  checkExportDestination(path.resolve(io.cwd, out));
  let root: Awaited<ReturnType<typeof readRootCredential>> | undefined;
  const result = await withSession(
    context,
    (operations) => {
      progress(io, 'unlocking the root to sign its CRL schedule (argon2id)…');
      return operations.call('scheduleRootCrls', {
        ...root!,
        ...(ceremony ? { ceremony } : {}),
        count: Number(match[1]),
        intervalDays: Number(match[2]),
        ...(graceDays !== undefined ? { graceDays } : {}),
        destination: path.resolve(io.cwd, out),
        force: flag(values, 'force'),
      });
    },
    async () => {
      root = await readRootCredential(context);
    },
  );
  if (flag(values, 'json')) return printJson(io, result);
  printRecord(io, result.ceremonyRecord);
  print(io, `Wrote ${result.crls.length} root CRLs to ${result.written.folder}; publish each on its date:`);
  for (const crl of result.crls)
    print(io, `  ${crl.publishOn.slice(0, 10)}  ${crl.file}  (number ${crl.crlNumber}, valid until ${crl.nextUpdate})`);
  if (result.supersedes)
    print(
      io,
      `This schedule supersedes the one signed on ${result.supersedes}: discard the remaining files of that one.`,
    );
}
