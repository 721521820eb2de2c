import { CA_PURPOSES, KEY_ALGORITHMS, VALIDITY_DAYS } from '../../../shared/domain/pki';
import { decodeSingle } from '../../engine/formats/input';
import { parseSubject } from '../../engine/names';
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
  type Values,
} from '../command';
import { checkAiaUrl, checkCrlUrl } from '../../engine/profiles/intermediate';
import { print, printJson, progress, textDate } from '../io';
import { readInputFile } from '../input-file';
import { reserveOutput } from '../output-file';
import {
  INTERMEDIATE_TOKEN_CREATE,
  INTERMEDIATE_TOKEN_CREATE_HELP,
  intermediateTokenOf,
  readIntermediateTokenPlan,
} from '../intermediate-token-args';
import { withSession } from '../session';
import { choice, days as daysOption, flag, list, optional, required } from '../values';
import { CEREMONY, CEREMONY_HELP, ROOT_SHARE, ROOT_SHARE_HELP, ceremonyOf, readRootCredential } from '../custody-args';
import { printRecord } from '../custody-output';

const LINKS = { 'issued-crl-url': { type: 'string' }, 'issued-aia-url': { type: 'string' } } as const;
const ROTATE = { rotate: { type: 'boolean' } } as const;
const ISSUED_CRL_HELP =
  "--issued-crl-url URL     http:// URL of this intermediate's CRL: the CRL Distribution Point of every certificate it issues";
const ISSUED_AIA_HELP =
  "--issued-aia-url URL     http:// URL where this intermediate's certificate is published: AIA caIssuers of every certificate it issues";
const ROTATE_HELP =
  '--rotate                 replace the active intermediate: the new one issues, the old one is retired (keeps signing its CRL)';

/** The links, checked (http:// only) before any passphrase is asked. */
function issuedLinks(values: Values): { issuedCrlUrl?: string; issuedAiaUrl?: string } {
  const crl = optional(values, 'issued-crl-url');
  const aia = optional(values, 'issued-aia-url');
  return {
    ...(crl !== undefined ? { issuedCrlUrl: checkCrlUrl(crl) } : {}),
    ...(aia !== undefined ? { issuedAiaUrl: checkAiaUrl(aia) } : {}),
  };
}

export const intermediateCreate: Command = {
  name: 'intermediate create',
  summary: 'create the intermediate CA, signed by the root (needs the root passphrase)',
  synopsis:
    'intermediate create --store DIR --subject DN [--key ALG] [--days N] [--purpose server|client|both] [--permit-dns NAME]… [--exclude-dns NAME]… [--permit-ip CIDR]… [--exclude-ip CIDR]… [--permit-email DOMAIN]… [--crl-url URL] [--issued-crl-url URL] [--issued-aia-url URL] [--rotate] (--root-passin SRC | --root-share SRC… | --root-pin-passin SRC) [--intermediate-token SERIAL --intermediate-pkcs11-module PATH --intermediate-pin-passin SRC [--intermediate-key-id HEX | --use-existing-key HEX]] --operator-passin SRC [--ceremony-record DIR [--witness NAME]…]',
  help: [
    STORE_HELP,
    '--subject DN             the intermediate\'s name, e.g. "CN=Acme Issuing CA 1, O=Acme"',
    `--key ALG                ${KEY_ALGORITHMS.join('|')} (default ec-p384)`,
    '--days N                 validity in days (default 1826, never past the root)',
    '--purpose P              server, client or both: what it may issue (default server)',
    '--permit-dns NAME        name constraint: only this domain and names under it (repeatable)',
    '--exclude-dns NAME       name constraint: never this domain or names under it (repeatable)',
    '--permit-ip CIDR         name constraint: only addresses in this range (repeatable)',
    '--exclude-ip CIDR        name constraint: never addresses in this range (repeatable)',
    '--permit-email DOMAIN    name constraint: only mailboxes in this domain (repeatable)',
    "--crl-url URL            http:// URL where the root's CRL will be published",
    ISSUED_CRL_HELP,
    ISSUED_AIA_HELP,
    ROTATE_HELP,
    '--root-passin SRC        the root passphrase (read before the operator passphrase)',
    ...ROOT_SHARE_HELP,
    ...INTERMEDIATE_TOKEN_CREATE_HELP,
    ...CEREMONY_HELP,
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...JSON_FLAG,
    subject: { type: 'string' },
    key: { type: 'string' },
    days: { type: 'string' },
    purpose: { type: 'string' },
    'permit-dns': { type: 'string', multiple: true },
    'exclude-dns': { type: 'string', multiple: true },
    'permit-ip': { type: 'string', multiple: true },
    'exclude-ip': { type: 'string', multiple: true },
    'permit-email': { type: 'string', multiple: true },
    'crl-url': { type: 'string' },
    ...LINKS,
    ...ROTATE,
    'root-passin': { type: 'string' },
    ...ROOT_SHARE,
    ...INTERMEDIATE_TOKEN_CREATE,
    ...CEREMONY,
  },
  async run(context) {
    const { io, values } = context;
    const subject = required(values, 'subject');
    parseSubject(subject);
    const key = choice(values, 'key', KEY_ALGORITHMS);
    const purpose = choice(values, 'purpose', CA_PURPOSES);
    const days = daysOption(values, VALIDITY_DAYS.intermediate.max, 'an intermediate');
    // Checked here, before any passphrase is asked, as sign-external does.
    const crlOption = optional(values, 'crl-url');
    const crlUrl = crlOption !== undefined ? checkCrlUrl(crlOption) : undefined;
    const links = issuedLinks(values);
    const nameConstraints = {
      permittedDns: list(values, 'permit-dns'),
      excludedDns: list(values, 'exclude-dns'),
      permittedIp: list(values, 'permit-ip'),
      excludedIp: list(values, 'exclude-ip'),
      permittedEmail: list(values, 'permit-email'),
    };
    const ceremony = ceremonyOf(values, io.cwd);
    const tokenArgs = intermediateTokenOf(values, io.cwd);
    let root: Awaited<ReturnType<typeof readRootCredential>> | undefined;
    let intermediateToken: Awaited<ReturnType<typeof readIntermediateTokenPlan>> | undefined;
    const result = await withSession(
      context,
      async (operations) => {
        progress(io, 'unlocking the root to sign the intermediate (argon2id)…');
        return operations.call('createIntermediate', {
          subject,
          ...root!,
          ...(ceremony ? { ceremony } : {}),
          nameConstraints,
          ...(key ? { key } : {}),
          ...(purpose ? { purpose } : {}),
          ...(days ? { days } : {}),
          ...(crlUrl ? { crlUrl } : {}),
          ...links,
          ...(flag(values, 'rotate') ? { rotate: true } : {}),
          ...(intermediateToken ? { intermediateToken } : {}),
        });
      },
      async () => {
        root = await readRootCredential(context);
        if (tokenArgs) intermediateToken = await readIntermediateTokenPlan(context, tokenArgs);
      },
    );
    if (flag(values, 'json')) return printJson(io, result);
    printRecord(io, result.ceremonyRecord);
    for (const warning of result.warnings) progress(io, `warning: ${warning}`);
    print(io, `Created the intermediate ${result.certificate.subject}`);
    print(io, `Serial:   ${result.certificate.serial}`);
    print(io, `Valid:    ${textDate(result.certificate.notBefore)} to ${textDate(result.certificate.notAfter)}`);
    print(io, `SHA-256:  ${result.certificate.sha256}`);
  },
};

