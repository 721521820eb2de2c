/** The cRLNumber extension (RFC 5280 §5.2.3), non-critical, which @peculiar/x509 leaves to the caller. */
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { x509 } from '../x509';

export class CrlNumberExtension extends x509.Extension {
  readonly crlNumber: number;

  constructor(crlNumber: number) {
    super(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(crlNumber)));
    this.crlNumber = crlNumber;
  }

  static read(extension: x509.Extension): number {
    return AsnConvert.parse(extension.value, CRLNumber).value;
  }
}

export { id_ce_cRLNumber };
