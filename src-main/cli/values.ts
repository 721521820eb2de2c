/** Reading parsed flags with the checks and sentences usage errors need. */
import path from 'node:path';
import { UsageError } from './io';
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

export function storeDir(values: Values, cwd: string): string {
  return path.resolve(cwd, required(values, 'store'));
}
