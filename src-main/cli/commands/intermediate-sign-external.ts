import { ROOT_SHARE, ROOT_SHARE_HELP, readRootCredential, type RootCredential } from '../custody-args';
import { CA_PURPOSES, VALIDITY_DAYS } from '../../../shared/domain/pki';
import { RootkeeperError, rejected } from '../../../shared/errors';
import { parseCsr } from '../../engine/csr';
import { checkExternalRequest, type ExternalRequestOptions } from '../../engine/external-ca';
import { checkCrlUrl } from '../../engine/profiles/intermediate';
import { x509 } from '../../engine/x509';
import { ClosedStore } from '../../store/store';
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
import { STDIO, readInputFile } from '../input-file';
import { print, printJson, progress, textDate } from '../io';
import { reserveOutput } from '../output-file';
import { withSession } from '../session';
import { choice, days as daysOption, flag, list, optional, required, storePath } from '../values';

export const intermediateSignExternal: Command = {
  name: 'intermediate sign-external',
  summary: "sign an online CA's request with the root (step-ca, Vault, cfssl): an external intermediate",
  synopsis:
    'intermediate sign-external --store DIR --csr FILE [--days N] [--purpose server|client|both] [--permit-dns NAME]… [--exclude-dns NAME]… [--permit-ip CIDR]… [--exclude-ip CIDR]… [--crl-url URL] --out FILE [--root-passin SRC | --root-share SRC… | --root-pin-passin SRC] --operator-passin SRC',
  help: [
    STORE_HELP,
    "--csr FILE               the online CA's request (PEM or DER); only its name and key are used",
    "--days N                 validity in days (default 1826, shortened to the root's end; a given N must fit in it)",
    '--purpose P              server, client or both: what it may issue (default server)',
    '--permit-dns NAME        name constraint: only this domain and names under it (repeatable)',
    '--exclude-dns NAME       name constraint: never this domain or names under it (repeatable)',
    '--permit-ip CIDR         name constraint: only addresses in this range (repeatable)',
    '--exclude-ip CIDR        name constraint: never addresses in this range (repeatable)',
    "--crl-url URL            http:// URL of the root's CRL (default: the one the store's latest intermediate names)",
    '--out FILE               where to write the certificate: PEM if it ends in .pem (or is -, standard output), else DER',
    '--root-passin SRC        the root passphrase (read before the operator passphrase)',
    ...ROOT_SHARE_HELP,
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
    csr: { type: 'string' },
    days: { type: 'string' },
    purpose: { type: 'string' },
    'permit-dns': { type: 'string', multiple: true },
    'exclude-dns': { type: 'string', multiple: true },
    'permit-ip': { type: 'string', multiple: true },
    'exclude-ip': { type: 'string', multiple: true },
    'crl-url': { type: 'string' },
    'root-passin': { type: 'string' },
    ...ROOT_SHARE,
  },
  async run(context) {
    const { io, values } = context;
    const csrFile = required(values, 'csr');
    const out = required(values, 'out');
    const purpose = choice(values, 'purpose', CA_PURPOSES);
    const days = daysOption(values, VALIDITY_DAYS.intermediate.max, 'an intermediate');
    const crlOption = optional(values, 'crl-url');
    const crlUrl = crlOption !== undefined ? checkCrlUrl(crlOption) : undefined;
    const nameConstraints = {
      permittedDns: list(values, 'permit-dns'),
      excludedDns: list(values, 'exclude-dns'),
      permittedIp: list(values, 'permit-ip'),
      excludedIp: list(values, 'exclude-ip'),
    };
    // Everything is checked before any passphrase: the request, its signature, the days against the root, the file.
    const csr = await readInputFile(io, csrFile);
    await checkRequest(context, csr, csrFile, { ...(days ? { days } : {}), nameConstraints });
    const output = await reserveOutput(io, out, flag(values, 'force'));
    let root: RootCredential | undefined;
    const result = await output.around(() =>
      withSession(
        context,
        (operations) => {
          progress(io, "unlocking the root to sign the online CA's intermediate (argon2id)…");
          return operations.call('signExternalIntermediate', {
            csr,
            ...root,
            nameConstraints,
            ...(days ? { days } : {}),
            ...(purpose ? { purpose } : {}),
            ...(crlUrl ? { crlUrl } : {}),
          });
        },
        async () => {
          root = await readRootCredential(context);
        },
      ),
    );
    const { pem, serial } = result.certificate;
    const file = await output.write(
      out === STDIO || out.endsWith('.pem') ? pem : new Uint8Array(x509.PemConverter.decodeFirst(pem)),
      `The external intermediate ${serial} was signed and journaled`,
      `Write its certificate again with: rootkeeper show ${serial} --pem`,
    );
    if (flag(values, 'json')) return printJson(io, { ...result, file });
    for (const warning of result.warnings) progress(io, `warning: ${warning}`);
    const say = (text: string) => (out === STDIO ? progress(io, text) : print(io, text));
    say(`Signed the external intermediate ${result.certificate.subject} for an online CA, written to ${file}.`);
    say(
      `Serial:   ${serial} (recorded; it never issues here — revoke it with: rootkeeper revoke ${serial} --root-passin …)`,
    );
    say(`Valid:    ${textDate(result.certificate.notBefore)} to ${textDate(result.certificate.notAfter)}`);
    say(`SHA-256:  ${result.certificate.sha256}`);
    say(`Root CRL: ${result.crlUrl ?? 'none written into it (give --crl-url)'}`);
    say(
      'Give the online CA this certificate and the root (rootkeeper export root); see docs/pki.md for step-ca, Vault and cfssl.',
    );
  },
};

/** The request parsed and its signature verified, and checked against the root's certificate (no unlock needed). */
async function checkRequest(
  context: CommandContext,
  csr: Uint8Array,
  file: string,
  options: ExternalRequestOptions,
): Promise<void> {
  let parsed;
  try {
    parsed = await parseCsr(csr);
  } catch (error) {
    if (!(error instanceof RootkeeperError) || error.code !== 'REJECTED_INPUT') throw error;
    throw rejected(error.reason ?? 'malformed', `${file}: ${error.message}`);
  }
  const store = await ClosedStore.open(storePath(context.values, context.io));
  checkExternalRequest(parsed, new x509.X509Certificate(Buffer.from(store.rootCertificate)), options);
}
