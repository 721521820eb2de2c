/** Extensions and names in words, the way `openssl x509 -text` shows them. */
import type { SubjectAltName } from '../../shared/domain/pki';
import { formatIpAddress, parseIpAddress } from '../../shared/validators/ip-address';
import { NameConstraintsExtension, describeSubtree, id_ce_nameConstraints } from './extensions/name-constraints';
import { CrlNumberExtension, id_ce_cRLNumber } from './extensions/crl-number';
import { x509 } from './x509';

const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.15': 'keyUsage',
  '2.5.29.17': 'subjectAltName',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.20': 'cRLNumber',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.35': 'authorityKeyIdentifier',
  '2.5.29.37': 'extKeyUsage',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
  '1.3.6.1.5.5.7.1.24': 'tlsFeature',
  '1.3.6.1.4.1.11129.2.4.2': 'ctPrecertificateScts',
};

const KEY_USAGE_NAMES: readonly [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

const EKU_NAMES: Readonly<Record<string, string>> = {
  [x509.ExtendedKeyUsage.serverAuth]: 'serverAuth',
  [x509.ExtendedKeyUsage.clientAuth]: 'clientAuth',
  [x509.ExtendedKeyUsage.codeSigning]: 'codeSigning',
  [x509.ExtendedKeyUsage.emailProtection]: 'emailProtection',
  [x509.ExtendedKeyUsage.timeStamping]: 'timeStamping',
  [x509.ExtendedKeyUsage.ocspSigning]: 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

export function extensionName(oid: string): string {
  return EXTENSION_NAMES[oid] ?? oid;
}

export function keyUsageNames(flags: number): string[] {
  return KEY_USAGE_NAMES.filter(([flag]) => (flags & flag) !== 0).map(([, name]) => name);
}

export function ekuNames(usages: readonly string[]): string[] {
  return usages.map((oid) => EKU_NAMES[oid] ?? oid);
}

/** The SAN entries Rootkeeper issues, and the others as text. */
export function readSubjectAltNames(extension: x509.SubjectAlternativeNameExtension): {
  supported: SubjectAltName[];
  unsupported: string[];
} {
  const supported: SubjectAltName[] = [];
  const unsupported: string[] = [];
  for (const name of extension.names.toJSON()) {
    if (name.type === 'dns' || name.type === 'email' || name.type === 'upn') {
      supported.push({ type: name.type, value: name.value });
    } else if (name.type === 'ip') {
      const bytes = parseIpAddress(name.value);
      supported.push({ type: 'ip', value: bytes ? formatIpAddress(bytes) : name.value });
    } else {
      unsupported.push(`${name.type}:${name.value}`);
    }
  }
  return { supported, unsupported };
}

/** One extension's value in words. */
export function describeExtension(extension: x509.Extension): string {
  try {
    return describeKnown(extension) ?? hex(extension.value);
  } catch {
    return `(undecodable) ${hex(extension.value)}`;
  }
}

function describeKnown(extension: x509.Extension): string | null {
  switch (extension.type) {
    case '2.5.29.19': {
      const value = new x509.BasicConstraintsExtension(extension.rawData);
      return value.ca ? `CA:TRUE${value.pathLength === undefined ? '' : `, pathlen:${value.pathLength}`}` : 'CA:FALSE';
    }
    case '2.5.29.15':
      return keyUsageNames(new x509.KeyUsagesExtension(extension.rawData).usages).join(', ');
    case '2.5.29.37':
      return ekuNames(new x509.ExtendedKeyUsageExtension(extension.rawData).usages as string[]).join(', ');
    case '2.5.29.17': {
      const { supported, unsupported } = readSubjectAltNames(
        new x509.SubjectAlternativeNameExtension(extension.rawData),
      );
      return [...supported.map((san) => `${san.type.toUpperCase()}:${san.value}`), ...unsupported].join(', ');
    }
    case '2.5.29.14':
      return colonHex(new x509.SubjectKeyIdentifierExtension(extension.rawData).keyId);
    case '2.5.29.35': {
      const keyId = new x509.AuthorityKeyIdentifierExtension(extension.rawData).keyId;
      return keyId ? colonHex(keyId) : '(no key identifier)';
    }
    case id_ce_nameConstraints: {
      const parsed = NameConstraintsExtension.parse(extension);
      const permitted = parsed.permitted.map(describeSubtree);
      const excluded = parsed.excluded.map(describeSubtree);
      return [
        permitted.length ? `permitted ${permitted.join(', ')}` : '',
        excluded.length ? `excluded ${excluded.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
    }
    case id_ce_cRLNumber:
      return String(CrlNumberExtension.read(extension));
    case '2.5.29.31':
      return new x509.CRLDistributionPointsExtension(extension.rawData).distributionPoints
        .flatMap((point) => point.distributionPoint?.fullName ?? [])
        .map((name) => name.uniformResourceIdentifier ?? JSON.stringify(name))
        .join(', ');
    default:
      return null;
  }
}

function hex(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString('hex');
}

/** "AB:CD:…", as openssl prints identifiers and fingerprints. */
export function colonHex(hexText: string): string {
  return (hexText.match(/../g) ?? []).join(':').toUpperCase();
}
