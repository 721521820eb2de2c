/**
 * The root itself in the three encodings trust stores ask for: PEM .crt
 * (Debian's update-ca-certificates takes only PEM files named *.crt, and a
 * DER .crt is silently appended as garbage to its bundle), DER .cer (what
 * Windows and macOS open on a double-click) and a DER PKCS#7 .p7b.
 */
import { certificatePem, pkcs7Der } from '../../engine/formats/certificates';
import type { OutputFile } from '../folder';
import type { KitRoot } from './root';

export function certificateFiles(root: KitRoot): OutputFile[] {
  return [
    { name: `${root.name}.crt`, data: certificatePem(root.der) },
    { name: `${root.name}.cer`, data: root.der },
    { name: `${root.name}.p7b`, data: pkcs7Der([root.der]) },
  ];
}
