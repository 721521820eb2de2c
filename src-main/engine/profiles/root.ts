/**
 * The root CA: self-signed; basicConstraints critical CA:TRUE with pathLen 1
 * (one layer of intermediates, no more); keyUsage critical keyCertSign and
 * cRLSign only; SKI, and an AKI equal to it; no EKU (BR 7.1.2.1.2).
 */
import { VALIDITY_DAYS } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import { commonNameOf, type DistinguishedName } from '../../../shared/validators/distinguished-name';
import { toX509Name } from '../names';
import { checkDays, validityWindow } from '../validity';
import { x509, type CryptoKey } from '../x509';
import {
  checkSubjectKey,
  publicKeyOf,
  sign,
  type IssuedCertificate,
  type SigningProvider,
  type SubjectKey,
} from './common';

export interface RootOptions {
  readonly subject: DistinguishedName;
  /** The public half may be given as a public key alone (a token's, read out as SPKI). */
  readonly keys: { readonly privateKey: CryptoKey; readonly publicKey: SubjectKey };
  readonly days?: number;
  /** How many intermediates may follow the root; 1 by default, at most 2. */
  readonly pathLength?: number;
  readonly now?: Date;
  readonly serialNumber?: string;
  /** The provider that owns `keys` when it is not Node's WebCrypto: a PKCS#11 token's. */
  readonly provider?: SigningProvider;
}

export async function createRootCertificate(options: RootOptions): Promise<IssuedCertificate> {
  const days = options.days ?? VALIDITY_DAYS.root.default;
  checkDays(days, VALIDITY_DAYS.root.max, 'a root CA');
  const pathLength = options.pathLength ?? 1;
  if (!Number.isInteger(pathLength) || pathLength < 0 || pathLength > 2) {
    throw rejected('invalid-option', `The root's path length must be 0, 1 or 2; ${pathLength} was given.`);
  }
  if (!commonNameOf(options.subject)) throw rejected('invalid-name', 'A root CA needs a common name (CN=…).');
  await checkSubjectKey(options.keys.publicKey);

  const name = toX509Name(options.subject);
  const publicKey = await publicKeyOf(options.keys.publicKey);
  const ski = await x509.SubjectKeyIdentifierExtension.create(publicKey as never);
  return sign({
    subject: name,
    issuerName: name,
    publicKey,
    signingKey: options.keys.privateKey,
    provider: options.provider,
    window: validityWindow(days, options.now ?? new Date()),
    serialNumber: options.serialNumber,
    extensions: [
      new x509.BasicConstraintsExtension(true, pathLength, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ski,
      new x509.AuthorityKeyIdentifierExtension(ski.keyId),
    ],
  });
}
