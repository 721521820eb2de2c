import { createHash } from 'node:crypto';
import path from 'node:path';
import { FORCE, FORCE_HELP, JSON_FLAG, JSON_HELP, OUT, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson, progress } from '../io';
import { checkOutput, writeOutput } from '../output-file';
import { withoutSession } from '../session';
import { flag, required, storeDir } from '../values';
import { addPendingNote } from '../../store/pending-notes';

export const exportRoot: Command = {
  name: 'export root',
  summary: 'write the root trust kit for every platform (no passphrase needed)',
  synopsis: 'export root --store DIR --out DIR',
  help: [STORE_HELP, "--out DIR                the kit's folder (created if needed)", FORCE_HELP, JSON_HELP],
  options: { ...STORE, ...OUT, ...FORCE, ...JSON_FLAG },
  async run(context) {
    const { io, values } = context;
    const destination = required(values, 'out');
    const result = await withoutSession(context, (operations) =>
      operations.call('exportRoot', { destination, force: flag(values, 'force') }),
    );
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `Wrote the root trust kit to ${result.folder}:`);
    for (const file of result.files) print(io, `  ${file.sha256}  ${file.name}`);
    print(io, 'Written and verified. Compare the fingerprints in README.txt with your paper record.');
  },
};

export const exportChain: Command = {
  name: 'export chain',
  summary: 'write the CA chain, intermediate then root, as PEM (no passphrase needed)',
  synopsis: 'export chain --store DIR --out FILE',
  help: [STORE_HELP, '--out FILE               where to write the chain (- for standard output)', FORCE_HELP],
  options: { ...STORE, ...OUT, ...FORCE },
  async run(context) {
    const { io, values } = context;
    const out = required(values, 'out');
    await checkOutput(io.cwd, out, flag(values, 'force'));
    const result = await withoutSession(context, (operations) => operations.call('exportChain', {}));
    const file = await writeOutput(io, out, result.pem, flag(values, 'force'));
    if (out === '-') return progress(io, 'wrote the CA chain to standard output');
    // No passphrase, no journal: a note the next unlock journals (store/pending-notes.ts).
    await addPendingNote(storeDir(values, io), {
      at: new Date().toISOString(),
      kind: 'ca-chain',
      folder: path.dirname(file),
      files: [{ name: path.basename(file), sha256: createHash('sha256').update(result.pem).digest('hex') }],
    }).catch(() => undefined);
    print(io, `Wrote the CA chain to ${file}.`);
  },
};
