/** Inventory records as the GUI and the CLI's --json show them. */
import type { CertificateStatus, CertificateSummary } from '../../shared/domain/certificates';
import { EXPIRING_DAYS } from '../../shared/domain/certificates';
import type { CertificateRecord } from '../store/inventory';
import { x509 } from '../engine/x509';

export function statusOf(record: CertificateRecord, now: number, expiringDays = EXPIRING_DAYS): CertificateStatus {
  if (record.revocation) return 'revoked';
  const notAfter = Date.parse(record.notAfter);
  if (notAfter < now) return 'expired';
  return notAfter - now <= expiringDays * 86_400_000 ? 'expiring' : 'valid';
}

export function summarise(record: CertificateRecord, now: number, expiringDays?: number): CertificateSummary {
  return {
    serial: record.serial,
    profile: record.profile,
    subject: record.subject,
    sans: [...record.sans],
    notBefore: record.notBefore,
    notAfter: record.notAfter,
    issuedAt: record.issuedAt,
    status: statusOf(record, now, expiringDays),
    revocationReason: record.revocation?.reason ?? null,
    revokedAt: record.revocation?.at ?? null,
    ...(record.rootSigned ? { issuedBy: 'root' as const } : {}),
  };
}

export function certificateValidity(der: Uint8Array): { subject: string; notAfter: string } {
  const certificate = new x509.X509Certificate(Buffer.from(der));
  return { subject: certificate.subject, notAfter: certificate.notAfter.toISOString() };
}
