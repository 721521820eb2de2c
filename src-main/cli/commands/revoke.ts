import { REVOCATION_REASONS } from '../../../shared/domain/pki';
import { normaliseSerial } from '../../engine/serial';
import { x509 } from '../../engine/x509';
import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson, progress } from '../io';
import { reserveOutput } from '../output-file';
import { rejected } from '../../../shared/errors';
import { OperationFailure, type CliOperations } from '../operations';
import { withSession } from '../session';
import { choice, flag, list, optional } from '../values';
import {
  CEREMONY,
  CEREMONY_HELP,
  ROOT_SHARE,
  ROOT_SHARE_HELP,
  ceremonyOf,
  readRootCredential,
  type RootCredential,
} from '../custody-args';
import { printRecord } from '../custody-output';

const REASONS = REVOCATION_REASONS.filter((reason) => reason !== 'unspecified');

export const revoke: Command = {
  name: 'revoke',
  summary:
    'revoke a certificate or an intermediate CA (a CA, or a leaf an imported root signed, with the root, which signs its new CRL at once)',
  synopsis: `revoke --store DIR SERIAL [--reason ${REASONS.join('|')}] [--root-passin SRC | --root-share SRC…] [--crl-out FILE] [--ceremony-record DIR [--witness NAME]…] --operator-passin SRC`,
  help: [
    STORE_HELP,
    'SERIAL                   hex, as `openssl x509 -serial` prints it (case and colons ignored): a certificate of any generation, or an intermediate',
    `--reason R               ${REASONS.join(', ')} (default: none given)`,
    '--root-passin SRC        the root passphrase, to revoke an intermediate or a leaf the (imported) root signed itself (read before the operator passphrase; else asked)',
    ...ROOT_SHARE_HELP,
    ...CEREMONY_HELP,
    "--crl-out FILE           for those: where to write the root's new CRL (PEM if it ends in .pem, else DER)",
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...JSON_FLAG,
    reason: { type: 'string' },
    'root-passin': { type: 'string' },
    ...ROOT_SHARE,
    ...CEREMONY,
    'crl-out': { type: 'string' },
    force: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run(context) {
    const { io, values, positionals } = context;
    const reason = choice(values, 'reason', REASONS);
    const serial = positionals[0]!;
    const rootGiven =
      optional(values, 'root-passin') !== undefined ||
      optional(values, 'root-pin-passin') !== undefined ||
      list(values, 'root-share').length > 0;
    const ceremony = ceremonyOf(values, io.cwd);
    let root: RootCredential | undefined;
    const crlOut = optional(values, 'crl-out');
    // The root CRL's file is claimed before anything is revoked or signed: an existing one changes nothing.
    const output = crlOut ? await reserveOutput(io, crlOut, flag(values, 'force')) : null;
    const change = () =>
      withSession(
        context,
        async (operations) => {
          const { intermediates } = await operations.call('listIntermediates', {});
          const authority = intermediates.find((generation) => generation.serial === normaliseSerial(serial));
          const rootLeaf = !authority && (await signedByRoot(operations, serial));
          if (!authority && !rootLeaf) {
            if (output)
              throw rejected(
                'invalid-option',
                '--crl-out is for what the root revokes (an intermediate, or a leaf an imported root signed); nothing was revoked.',
              );
            if (ceremony)
              throw rejected(
                'invalid-option',
                '--ceremony-record is for what the root revokes (an intermediate, or a leaf an imported root signed); nothing was revoked.',
              );
            const revoked = await operations.call('revoke', { serial, ...(reason ? { reason } : {}) });
            return { kind: 'certificate' as const, ...revoked };
          }
          root ??= await readRootCredential(context);
          progress(io, 'unlocking the root to sign its new CRL (argon2id)…');
          const revoked = await operations.call('revokeAuthority', {
            serial,
            ...root,
            ...(ceremony ? { ceremony } : {}),
            ...(reason ? { reason } : {}),
          });
          return { kind: rootLeaf ? ('root-leaf' as const) : ('intermediate' as const), ...revoked };
        },
        async () => {
          if (rootGiven) root = await readRootCredential(context);
        },
      );
    const result = output ? await output.around(change) : await change();
    if (result.kind === 'certificate') {
      if (flag(values, 'json')) return printJson(io, result);
      print(io, `Revoked ${result.serial}. Publish its issuer's new CRL: rootkeeper crl --store … --out DIR`);
      return;
    }
    const pem = result.rootCrl.pem;
    const file = output
      ? await output.write(
          crlOut!.endsWith('.pem') || crlOut === '-' ? pem : new Uint8Array(x509.PemConverter.decodeFirst(pem)),
          `The ${result.kind === 'root-leaf' ? 'certificate' : 'intermediate'} ${result.serial} was revoked and the root CRL number ${result.rootCrl.crlNumber} signed and journaled`,
          'Sign the root CRL again (rootkeeper crl --ca root) and publish that one.',
        )
      : null;
    if (flag(values, 'json')) return printJson(io, { ...result, file });
    printRecord(io, result.ceremonyRecord);
    print(
      io,
      `Revoked the ${result.kind === 'root-leaf' ? 'certificate (signed by the root)' : 'intermediate'} ${result.serial}; the root signed its CRL number ${result.rootCrl.crlNumber} (${result.rootCrl.entries} revoked)` +
        (file ? `, written to ${file}.` : '. Write it with: rootkeeper crl --ca root --store … --out FILE'),
    );
    if (result.wasActive)
      print(io, 'No intermediate is active now: rotate to a new one (intermediate create --rotate) before issuing.');
  },
};

/** Whether the serial is a leaf the (imported, single-tier) root signed itself: the root revokes it. */
async function signedByRoot(operations: CliOperations, serial: string): Promise<boolean> {
  try {
    return (await operations.call('showCertificate', { serial })).summary.issuedBy === 'root';
  } catch (error) {
    if (error instanceof OperationFailure && error.failure.reason === 'not-found') return false;
    throw error;
  }
}
