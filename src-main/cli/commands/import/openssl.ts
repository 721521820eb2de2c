import path from 'node:path';
import { checkSourceFolder, isMkcertCaroot, readMkcertSource, readOpensslSource } from '../../../import';
import type { Command } from '../../command';
import { optional, required } from '../../values';
import { NEW_STORE_HELP, NEW_STORE_OPTIONS, keyPassphrases, runImport } from './common';

export const importOpenssl: Command = {
  name: 'import openssl',
  summary: "import an OpenSSL CA folder (the guide's /root/ca): keys, history, revocations and counters",
  synopsis:
    'import openssl --store DIR --root-dir PATH [--intermediate-dir PATH] --root-key-passin SRC [--intermediate-key-passin SRC] --root-passout SRC --operator-passout SRC [--dry-run] [--json]',
  help: [
    '--root-dir PATH          the root CA folder (openssl.cnf, certs/, private/, index.txt, serial…)',
    '--intermediate-dir PATH  the intermediate folder (default: ROOT-DIR/intermediate when it exists)',
    '--root-key-passin SRC    the passphrase of the root key (private/ca.key.pem)',
    '--intermediate-key-passin SRC  the passphrase of the intermediate key',
    ...NEW_STORE_HELP,
  ],
  options: {
    ...NEW_STORE_OPTIONS,
    'root-dir': { type: 'string' },
    'intermediate-dir': { type: 'string' },
    'root-key-passin': { type: 'string' },
    'intermediate-key-passin': { type: 'string' },
  },
  async run(context) {
    const rootDir = required(context.values, 'root-dir');
    const intermediateDir = optional(context.values, 'intermediate-dir');
    const resolve = (value: string) => path.resolve(context.io.cwd, value);
    await checkSourceFolder(resolve(rootDir), rootDir);
    if (intermediateDir) await checkSourceFolder(resolve(intermediateDir), intermediateDir);
    const description = (await isMkcertCaroot(resolve(rootDir)))
      ? await readMkcertSource(resolve(rootDir))
      : await readOpensslSource({
          rootDir: resolve(rootDir),
          ...(intermediateDir ? { intermediateDir: resolve(intermediateDir) } : {}),
        });
    const hasIntermediate = description.cas.some((ca) => ca.role === 'intermediate');
    const passphrases = await keyPassphrases(
      context,
      { root: 'root-key-passin', intermediate: 'intermediate-key-passin' },
      hasIntermediate,
    );
    await runImport(context, description, passphrases);
  },
};
