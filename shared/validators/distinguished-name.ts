/**
 * Distinguished names as officers type them: "CN=Acme Root CA, O=Acme, C=GB"
 * (RFC 4514 style) or "/C=GB/O=Acme/CN=Acme Root CA" (OpenSSL's -subj style).
 * Either way the attributes are encoded in the order written, as openssl does,
 * so what `openssl x509 -subject` prints matches what was typed.
 */

export const DN_ATTRIBUTES = ['CN', 'O', 'OU', 'C', 'ST', 'L', 'DC', 'serialNumber'] as const;
export type DnAttribute = (typeof DN_ATTRIBUTES)[number];

export interface DnComponent {
  readonly type: DnAttribute;
  readonly value: string;
}

export type DistinguishedName = readonly DnComponent[];

const ALIASES: Readonly<Record<string, DnAttribute>> = {
  cn: 'CN',
  commonname: 'CN',
  o: 'O',
  organizationname: 'O',
  ou: 'OU',
  organizationalunitname: 'OU',
  c: 'C',
  countryname: 'C',
  st: 'ST',
  s: 'ST',
  stateorprovincename: 'ST',
  l: 'L',
  localityname: 'L',
  dc: 'DC',
  domaincomponent: 'DC',
  serialnumber: 'serialNumber',
};

/** RFC 5280's upper bounds (ub-*), in characters. */
const MAX_LENGTH: Readonly<Record<DnAttribute, number>> = {
  CN: 64,
  O: 64,
  OU: 64,
  C: 2,
  ST: 128,
  L: 128,
  DC: 63,
  serialNumber: 64,
};

/** Attributes that may appear once at most: two common names would be read differently by different clients. */
const SINGLE: ReadonlySet<DnAttribute> = new Set(['CN', 'C', 'serialNumber']);

export function parseDistinguishedName(input: string): { dn: DistinguishedName } | { problem: string } {
  const text = input.trim();
  if (text === '') return { problem: 'the name is empty: give at least CN=…' };
  if (text.length > 1024) return { problem: 'the name is longer than 1024 characters' };
  const parts = text.startsWith('/') ? splitUnescaped(text.slice(1), '/') : splitUnescaped(text, ',');
  if (typeof parts === 'string') return { problem: parts };
  const dn: DnComponent[] = [];
  for (const part of parts) {
    const component = parseComponent(part);
    if (typeof component === 'string') return { problem: component };
    dn.push(component);
  }
  const problem = structuralProblem(dn);
  return problem ? { problem } : { dn };
}

/** Splits on `separator` where it is not escaped with a backslash; refuses "+" (multi-valued RDNs). */
function splitUnescaped(text: string, separator: string): string[] | string {
  const parts: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\') {
      if (index + 1 >= text.length) return 'the name ends with a lone backslash';
      current += char + text[index + 1]!;
      index++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else if (char === '+') {
      return 'multi-valued name parts ("+") are not supported: write "\\+" for a literal plus';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function parseComponent(part: string): DnComponent | string {
  const equals = part.indexOf('=');
  if (equals < 0) return `"${part.trim()}" is not of the form TYPE=value`;
  const rawType = part.slice(0, equals).trim();
  const type = ALIASES[rawType.toLowerCase()];
  if (!type) return `"${rawType}" is not a name attribute Rootkeeper accepts (${DN_ATTRIBUTES.join(', ')})`;
  const value = unescapeValue(part.slice(equals + 1).trim());
  if (value === null) return `the ${type} value has an invalid escape sequence`;
  const problem = dnValueProblem(type, value);
  return problem ?? { type, value };
}

/** RFC 4514 escapes: "\," and friends, and "\2C"-style hex pairs. */
function unescapeValue(value: string): string | null {
  let result = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index]!;
    if (char !== '\\') {
      result += char;
      continue;
    }
    const next = value.slice(index + 1, index + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(next)) {
      const code = parseInt(next, 16);
      if (code > 0x7f) return null;
      result += String.fromCharCode(code);
      index += 2;
    } else if (index + 1 < value.length) {
      result += value[index + 1]!;
      index++;
    } else {
      return null;
    }
  }
  return result;
}

/** Why a value cannot go into a name as this attribute, or null when it can. */
export function dnValueProblem(type: DnAttribute, value: string): string | null {
  if (value === '') return `the ${type} value is empty`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return `the ${type} value contains control characters`;
  if ([...value].length > MAX_LENGTH[type]) return `the ${type} value is longer than ${MAX_LENGTH[type]} characters`;
  if (type === 'C' && !/^[A-Z]{2}$/.test(value)) return `C must be a two-letter country code in capitals, such as GB`;
  if (type === 'DC' && !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(value)) {
    return `DC must be one DNS label, such as "example"`;
  }
  if (value !== value.trim()) return `the ${type} value starts or ends with a space`;
  return null;
}

function structuralProblem(dn: readonly DnComponent[]): string | null {
  for (const type of SINGLE) {
    if (dn.filter((component) => component.type === type).length > 1) return `the name has more than one ${type}`;
  }
  return null;
}

/** The common name, if any. */
export function commonNameOf(dn: DistinguishedName): string | undefined {
  return dn.find((component) => component.type === 'CN')?.value;
}

/** RFC 4514 text with the escapes needed to parse it back. */
export function formatDistinguishedName(dn: DistinguishedName): string {
  return dn.map((component) => `${component.type}=${escapeValue(component.value)}`).join(', ');
}

function escapeValue(value: string): string {
  return value.replace(/[\\,+"<>;=]/g, (char) => `\\${char}`).replace(/^#/, '\\#');
}
