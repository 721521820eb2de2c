import path from 'node:path';
import { KEY_ALGORITHMS, LEAF_PROFILES, VALIDITY_DAYS, type SubjectAltName } from '../../../shared/domain/pki';
import { bundleNameFor } from '../../exports/bundle';
import { checkExportDestination } from '../../exports/folder';
import { checkExportPassphrase } from '../../operations/issuing-ops';
import { parseSanSpec } from '../../../shared/validators/subject-alt-name';
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
import { UsageError, print, printJson, progress, textDate } from '../io';
import { INTERMEDIATE_TOKEN_USE, INTERMEDIATE_TOKEN_USE_HELP } from '../intermediate-token-args';
import { withSession } from '../session';
import { choice, commonName as commonNameOption, days as daysOption, flag, list, optional, required } from '../values';

export const SAN_HELP = '--san TYPE:VALUE         a name: dns:NAME, ip:ADDR, email:ADDR or upn:ADDR (repeatable)';

export function parseSans(specs: readonly string[]): SubjectAltName[] {
  return specs.map((spec) => {
    const san = parseSanSpec(spec);
    if ('problem' in san) throw new UsageError(`--san ${spec}: ${san.problem}`);
    return san;
  });
}

export const issue: Command = {
  name: 'issue',
  summary: 'issue a server or client certificate with a key made here, and write its bundle',
  synopsis:
    'issue --store DIR --profile server|client --cn NAME [--san dns:NAME|ip:ADDR|email:ADDR]… [--days N] [--key ALG] --out DIR [--key-passout SRC | --no-key-encryption] [--p12 modern|compatible --p12-passout SRC] --operator-passin SRC',
  help: [
    STORE_HELP,
    '--profile P              server or client',
    '--cn NAME                the common name; for servers a host name, added to the SANs',
    SAN_HELP,
    '--days N                 validity in days (default 397, at most 825: Apple refuses longer)',
    `--key ALG                ${KEY_ALGORITHMS.join('|')} (default ec-p256)`,
    '--out DIR                the folder the bundle folder is written in',
    '--key-passout SRC        the passphrase that encrypts the exported key (asked twice when not given)',
    '--no-key-encryption      write the key unencrypted: only if you must',
    '--p12 PROFILE            also write a PKCS#12: modern, or compatible (old macOS, Windows, Java)',
    '--p12-passout SRC        the PKCS#12 password (asked twice when not given)',
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
    cn: { type: 'string' },
    san: { type: 'string', multiple: true },
    days: { type: 'string' },
    key: { type: 'string' },
    'key-passout': { type: 'string' },
    'no-key-encryption': { type: 'boolean' },
    p12: { type: 'string' },
    'p12-passout': { type: 'string' },
  },
  async run(context) {
    const { io, values, passphrases } = context;
    const profile = choice(values, 'profile', LEAF_PROFILES) ?? required(values, 'profile');
    const commonName = commonNameOption(values);
    const sans = parseSans(list(values, 'san'));
    const destination = required(values, 'out');
    const key = choice(values, 'key', KEY_ALGORITHMS);
    const days = daysOption(values, VALIDITY_DAYS.leaf.max, 'a server or client certificate');
    const p12 = choice(values, 'p12', ['modern', 'compatible'] as const);
    if (flag(values, 'no-key-encryption') && optional(values, 'key-passout')) {
      throw new UsageError('--key-passout and --no-key-encryption cannot both be given');
    }
    checkBundleDestination(io.cwd, destination, profile, commonName, sans, flag(values, 'force'));
    const keyPassphrase = flag(values, 'no-key-encryption')
      ? null
      : await passphrases.read(optional(values, 'key-passout'), 'Key passphrase', true);
    checkExportPassphrase(keyPassphrase, 'key passphrase');
    const pkcs12 = p12
      ? { profile: p12, password: await passphrases.read(optional(values, 'p12-passout'), 'PKCS#12 password', true) }
      : undefined;
    checkExportPassphrase(pkcs12?.password, 'PKCS#12 password');
    const result = await withSession(context, async (operations) => {
      if (key === 'rsa-4096' || key === 'rsa-3072') progress(io, `generating the ${key} key…`);
      return operations.call('issueCertificate', {
        profile: profile as (typeof LEAF_PROFILES)[number],
        commonName,
        sans,
        destination,
        keyPassphrase,
        force: flag(values, 'force'),
        ...(pkcs12 ? { pkcs12 } : {}),
        ...(key ? { key } : {}),
        ...(days ? { days } : {}),
      });
    });
    if (flag(values, 'json')) return printJson(io, result);
    for (const warning of result.warnings) progress(io, `warning: ${warning}`);
    print(
      io,
      `Issued ${result.certificate.subject}, serial ${result.certificate.serial}, valid until ${textDate(result.certificate.notAfter)}`,
    );
    print(io, `Names:    ${result.certificate.sans.map((san) => `${san.type}:${san.value}`).join(', ')}`);
    print(io, `Bundle:   ${result.bundle.folder}`);
    for (const file of result.bundle.files) print(io, `  ${file.sha256}  ${file.name}`);
    print(io, 'Written and verified.');
  },
};

/**
 * The bundle folder the operation will write, checked before the unlock: a
 * link on the way or a bundle already there is refused at once. (The
 * operation checks again when it writes.)
 */
function checkBundleDestination(
  cwd: string,
  out: string,
  profile: string,
  cn: string,
  sans: readonly SubjectAltName[],
  force: boolean,
): void {
  const folder = path.resolve(cwd, out);
  checkExportDestination(folder);
  const names = profile === 'server' ? [{ type: 'dns', value: cn }, ...sans] : sans;
  const name = bundleNameFor(names, `CN=${cn}`);
  const files = [`${name}.cert.pem`, `${name}.fullchain.pem`, 'ca-chain.cert.pem', 'README.txt', 'SHA256SUMS'];
  checkExportDestination(path.join(folder, name), files, force);
}
