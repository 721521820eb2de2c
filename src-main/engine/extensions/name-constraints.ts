/**
 * The nameConstraints extension (RFC 5280 §4.2.1.10), which @peculiar/x509
 * has no class for: built on @peculiar/asn1-x509's schema, always critical.
 */
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  NameConstraints,
  id_ce_nameConstraints,
} from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { NameConstraintsSpec } from '../../../shared/domain/pki';
import { formatIpAddress, parseCidr, prefixMask } from '../../../shared/validators/ip-address';
import { x509 } from '../x509';

export { id_ce_nameConstraints };

/** A constraint as the checks use it: one DNS subtree, IP range or email domain/mailbox. */
export type ParsedSubtree =
  | { readonly type: 'dns'; readonly value: string }
  | { readonly type: 'ip'; readonly address: Uint8Array; readonly mask: Uint8Array }
  | { readonly type: 'email'; readonly value: string }
  | { readonly type: 'other'; readonly description: string };

export interface ParsedNameConstraints {
  readonly permitted: readonly ParsedSubtree[];
  readonly excluded: readonly ParsedSubtree[];
}

export class NameConstraintsExtension extends x509.Extension {
  constructor(spec: NameConstraintsSpec) {
    const permitted = subtrees(spec.permittedDns, spec.permittedIp, spec.permittedEmail);
    const excluded = subtrees(spec.excludedDns, spec.excludedIp, spec.excludedEmail);
    const value = new NameConstraints({
      ...(permitted.length ? { permittedSubtrees: new GeneralSubtrees(permitted) } : {}),
      ...(excluded.length ? { excludedSubtrees: new GeneralSubtrees(excluded) } : {}),
    });
    // RFC 5280: "Conforming CAs MUST mark this extension as critical".
    super(id_ce_nameConstraints, true, AsnConvert.serialize(value));
  }

  /** Reads the constraints of any certificate's extension, ours or another CA's. */
  static parse(extension: x509.Extension): ParsedNameConstraints {
    const value = AsnConvert.parse(extension.value, NameConstraints);
    return {
      permitted: (value.permittedSubtrees ?? []).map((subtree) => parseSubtree(subtree.base)),
      excluded: (value.excludedSubtrees ?? []).map((subtree) => parseSubtree(subtree.base)),
    };
  }
}

function subtrees(
  dns: readonly string[] = [],
  ip: readonly string[] = [],
  email: readonly string[] = [],
): GeneralSubtree[] {
  const names = [
    ...dns.map((name) => new GeneralName({ dNSName: name.toLowerCase() })),
    ...ip.map((range) => new GeneralName({ iPAddress: canonicalCidr(range) })),
    ...email.map((mailbox) => new GeneralName({ rfc822Name: mailbox.toLowerCase() })),
  ];
  return names.map((base) => new GeneralSubtree({ base }));
}

function canonicalCidr(range: string): string {
  const parsed = parseCidr(range);
  if (typeof parsed === 'string') throw new TypeError(`unchecked CIDR range reached the encoder: ${parsed}`);
  return parsed.text;
}

function parseSubtree(base: GeneralName): ParsedSubtree {
  if (base.dNSName !== undefined) return { type: 'dns', value: base.dNSName.toLowerCase() };
  if (base.rfc822Name !== undefined) return { type: 'email', value: base.rfc822Name.toLowerCase() };
  if (base.iPAddress !== undefined) {
    const parsed = parseCidr(base.iPAddress);
    if (typeof parsed !== 'string') {
      return { type: 'ip', address: parsed.address, mask: prefixMask(parsed.prefixLength, parsed.address.length) };
    }
  }
  return { type: 'other', description: JSON.stringify(base) };
}

export function describeSubtree(subtree: ParsedSubtree): string {
  switch (subtree.type) {
    case 'dns':
    case 'email':
      return `${subtree.type}:${subtree.value}`;
    case 'ip':
      return `ip:${formatIpAddress(subtree.address)}/${subtree.mask.reduce((bits, byte) => bits + popcount(byte), 0)}`;
    case 'other':
      return subtree.description;
  }
}

function popcount(byte: number): number {
  let count = 0;
  for (let value = byte; value; value >>= 1) count += value & 1;
  return count;
}