export const intermediateCsr: Command = {
  name: 'intermediate csr',
  summary: "make the intermediate's key and a CSR for a root kept on another machine",
  synopsis:
    'intermediate csr --store DIR --subject DN [--key ALG] [--issued-crl-url URL] [--issued-aia-url URL] [--rotate] --out FILE --operator-passin SRC',
  help: [
    STORE_HELP,
    "--subject DN             the intermediate's name",
    `--key ALG                ${KEY_ALGORITHMS.join('|')} (default ec-p384)`,
    ISSUED_CRL_HELP,
    ISSUED_AIA_HELP,
    ROTATE_HELP,
    '--out FILE               where to write the CSR (PEM)',
    OPERATOR_HELP,
    FORCE_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...OUT,
    ...FORCE,
    ...LINKS,
    ...ROTATE,
    subject: { type: 'string' },
    key: { type: 'string' },
  },
  async run(context) {
    const { io, values } = context;
    const subject = required(values, 'subject');
    parseSubject(subject);
    const out = required(values, 'out');
    const key = choice(values, 'key', KEY_ALGORITHMS);
    const links = issuedLinks(values);
    const rotate = flag(values, 'rotate');
    const output = await reserveOutput(io, out, flag(values, 'force'));
    const result = await output.around(() =>
      withSession(context, (operations) =>
        operations.call('requestIntermediate', {
          subject,
          ...(key ? { key } : {}),
          ...links,
          ...(rotate ? { rotate } : {}),
        }),
      ),
    );
    const file = await output.write(
      result.csrPem,
      `The intermediate's key was made and its request journaled`,
      'Run rootkeeper intermediate csr again: it makes a new key and request, replacing the pending ones.',
    );
    if (out === '-') return;
    print(
      io,
      `Wrote the request for ${result.subject} to ${file}. Have the root sign it, then run "rootkeeper intermediate import".`,
    );
  },
};

export const intermediateImport: Command = {
  name: 'intermediate import',
  summary: 'import the intermediate certificate signed by the root for the pending key',
  synopsis: 'intermediate import --store DIR FILE [--rotate] --operator-passin SRC',
  help: [
    STORE_HELP,
    'FILE                     the signed certificate (PEM or DER)',
    ROTATE_HELP,
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG, ...ROTATE },
  positionals: { min: 1, max: 1 },
  async run(context) {
    const { io, values, positionals } = context;
    const certificate = await readInputFile(io, positionals[0]!);
    // Its kind is told before the unlock: a key or a CSR given by mistake costs no argon2id.
    decodeSingle(certificate, 'certificate');
    const rotate = flag(values, 'rotate');
    const result = await withSession(context, (operations) =>
      operations.call('importIntermediate', { certificate, ...(rotate ? { rotate } : {}) }),
    );
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `Imported the intermediate ${result.certificate.subject} (SHA-256 ${result.certificate.sha256}).`);
  },
};
