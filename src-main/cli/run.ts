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
  const secrets = passphraseArguments(argv);
  const group = groupOf(argv);
  if (group.length > 0) {
    print(io, groupHelp(argv[0]!, group));
    return argv[1] === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = findCommand(argv);
  if (!command) {
    const shown = redact(`"${argv.slice(0, 2).join(' ')}"`, secrets);
    printError(io, `${shown} is not a command. Run "rootkeeper --help" for the list.`);
    return EXIT.usage;
  }
  return runCommand(command, argv.slice(command.name.split(' ').length), redactingIo(io, secrets));
}

/**
 * What on the command line may be a passphrase: the values of every
 * --…-passin/--…-passout and anything that starts with "pass:". No error
 * message repeats them, whatever it quotes.
 */
function passphraseArguments(argv: readonly string[]): string[] {
  const secrets: string[] = [];
  argv.forEach((arg, index) => {
    const option = /^--[a-z0-9-]*pass(?:in|out)(=(.*))?$/s.exec(arg);
    if (option) {
      const value = option[1] !== undefined ? option[2] : argv[index + 1];
      if (value) secrets.push(value, value.replace(/^pass:/, ''));
    } else if (arg.startsWith('pass:')) {
      secrets.push(arg, arg.slice('pass:'.length));
    }
  });
  return [...new Set(secrets.filter((secret) => secret.length >= 4))].sort((a, b) => b.length - a.length);
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join('(not shown)'), text);
}

/** The same io, but stderr never carries a passphrase given on the command line. */
function redactingIo(io: Io, secrets: readonly string[]): Io {
  if (secrets.length === 0) return io;
  const stderr = io.stderr;
  const filtered = Object.create(stderr as object) as NodeJS.WritableStream;
  filtered.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    stderr.write(typeof chunk === 'string' ? redact(chunk, secrets) : chunk, ...rest)) as typeof stderr.write;
  return { ...io, stderr: filtered };
}

/** `rootkeeper export`, `rootkeeper audit --help`: the group's commands, when no command of it is named. */
function groupOf(argv: readonly string[]): Command[] {
  const [first, second] = argv;
  if (second !== undefined && second !== '--help' && second !== '-h') return [];
  return commands.filter((command) => command.name.startsWith(`${first} `));
}

function groupHelp(group: string, members: readonly Command[]): string {
  const width = Math.max(...members.map((command) => command.name.length));
  return [
    `rootkeeper ${group} — one of:`,
    '',
    ...members.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Run "rootkeeper ${group} COMMAND --help" for each.`,
  ].join('\n');
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
  // Not quoted: a passphrase typed without its option would land here.
  if (positionals.length > max) throw new UsageError(`unexpected argument number ${max + 1} (not shown)`);
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
