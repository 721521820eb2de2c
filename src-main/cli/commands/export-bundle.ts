import path from 'node:path';
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
import { print, printJson } from '../io';
import { withSession } from '../session';
import { flag, required } from '../values';

/**
 * A lost or partly written bundle, written again from the store: the
 * certificate, its own issuer's chain (a retired generation's for its
 * leaves) and the verification files — never a key, which the store does not
 * keep. What PARTIAL failures of issue and sign-csr tell the officer to run.
 */
export const exportBundle: Command = {
  name: 'export bundle',
  summary: "write an issued certificate's bundle again: certificate and chain, without its key",
  synopsis: 'export bundle --store DIR --serial SERIAL --out DIR [--force] [--json] --operator-passin SRC',
  help: [
    STORE_HELP,
    '--serial SERIAL          the certificate, hex as `openssl x509 -serial` prints it',
    '--out DIR                the folder the bundle folder is written in (named after its first DNS name)',
    OPERATOR_HELP,
    FORCE_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OUT, ...OPERATOR, ...FORCE, ...JSON_FLAG, serial: { type: 'string' } },
  async run(context) {
    const { io, values } = context;
    const serial = required(values, 'serial');
    const destination = path.resolve(io.cwd, required(values, 'out'));
    const result = await withSession(context, (operations) =>
      operations.call('exportBundle', { serial, destination, force: flag(values, 'force') }),
    );
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `Wrote the bundle of ${serial} to ${result.folder}:`);
    for (const file of result.files) print(io, `  ${file.sha256}  ${file.name}`);
    print(io, 'Written and verified; no key is in it (the store never kept it).');
  },
};
