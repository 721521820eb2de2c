/**
 * IP addresses and CIDR ranges, parsed without Node or DOM so both sides can
 * validate them: the renderer live as the officer types, the engine before it
 * signs.
 */

/** Four octets, or null when `text` is not a dotted-quad IPv4 address. */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (const [index, part] of parts.entries()) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[index] = value;
  }
  return bytes;
}

/** Sixteen octets, or null when `text` is not an IPv6 address (zone ids are refused). */
export function parseIPv6(text: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length === 1) {
    const words = parseWords(text, true);
    return words?.length === 8 ? wordsToBytes(words) : null;
  }
  if (halves.length !== 2) return null;
  const head = parseWords(halves[0]!, false);
  const tail = parseWords(halves[1]!, true);
  // "::" stands for at least one zero group.
  if (!head || !tail || head.length + tail.length > 7) return null;
  return wordsToBytes([...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]);
}

/** Colon-separated 16-bit groups; the last may be a dotted quad (::ffff:192.0.2.1). */
function parseWords(part: string, allowTrailingIPv4: boolean): number[] | null {
  if (part === '') return [];
  const groups = part.split(':');
  const words: number[] = [];
  for (const [index, group] of groups.entries()) {
    if (allowTrailingIPv4 && index === groups.length - 1 && group.includes('.')) {
      const v4 = parseIPv4(group);
      if (!v4) return null;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) {
      words.push(parseInt(group, 16));
    } else {
      return null;
    }
  }
  return words;
}

function wordsToBytes(words: number[]): Uint8Array {
  const bytes = new Uint8Array(16);
  words.forEach((word, index) => {
    bytes[index * 2] = word >> 8;
    bytes[index * 2 + 1] = word & 0xff;
  });
  return bytes;
}

export function parseIpAddress(text: string): Uint8Array | null {
  return parseIPv4(text) ?? parseIPv6(text);
}

/** The canonical text form: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const words = Array.from({ length: 8 }, (_, index) => (bytes[index * 2]! << 8) | bytes[index * 2 + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && words[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = words.map((word) => word.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export interface CidrRange {
  readonly address: Uint8Array;
  readonly prefixLength: number;
  /** The canonical text, e.g. "10.0.0.0/8". */
  readonly text: string;
}

/** A CIDR range such as 10.0.0.0/8 or fd00::/8; returns an error sentence instead when invalid. */
export function parseCidr(text: string): CidrRange | string {
  const match = /^([^/]+)\/([0-9]{1,3})$/.exec(text);
  if (!match) return `"${text}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8`;
  const address = parseIpAddress(match[1]!);
  if (!address) return `"${match[1]}" is not an IPv4 or IPv6 address`;
  const prefixLength = Number(match[2]);
  if (prefixLength > address.length * 8)
    return `/${prefixLength} is longer than an IPv${address.length === 4 ? 4 : 6} address`;
  const network = applyPrefix(address, prefixLength);
  if (!sameBytes(network, address)) {
    return `"${text}" has host bits set; the range is ${formatIpAddress(network)}/${prefixLength}`;
  }
  return { address, prefixLength, text: `${formatIpAddress(address)}/${prefixLength}` };
}

/** The netmask of a prefix length, as bytes of the given address length. */
export function prefixMask(prefixLength: number, byteLength: number): Uint8Array {
  const mask = new Uint8Array(byteLength);
  for (let bit = 0; bit < prefixLength; bit++) mask[bit >> 3]! |= 0x80 >> (bit & 7);
  return mask;
}

function applyPrefix(address: Uint8Array, prefixLength: number): Uint8Array {
  const mask = prefixMask(prefixLength, address.length);
  return address.map((byte, index) => byte & mask[index]!);
}

/** True when `address` lies inside the network `base`/`mask` (both the same family). */
export function ipInRange(address: Uint8Array, base: Uint8Array, mask: Uint8Array): boolean {
  if (address.length !== base.length || mask.length !== base.length) return false;
  return address.every((byte, index) => (byte & mask[index]!) === (base[index]! & mask[index]!));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
