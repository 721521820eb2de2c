/** What every command file exports, step-CLI style: one command per file, the same flag names everywhere. */
import type { ParseArgsConfig } from 'node:util';
import type { Io } from './io';
import type { PassphraseSources } from './passin';

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface CommandContext {
  readonly io: Io;
  readonly values: Values;
  readonly positionals: readonly string[];
  readonly passphrases: PassphraseSources;
}

export interface Command {
  /** The words that name it: "issue", "intermediate create". */
  readonly name: string;
  readonly summary: string;
  /** The synopsis line, after "rootkeeper ". */
  readonly synopsis: string;
  /** One line per option, for --help. */
  readonly help: readonly string[];
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly positionals?: { readonly min: number; readonly max: number };
  run(context: CommandContext): Promise<void>;
}

/** Flags shared by many commands, spelled the same everywhere. */
export const STORE = { store: { type: 'string' } } as const;
export const JSON_FLAG = { json: { type: 'boolean' } } as const;
export const FORCE = { force: { type: 'boolean' } } as const;
export const OPERATOR = { 'operator-passin': { type: 'string' } } as const;
export const OUT = { out: { type: 'string' } } as const;

export const STORE_HELP = '--store DIR              the store folder';
export const OPERATOR_HELP =
  '--operator-passin SRC    the operator passphrase: pass:TEXT, env:VAR, file:PATH, fd:N or stdin (else asked)';
export const JSON_HELP = '--json                   print the result as JSON';
export const FORCE_HELP = '--force                  replace files that exist';
