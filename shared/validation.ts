import * as v from 'valibot';

/**
 * Valibot's default messages quote the received value. A misplaced passphrase
 * must never be echoed back into an error, so defaults are replaced by ours,
 * which name the field and what it expects, nothing more. Messages written
 * into a schema on purpose are kept.
 */
const NO_CUSTOM_MESSAGE = '';

/** Field names come from the caller too: only plain identifiers are repeated. */
function fieldName(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  if (path === null) return 'the request';
  return /^[A-Za-z0-9_.]{1,64}$/.test(path) ? `"${path}"` : 'a field';
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const field = fieldName(issue);
  if (issue.message !== NO_CUSTOM_MESSAGE) return `${field}: ${issue.message}`;
  if (issue.type === 'strict_object' && issue.expected === 'never') return `${field} is not a field of this request`;
  return `${field} must be ${issue.expected ?? issue.type}`;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: string[] };

export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown): Parsed<v.InferOutput<S>> {
  const result = v.safeParse(schema, input, { abortEarly: false, message: () => NO_CUSTOM_MESSAGE });
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, problems: result.issues.map(describeIssue) };
}
