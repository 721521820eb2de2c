/** Checks each entry of an intermediate's name constraints before it is encoded. */
import type { NameConstraintsSpec } from '../domain/pki';
import { checkDnsName } from './dns-name';
import { checkEmailAddress } from './email';
import { parseCidr } from './ip-address';

export type ConstraintField = keyof NameConstraintsSpec;

export interface ConstraintProblem {
  readonly field: ConstraintField;
  readonly entry: string;
  readonly problem: string;
}

/** One entry of one field: a DNS subtree, a CIDR range, or an email domain or mailbox. */
export function checkConstraintEntry(field: ConstraintField, entry: string): string | null {
  if (field === 'permittedDns' || field === 'excludedDns') {
    if (entry.startsWith('.')) return `write "${entry.slice(1)}": it already covers every name under it`;
    const checked = checkDnsName(entry);
    return 'problem' in checked ? checked.problem : null;
  }
  if (field === 'permittedIp' || field === 'excludedIp') {
    const range = parseCidr(entry);
    return typeof range === 'string' ? range : null;
  }
  const domain = entry.startsWith('.') ? entry.slice(1) : entry;
  const checked = entry.includes('@') ? checkEmailAddress(entry) : checkDnsName(domain);
  return 'problem' in checked ? checked.problem : null;
}

export function checkNameConstraints(spec: NameConstraintsSpec): ConstraintProblem[] {
  const problems: ConstraintProblem[] = [];
  for (const field of Object.keys(spec) as ConstraintField[]) {
    for (const entry of spec[field] ?? []) {
      const problem = checkConstraintEntry(field, entry);
      if (problem) problems.push({ field, entry, problem });
    }
  }
  return problems;
}

export function isEmptyConstraints(spec: NameConstraintsSpec): boolean {
  return Object.values(spec).every((entries: readonly string[] | undefined) => !entries || entries.length === 0);
}
