/**
 * DNS names as RFC 5280 wants them in a dNSName: the preferred name syntax of
 * RFC 1034 (letters, digits, hyphens), no trailing dot, and a wildcard only as
 * the whole left-most label. Internationalised names go in their xn-- form.
 */
import { parseIPv4, parseIPv6 } from './ip-address';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export interface DnsNameOptions {
  /** Allow "*.example.com" (leaf certificates); never in name constraints or CA names. */
  readonly allowWildcard?: boolean;
}

/** Returns the name in lower case, or a sentence saying what is wrong with it. */
export function checkDnsName(input: string, options: DnsNameOptions = {}): { name: string } | { problem: string } {
  const problem = dnsNameProblem(input, options);
  return problem === null ? { name: input.toLowerCase() } : { problem };
}

function dnsNameProblem(input: string, options: DnsNameOptions): string | null {
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input);
  if (input.length === 0) return 'a DNS name cannot be empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(input)) return `${shown} contains control characters`;
  if (/\s/.test(input)) return `${shown} contains spaces`;
  if (parseIPv4(input) || parseIPv6(input)) return `${shown} is an IP address: give it as an IP entry, not a DNS name`;
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u007f]/.test(input)) return `${shown} has non-ASCII characters: use its xn-- (punycode) form`;
  if (input.endsWith('.')) return `${shown} ends with a dot: drop the trailing dot`;
  if (input.length > 253) return `${shown} is longer than 253 characters`;
  const labels = input.toLowerCase().split('.');
  if (labels[0] === '*') {
    if (!options.allowWildcard) return `${shown} is a wildcard, which is not allowed here`;
    if (labels.length < 3) return `${shown} is too broad: a wildcard needs at least two labels after it`;
  }
  for (const [index, label] of labels.entries()) {
    if (index === 0 && label === '*') continue;
    if (label.includes('*')) return `${shown} has a wildcard that is not the whole left-most label`;
    if (label.length === 0) return `${shown} has an empty label`;
    if (label.length > 63) return `${shown} has a label longer than 63 characters`;
    if (!LABEL.test(label)) {
      return `${shown} has an invalid label "${label}": use letters, digits and hyphens, not starting or ending with a hyphen`;
    }
  }
  if (/^[0-9]+$/.test(labels.at(-1)!)) return `${shown} ends in an all-numeric label, which no top-level domain is`;
  return null;
}
