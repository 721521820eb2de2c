import { FORCE, FORCE_HELP, OUT, type Command } from '../command';
import { readInputFile } from '../input-file';
import { UsageError, print } from '../io';
import { CliOperations } from '../operations';
import { checkOutput, writeOutput } from '../output-file';
import { choice, flag, optional } from '../values';

export const convert: Command = {
  name: 'convert',
  summary: 'convert certificates and chains among PEM, DER and PKCS#7',
  synopsis: 'convert IN --to pem|der|p7b [--out FILE]',
  help: [
    'IN                       a certificate or chain: PEM, DER or PKCS#7 (- for standard input)',
    '--to FORMAT              pem, der (one certificate) or p7b',
    '--out FILE               where to write it (default, or -: standard output)',
    FORCE_HELP,
  ],
  options: { ...OUT, ...FORCE, to: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ io, values, positionals }) {
    const to = choice(values, 'to', ['pem', 'der', 'p7b'] as const);
    if (!to) throw new UsageError('--to is required');
    const out = optional(values, 'out') ?? '-';
    await checkOutput(io.cwd, out, flag(values, 'force'));
    const input = await readInputFile(io, positionals[0]!);
    const { output } = await new CliOperations(io.cwd, io).call('convert', { input, to });
    const file = await writeOutput(io, out, output, flag(values, 'force'));
    if (out !== '-') print(io, `Wrote ${file}.`);
  },
};
