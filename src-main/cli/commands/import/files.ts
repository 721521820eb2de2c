import { checkFilesSource, readFilesSource } from '../../../import';
import type { Command } from '../../command';
import { list } from '../../values';
import { NEW_STORE_HELP, NEW_STORE_OPTIONS, runImport } from './common';

export const importFiles: Command = {
  name: 'import files',
  summary:
    'import a CA from loose files (PEM/DER certificates and chains, keys, PKCS#12, CRLs; XCA, step, KSE exports)',
  synopsis:
    'import files --store DIR PATH… [--key-passin SRC]… --root-passout SRC --operator-passout SRC [--dry-run] [--json]',
  help: [
    'PATH…                    files or folders: certificates, chains, keys, PKCS#12 files and CRLs, in any mix',
    '--key-passin SRC         a passphrase for the encrypted keys and PKCS#12 files (repeat it; each is tried on each)',
    ...NEW_STORE_HELP,
  ],
  options: { ...NEW_STORE_OPTIONS, 'key-passin': { type: 'string', multiple: true } },
  positionals: { min: 1, max: 10_000 },
  async run(context) {
    // Every path is judged by type and size before a passphrase is asked.
    await checkFilesSource(context.positionals, context.io.cwd);
    const sources = list(context.values, 'key-passin');
    const passphrases: string[] = [];
    for (const source of sources) passphrases.push(await context.passphrases.read(source, 'Key passphrase'));
    const description = await readFilesSource(context.positionals, passphrases, context.io.cwd);
    // The keys the reader opened are checked against their certificates in every run, dry or not.
    await runImport(context, description, { root: '', intermediate: '' });
  },
};
