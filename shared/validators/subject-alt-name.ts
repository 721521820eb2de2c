/** Subject alternative names as typed ("dns:www.example.com") and as checked per certificate profile. */
import type { LeafProfile, SanType, SubjectAltName } from '../domain/pki';
import { SAN_TYPES } from '../domain/pki';
import { checkDnsName } from './dns-name';
import { checkEmailAddress } from './email';
import { formatIpAddress, parseIpAddress } from './ip-address';

/** Which SAN types each profile carries: server certificates name hosts only (BR 7.1.2.7.12). */
export const SAN_TYPES_BY_PROFILE: Readonly<Record<LeafProfile, readonly SanType[]>> = {
  server: ['dns', 'ip'],
  client: ['email', 'dns', 'upn'],
};

/** Parses the CLI's "type:value" form; "ip:" and "dns:" may be left out when the value says which it is. */
export function parseSanSpec(spec: string): SubjectAltName | { problem: string } {
  const colon = spec.indexOf(':');
  const prefix = colon > 0 ? spec.slice(0, colon).toLowerCase() : '';
  if ((SAN_TYPES as readonly string[]).includes(prefix)) {
    return checkSubjectAltName({ type: prefix as SanType, value: spec.slice(colon + 1) });
  }
  if (parseIpAddress(spec)) return checkSubjectAltName({ type: 'ip', value: spec });
  if (spec.includes('@')) return { problem: `"${spec}" needs a type: write email:${spec} or upn:${spec}` };
  return checkSubjectAltName({ type: 'dns', value: spec });
}

/** Validates one entry and returns it normalised (DNS in lower case, IP in canonical form). */
export function checkSubjectAltName(san: SubjectAltName): SubjectAltName | { problem: string } {
  switch (san.type) {
    case 'dns': {
      const checked = checkDnsName(san.value, { allowWildcard: true });
      return 'problem' in checked ? checked : { type: 'dns', value: checked.name };
    }
    case 'ip': {
      const bytes = parseIpAddress(san.value);
      return bytes ? { type: 'ip', value: formatIpAddress(bytes) } : { problem: `"${san.value}" is not an IP address` };
    }
    case 'email':
    case 'upn': {
      const checked = checkEmailAddress(san.value);
      return 'problem' in checked ? checked : { type: san.type, value: checked.address };
    }
  }
}

/** The same name twice is refused: it is always a slip, and some clients choke on it. */
export function findDuplicate(sans: readonly SubjectAltName[]): SubjectAltName | undefined {
  const seen = new Set<string>();
  for (const san of sans) {
    const key = `${san.type}:${san.type === 'dns' ? san.value.toLowerCase() : san.value}`;
    if (seen.has(key)) return san;
    seen.add(key);
  }
  return undefined;
}

export function formatSan(san: SubjectAltName): string {
  return `${san.type}:${san.value}`;
}
