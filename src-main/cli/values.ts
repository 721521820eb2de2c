/** Reading parsed flags with the checks and sentences usage errors need. */
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { dnValueProblem } from '../../shared/validators/distinguished-name';
import { UsageError, progress, type Io } from './io';
import type { Values } from './command';

export function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function list(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

export function integer(values: Values, name: string): number | undefined {
  const value = optional(values, name);
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value)) throw new UsageError(`--${name} takes a whole number, not "${value}"`);
  return Number(value);
}

export function choice<T extends string>(values: Values, name: string, choices: readonly T[]): T | undefined {
  const value = optional(values, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}`);
  return value as T;
}

/** --days within its bounds, checked before any passphrase is asked or key made. */
export function days(values: Values, max: number, what: string, name = 'days'): number | undefined {
  const value = integer(values, name);
  if (value !== undefined && (value < 1 || value > max)) {
    throw rejected('invalid-option', `--${name} must be from 1 to ${max} for ${what}; ${value} was given.`);
  }
  return value;
}

/** A common name, held to the same check as every other name (no control characters, no overlong value). */
export function commonName(values: Values, name = 'cn'): string {
  const value = required(values, name);
  const problem = dnValueProblem('CN', value);
  if (problem) throw rejected('invalid-name', `--${name}: ${problem}.`);
  return value;
}

export const STORE_VARIABLE = 'ROOTKEEPER_STORE';

/** --store, else $ROOTKEEPER_STORE; the command says on stderr which store it uses. */
export function storeDir(values: Values, io: Io): string {
  const dir = storePath(values, io);
  progress(io, `store: ${dir}${optional(values, 'store') ? '' : ` (from ${STORE_VARIABLE})`}`);
  return dir;
}

/** The store's folder, as storeDir finds it, without saying so (for a check before the command's session). */
export function storePath(values: Values, io: Io): string {
  const chosen = optional(values, 'store') || io.env[STORE_VARIABLE];
  if (!chosen) throw new UsageError(`--store is required (or set ${STORE_VARIABLE})`);
  return path.resolve(io.cwd, chosen);
}
