import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FORCE, FORCE_HELP, OUT, type Command } from '../command';
import { print } from '../io';
import { writeOutput } from '../output-file';
import { CliOperations } from '../operations';
import { choice, flag, optional } from '../values';
import { UsageError } from '../io';

export const convert: Command = {
  name: 'convert',
  summary: 'convert certificates and chains among PEM, DER and PKCS#7',
  synopsis: 'convert IN --to pem|der|p7b [--out FILE]',
  help: [
    'IN                       a certificate or chain: PEM, DER or PKCS#7',
    '--to FORMAT              pem, der (one certificate) or p7b',
    '--out FILE               where to write it (default: standard output)',
    FORCE_HELP,
  ],
  options: { ...OUT, ...FORCE, to: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ io, values, positionals }) {
    const to = choice(values, 'to', ['pem', 'der', 'p7b'] as const);
    if (!to) throw new UsageError('--to is required');
    const input = new Uint8Array(await readFile(path.resolve(io.cwd, positionals[0]!)));
    const { output } = await new CliOperations(io.cwd, io).call('convert', { input, to });
    const out = optional(values, 'out');
    if (!out) {
      io.stdout.write(output);
      return;
    }
    print(io, `Wrote ${await writeOutput(io.cwd, out, output, flag(values, 'force'))}.`);
  },
};
