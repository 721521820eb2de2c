/**
 * Intermediates for online CAs (step-ca, Vault, cfssl): the offline root
 * signs a request whose key lives elsewhere. The result is recorded as an
 * external generation — listed, shown and revocable on the root's CRL, but
 * never active and never issuing here. One root unlock, one journal record;
 * the caller claims its destination before that record is written.
 */
import type { RootKeySource } from '../../custody/root-source';
import type { CaPurpose, NameConstraintsSpec } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import type { ParsedCsr } from '../../engine/csr';
import { checkExternalRequest } from '../../engine/external-ca';
import type { IssuedCertificate } from '../../engine/profiles/common';
import { toArrayBuffer } from '../../engine/bytes';
import { createIntermediateCertificate } from '../../engine/profiles/intermediate';
import { x509 } from '../../engine/x509';
import { sha256Hex } from '../keyring';
import { base64, parsedCertificate, type SessionCore } from './core';

export interface ExternalIntermediateOptions {
  readonly request: ParsedCsr;
  /** The request as received, for its SHA-256 in the journal. */
  readonly requestDer: Uint8Array;
  readonly days?: number;
  readonly purpose?: CaPurpose;
  readonly nameConstraints?: NameConstraintsSpec;
  /** The root's CRL; by default the one the latest intermediate of this store points to. */
  readonly crlDistributionUrl?: string;
}

export interface ExternalIntermediate extends IssuedCertificate {
  /** The root CRL URL written into it, if any. */
  readonly crlDistributionUrl: string | null;
}

export function signExternalIntermediate(
  core: SessionCore,
  root: string | RootKeySource,
  options: ExternalIntermediateOptions,
  beforeRecording?: (issued: IssuedCertificate) => Promise<void>,
): Promise<ExternalIntermediate> {
  return core.exclusive(async () => {
    const checked = checkExternalRequest(options.request, core.rootCertificate(), options);
    refuseKnownKey(core, options.request);
    const crlDistributionUrl = options.crlDistributionUrl ?? rootCrlUrl(core);
    const issued = await core.withRoot(root, (issuer) =>
      createIntermediateCertificate({
        subject: checked.subject,
        publicKey: new x509.PublicKey(toArrayBuffer(options.request.spki)),
        issuer,
        serialNumber: core.freshSerial('root'),
        ...(options.days ? { days: options.days } : {}),
        ...(options.purpose ? { purpose: options.purpose } : {}),
        ...(options.nameConstraints ? { nameConstraints: options.nameConstraints } : {}),
        ...(crlDistributionUrl ? { crlDistributionUrl } : {}),
      }),
    );
    await beforeRecording?.(issued);
    await core.record([
      {
        type: 'intermediate-signed-external',
        at: new Date().toISOString(),
        serial: issued.serialNumber,
        certificate: base64(issued.der),
        sha256: sha256Hex(issued.der),
        csrSha256: sha256Hex(options.requestDer),
      },
    ]);
    return {
      ...issued,
      warnings: [...checked.warnings, ...issued.warnings],
      crlDistributionUrl: crlDistributionUrl ?? null,
    };
  });
}

/** A key that already is a CA of this store (an internal generation, or an earlier external one) is refused. */
function refuseKnownKey(core: SessionCore, request: ParsedCsr): void {
  const key = Buffer.from(request.spki);
  for (const record of core.parts.inventory.intermediates.values()) {
    const certificate = parsedCertificate(record.certificate);
    if (Buffer.compare(key, Buffer.from(certificate.publicKey.rawData)) !== 0) continue;
    if (!record.external || record.revocation)
      throw rejected(
        'policy',
        `The request's key is already the key of the intermediate ${record.serial}${record.revocation ? ', which was revoked' : ''}: an online CA needs a key of its own.`,
      );
  }
}

/**
 * The root's CRL URL as this store knows it: written into the latest
 * intermediate that carries one (`--crl-url` when it was created).
 */
function rootCrlUrl(core: SessionCore): string | undefined {
  let url: string | undefined;
  for (const record of core.parts.inventory.intermediates.values()) {
    const points = parsedCertificate(record.certificate).getExtension(x509.CRLDistributionPointsExtension);
    const name = points?.distributionPoints[0]?.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier;
    if (name) url = name;
  }
  return url;
}
