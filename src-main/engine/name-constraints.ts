/**
 * Whether names fall within a CA's name constraints (RFC 5280 §4.2.1.10):
 * a DNS name matches a subtree when it is the subtree or lies under it; an
 * address when it is inside the range; an email by mailbox, host or domain.
 * A constraint restricts only its own name form, as the RFC says.
 */
import type { SubjectAltName } from '../../shared/domain/pki';
import { ipInRange, parseIpAddress } from '../../shared/validators/ip-address';
import type { ParsedNameConstraints, ParsedSubtree } from './extensions/name-constraints';

export interface ConstraintViolation {
  readonly name: SubjectAltName;
  readonly why: 'excluded' | 'not-permitted';
}

export function findConstraintViolations(
  names: readonly SubjectAltName[],
  constraints: ParsedNameConstraints,
): ConstraintViolation[] {
  const violations: ConstraintViolation[] = [];
  for (const name of names) {
    if (constraints.excluded.some((subtree) => intersects(name, subtree))) {
      violations.push({ name, why: 'excluded' });
      continue;
    }
    const sameForm = constraints.permitted.filter((subtree) => subtree.type === formOf(name));
    if (sameForm.length > 0 && !sameForm.some((subtree) => within(name, subtree))) {
      violations.push({ name, why: 'not-permitted' });
    }
  }
  return violations;
}

function formOf(name: SubjectAltName): ParsedSubtree['type'] {
  return name.type === 'upn' ? 'other' : name.type;
}

/** The name lies entirely inside the subtree. */
function within(name: SubjectAltName, subtree: ParsedSubtree): boolean {
  if (name.type === 'dns' && subtree.type === 'dns') {
    const base = name.value.startsWith('*.') ? name.value.slice(2) : name.value;
    return dnsUnder(base, subtree.value);
  }
  if (name.type === 'ip' && subtree.type === 'ip') return ipWithin(name.value, subtree);
  if (name.type === 'email' && subtree.type === 'email') return emailWithin(name.value, subtree.value);
  return false;
}

/** Some name the certificate is valid for lies inside the subtree (a wildcard covers many). */
function intersects(name: SubjectAltName, subtree: ParsedSubtree): boolean {
  if (name.type === 'dns' && subtree.type === 'dns' && name.value.startsWith('*.')) {
    const parent = name.value.slice(2);
    // *.parent covers every one-label child of parent: it meets the subtree if the subtree holds
    // parent itself (so all its children), or is one of those children.
    return dnsUnder(parent, subtree.value) || parentOf(subtree.value) === parent;
  }
  return within(name, subtree);
}

function dnsUnder(name: string, base: string): boolean {
  const lowerName = name.toLowerCase();
  const lowerBase = base.toLowerCase();
  return lowerBase === '' || lowerName === lowerBase || lowerName.endsWith(`.${lowerBase}`);
}

function parentOf(name: string): string {
  return name.slice(name.indexOf('.') + 1);
}

function ipWithin(address: string, subtree: Extract<ParsedSubtree, { type: 'ip' }>): boolean {
  const bytes = parseIpAddress(address);
  return bytes !== null && ipInRange(bytes, subtree.address, subtree.mask);
}

/** RFC 5280: "user@host" is one mailbox, "host" every mailbox on it, ".domain" every host under it. */
function emailWithin(address: string, constraint: string): boolean {
  const lower = address.toLowerCase();
  const host = lower.slice(lower.lastIndexOf('@') + 1);
  if (constraint.includes('@')) return lower === constraint;
  if (constraint.startsWith('.')) return host.endsWith(constraint);
  return host === constraint;
}
