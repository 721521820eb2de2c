/**
 * Certificate revocation lists (RFC 5280 §5): version 2, signed by the CA
 * that issued the certificates, with the CA's key identifier (AKI), a CRL
 * number the store keeps strictly increasing, thisUpdate and nextUpdate, and
 * a reason per entry. "Unspecified" is written by leaving the reason out.
 */
import { VALIDITY_DAYS, type RevocationReason } from '../../shared/domain/pki';
import { rejected } from '../../shared/errors';
import { CrlNumberExtension } from './extensions/crl-number';
import { signatureAlgorithmFor } from './keys';
import { authorityKeyIdentifier, checkIssuer, type Issuer } from './profiles/common';
import { normaliseSerial, serialIntegerHex } from './serial';
import { checkDays, wholeSeconds } from './validity';
import { x509 } from './x509';

export interface RevokedEntry {
  /** Hex, as the store keeps it. */
  readonly serialNumber: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

export interface CrlOptions {
  readonly issuer: Issuer;
  /** Supplied by the store, which keeps CRL numbers strictly increasing. */
  readonly crlNumber: number;
  readonly entries: readonly RevokedEntry[];
  /** Days until nextUpdate; 30 by default. */
  readonly days?: number;
  readonly now?: Date;
}

export interface IssuedCrl {
  readonly crl: x509.X509Crl;
  readonly der: Uint8Array;
  readonly crlNumber: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

const REASON_CODES: Readonly<Record<RevocationReason, x509.X509CrlReason | undefined>> = {
  unspecified: undefined,
  keyCompromise: x509.X509CrlReason.keyCompromise,
  affiliationChanged: x509.X509CrlReason.affiliationChanged,
  superseded: x509.X509CrlReason.superseded,
  cessationOfOperation: x509.X509CrlReason.cessationOfOperation,
};

export async function createCrl(options: CrlOptions): Promise<IssuedCrl> {
  const now = options.now ?? new Date();
  const days = options.days ?? VALIDITY_DAYS.crl.default;
  checkDays(days, VALIDITY_DAYS.crl.max, 'a CRL');
  if (!Number.isSafeInteger(options.crlNumber) || options.crlNumber < 1) {
    throw rejected('invalid-option', `The CRL number must be a positive whole number; ${options.crlNumber} was given.`);
  }
  checkIssuer(options.issuer.certificate, now);
  checkCrlSigner(options.issuer.certificate);

  const thisUpdate = wholeSeconds(now);
  const nextUpdate = new Date(thisUpdate.getTime() + days * 86_400_000);
  const crl = await x509.X509CrlGenerator.create({
    issuer: options.issuer.certificate.subjectName as never,
    thisUpdate,
    nextUpdate,
    signingKey: options.issuer.signingKey as never,
    signingAlgorithm: signatureAlgorithmFor(options.issuer.signingKey) as never,
    extensions: [await authorityKeyIdentifier(options.issuer.certificate), new CrlNumberExtension(options.crlNumber)],
    entries: options.entries.map(toEntry),
  });
  return { crl, der: new Uint8Array(crl.rawData), crlNumber: options.crlNumber, thisUpdate, nextUpdate };
}

function checkCrlSigner(issuer: x509.X509Certificate): void {
  const usage = issuer.getExtension(x509.KeyUsagesExtension);
  if (usage && (usage.usages & x509.KeyUsageFlags.cRLSign) === 0) {
    throw rejected('policy', `"${issuer.subject}" may not sign CRLs (its key usage lacks cRLSign).`);
  }
}

function toEntry(entry: RevokedEntry): x509.X509CrlEntryParams {
  const serialNumber = normaliseSerial(entry.serialNumber);
  if (!serialNumber) throw rejected('invalid-option', `"${entry.serialNumber}" is not a serial number.`);
  const reason = REASON_CODES[entry.reason];
  return {
    serialNumber: serialIntegerHex(serialNumber),
    revocationDate: wholeSeconds(entry.revokedAt),
    ...(reason === undefined ? {} : { reason }),
  };
}
