/** Distinguished names into X.509 Names with explicit string types, so encoding never depends on guesswork. */
import type { DistinguishedName, DnAttribute } from '../../shared/validators/distinguished-name';
import { parseDistinguishedName } from '../../shared/validators/distinguished-name';
import { rejected } from '../../shared/errors';
import { x509 } from './x509';

export const ATTRIBUTE_OIDS: Readonly<Record<DnAttribute, string>> = {
  CN: '2.5.4.3',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  DC: '0.9.2342.19200300.100.1.25',
  serialNumber: '2.5.4.5',
};

/** X.520 PrintableString's alphabet; anything else goes in a UTF8String (RFC 5280 §4.1.2.4). */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

type StringValue = { printableString: string } | { utf8String: string } | { ia5String: string };

/** The string type each attribute is written with (tbs-splice.ts encodes the same). */
export function stringValue(type: DnAttribute, value: string): StringValue {
  if (type === 'DC') return { ia5String: value };
  if (type === 'C' || type === 'serialNumber') return { printableString: value };
  return PRINTABLE.test(value) ? { printableString: value } : { utf8String: value };
}

export function toX509Name(dn: DistinguishedName): x509.Name {
  const json = dn.map((component) => ({
    [ATTRIBUTE_OIDS[component.type]]: [stringValue(component.type, component.value)],
  }));
  return new x509.Name(json as unknown as x509.JsonName);
}

/** Parses a DN typed by the officer, or refuses it with the reason. */
export function parseSubject(text: string): DistinguishedName {
  const parsed = parseDistinguishedName(text);
  if ('problem' in parsed)
    throw rejected('invalid-name', `The subject "${text.slice(0, 200)}" is invalid: ${parsed.problem}.`);
  return parsed.dn;
}

/** Reads the attributes Rootkeeper understands from an X.509 Name; the others are reported, not kept. */
export function fromX509Name(name: x509.Name): { dn: DistinguishedName; unsupported: string[] } {
  // Name.toJSON() keys attributes by short name where it knows one, else by OID.
  const byKey = new Map<string, DnAttribute>();
  for (const [type, oid] of Object.entries(ATTRIBUTE_OIDS) as [DnAttribute, string][]) {
    byKey.set(oid, type).set(type, type);
  }
  const dn: { type: DnAttribute; value: string }[] = [];
  const unsupported: string[] = [];
  for (const rdn of name.toJSON()) {
    for (const [oid, values] of Object.entries(rdn)) {
      const type = byKey.get(oid);
      for (const value of values as string[]) {
        if (type) dn.push({ type, value });
        else unsupported.push(`${oid}=${value}`);
      }
    }
  }
  return { dn, unsupported };
}
