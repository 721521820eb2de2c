/**
 * rootkeeper: the command-line front end. It runs the very operations the
 * app runs, through the same dispatcher. Exit codes: 0 done; 1 usage error;
 * 2 rejected input (nothing changed); 3 wrong passphrase or locked; 4 store
 * damaged or tampered; 5 any other failure.
 */
import { parseArgs } from 'node:util';
import { RootkeeperError } from '../../shared/errors';
import type { Command } from './command';
import { commands } from './commands';
import { EXIT, UsageError, exitCodeOf, print, printError, processIo, type Io } from './io';
import { OperationFailure } from './operations';
import { PassphraseSources } from './passin';
import { version } from './version';

export async function runCli(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    print(io, overview());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version') {
    print(io, version());
    return EXIT.ok;
  }
  const command = findCommand(argv);
  if (!command) {
    printError(io, `"${argv.slice(0, 2).join(' ')}" is not a command. Run "rootkeeper --help" for the list.`);
    return EXIT.usage;
  }
  return runCommand(command, argv.slice(command.name.split(' ').length), io);
}

function findCommand(argv: readonly string[]): Command | undefined {
  return commands.find((command) => command.name.split(' ').every((word, index) => argv[index] === word));
}

async function runCommand(command: Command, args: readonly string[], io: Io): Promise<number> {
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      print(io, help(command));
      return EXIT.ok;
    }
    checkPositionals(command, parsed.positionals);
    await command.run({
      io,
      values: parsed.values,
      positionals: parsed.positionals,
      passphrases: new PassphraseSources(io),
    });
    return EXIT.ok;
  } catch (error) {
    return reportError(command, error, io);
  }
}

function checkPositionals(command: Command, positionals: readonly string[]): void {
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (positionals.length < min) throw new UsageError('an argument is missing');
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`);
}

function reportError(command: Command, error: unknown, io: Io): number {
  if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith?.('ERR_PARSE_ARGS')) {
    printError(
      io,
      `${(error as Error).message}. Usage: rootkeeper ${command.synopsis} (see rootkeeper ${command.name} --help)`,
    );
    return EXIT.usage;
  }
  if (error instanceof OperationFailure) {
    printError(io, error.failure.message);
    return exitCodeOf(error.failure);
  }
  if (error instanceof RootkeeperError) {
    printError(io, error.message);
    return exitCodeOf(error.toFailure());
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    printError(io, `${(error as Error).message.replace(/^[A-Z]+: /, '')}. Check the path and try again.`);
    return EXIT.rejected;
  }
  printError(io, `an internal error stopped the command (${(error as Error).name}). Nothing was reported done.`);
  return EXIT.failure;
}

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'rootkeeper — a private certificate authority for air-gapped machines',
    '',
    'Usage: rootkeeper COMMAND [options]    (rootkeeper COMMAND --help for each)',
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Passphrase sources (--*-passin, --*-passout): pass:TEXT, env:VAR, file:PATH, fd:N, stdin;',
    'with none, rootkeeper asks on the terminal without echo.',
    'Exit codes: 0 done, 1 usage, 2 rejected input (nothing changed), 3 wrong passphrase or locked,',
    '4 store damaged or tampered, 5 other failure (or done and journaled, but a last step failed: see the message).',
  ].join('\n');
}

function help(command: Command): string {
  return [
    `rootkeeper ${command.name} — ${command.summary}`,
    '',
    `Usage: rootkeeper ${command.synopsis}`,
    '',
    ...command.help.map((line) => `  ${line}`),
  ].join('\n');
}
