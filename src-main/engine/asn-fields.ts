/**
 * asn1-schema's AsnType/AsnProp are legacy (experimentalDecorators) decorators,
 * while this project compiles with TC39 decorators, so `@AsnProp` syntax does not
 * type-check. They are therefore applied as the plain calls a legacy decorator
 * compiles to: properties in field order first, then the class.
 */
import { AsnProp } from '@peculiar/asn1-schema';

export type PropOptions = Parameters<typeof AsnProp>[0];

/** Declares the fields of a SEQUENCE in order, as `@AsnProp` on each field would. */
export function fields<T extends object>(target: new () => T, spec: { [K in keyof T]?: PropOptions }): void {
  for (const [key, options] of Object.entries(spec) as Array<[string, PropOptions]>) {
    AsnProp(options)(target.prototype, key);
  }
}
