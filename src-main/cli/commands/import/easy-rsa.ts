import path from 'node:path';
import { checkSourceFolder, isMkcertCaroot, readEasyRsaSource, readMkcertSource } from '../../../import';
import type { Command } from '../../command';
import { required } from '../../values';
import { NEW_STORE_HELP, NEW_STORE_OPTIONS, keyPassphrases, runImport } from './common';

export const importEasyRsa: Command = {
  name: 'import easy-rsa',
  summary: 'import an easy-rsa 3 pki/ (its CA becomes the root; new issuance goes through an intermediate under it)',
  synopsis:
    'import easy-rsa --store DIR --pki PATH --ca-key-passin SRC --root-passout SRC --operator-passout SRC [--dry-run] [--json]',
  help: [
    '--pki PATH               the easy-rsa pki/ folder (ca.crt, private/ca.key, index.txt, issued/…)',
    '--ca-key-passin SRC      the passphrase of private/ca.key',
    ...NEW_STORE_HELP,
  ],
  options: { ...NEW_STORE_OPTIONS, pki: { type: 'string' }, 'ca-key-passin': { type: 'string' } },
  async run(context) {
    const given = required(context.values, 'pki');
    const pki = path.resolve(context.io.cwd, given);
    await checkSourceFolder(pki, given);
    // A mkcert CAROOT handed over by mistake is read as what it is, and refused for what it is.
    const description = (await isMkcertCaroot(pki)) ? await readMkcertSource(pki) : await readEasyRsaSource(pki);
    const passphrases = await keyPassphrases(context, { root: 'ca-key-passin' }, false);
    await runImport(context, description, passphrases);
  },
};
