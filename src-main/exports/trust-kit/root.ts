/**
 * Everything the trust kit's files say about the root, read once from its
 * DER: the names files and aliases take, the identifier Apple devices match
 * profiles on, and the fingerprints people compare over the phone.
 */
import { rejected } from '../../../shared/errors';
import { toArrayBuffer } from '../../engine/bytes';
import { fingerprints, type Fingerprints } from '../../engine/formats/certificates';
import { x509 } from '../../engine/x509';
import { safeName } from '../folder';

export interface KitRoot {
  readonly der: Uint8Array;
  /** The CN, or the whole subject when there is none: what people and NSS nicknames call the root. */
  readonly label: string;
  /** File-name stem of every certificate file (NAME.crt, NAME.cer…), and the Java alias. */
  readonly name: string;
  readonly subject: string;
  readonly organization: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly fingerprints: Fingerprints;
  /** Hex SHA-256 of the DER, no colons, lower case. */
  readonly sha256Hex: string;
}

/**
 * RFC 5280's upper bound for a CN. Rootkeeper's own roots never exceed it; a
 * longer imported name is cut so that every README line and command stays short.
 */
const MAX_NAME = 64;

export function describeRoot(der: Uint8Array): KitRoot {
  const certificate = parse(der);
  checkIsRoot(certificate);
  const label = printable(certificate.subjectName.getField('CN')[0] ?? certificate.subject);
  const prints = fingerprints(der);
  return {
    der,
    label,
    name: safeName(label).slice(0, MAX_NAME),
    subject: printable(certificate.subject),
    organization: optional(certificate.subjectName.getField('O')[0]),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    fingerprints: prints,
    sha256Hex: prints.sha256.replace(/:/g, '').toLowerCase(),
  };
}

/** The name goes into scripts, comments and a README: a control character there could break a line or a command. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

function optional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : printable(text);
}

function parse(der: Uint8Array): x509.X509Certificate {
  try {
    return new x509.X509Certificate(toArrayBuffer(der));
  } catch {
    throw rejected('malformed', 'The root certificate is not a DER X.509 certificate.');
  }
}

/**
 * A trust kit makes every device it touches trust whatever the certificate
 * signs, so it is only made for a self-issued CA certificate: exporting a
 * leaf or an intermediate by mistake must not turn it into a trust anchor.
 */
function checkIsRoot(certificate: x509.X509Certificate): void {
  const constraints = certificate.getExtension(x509.BasicConstraintsExtension);
  if (constraints?.ca !== true) {
    throw rejected('wrong-kind', 'This certificate is not a CA (basicConstraints CA:TRUE is missing).');
  }
  if (certificate.subject !== certificate.issuer) {
    throw rejected('wrong-kind', 'This certificate is not a root: its issuer is another CA.');
  }
}
