/**
 * What a bundle's names, README and server configuration need from its
 * certificate. A file of its own so that bundle.ts and the READMEs and
 * configurations it puts together import it without importing each other.
 */
import { x509 } from '../engine/x509';

export interface CertificateFacts {
  readonly subject: string;
  readonly issuer: string;
  readonly sans: readonly { readonly type: string; readonly value: string }[];
  readonly notBefore: string;
  readonly notAfter: string;
  /** May authenticate clients and not servers (see isClientCertificate). */
  readonly clientOnly: boolean;
}

export function factsOf(der: Uint8Array): CertificateFacts {
  const certificate = new x509.X509Certificate(Buffer.from(der));
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    sans: certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ?? [],
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    clientOnly: isClientCertificate(certificate),
  };
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/**
 * A client bundle is one whose certificate may authenticate clients and not
 * servers: its README is about importing it into a browser or a program, and
 * it carries no server configuration.
 */
function isClientCertificate(certificate: x509.X509Certificate): boolean {
  const usages = certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages;
  const oids = (usages ?? []).map(String);
  return oids.includes(CLIENT_AUTH) && !oids.includes(SERVER_AUTH);
}

/** Where the README tells the admin to copy the bundle folder; the configurations refer to it. */
export function deployFolder(name: string): string {
  return `/etc/ssl/rootkeeper/${name}`;
}

/** Where the CRL kit's crls.pem goes for servers that require client certificates. */
export const DEPLOYED_CRLS = '/etc/ssl/rootkeeper/crl/crls.pem';

/** What a server configuration and README need to know about the bundle. */
export interface BundleLayout {
  /** Folder and file-name stem. */
  readonly name: string;
  readonly facts: CertificateFacts;
  readonly der: Uint8Array;
  readonly hasKey: boolean;
  readonly keyEncrypted: boolean;
  /** The CA journal's head when the bundle was made, for the README (compare with the paper log). */
  readonly journalHead?: { readonly sequence: number; readonly chainHash: string };
}

/** The DNS names a server answers to (IP addresses have no place in server_name). */
export function dnsNames(facts: CertificateFacts): string[] {
  return facts.sans.filter((entry) => entry.type === 'dns').map((entry) => entry.value);
}
