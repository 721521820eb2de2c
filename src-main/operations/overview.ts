/** The open store at a glance, for the GUI's home screen and its sections' headers. */
import type { ResponseOf } from '../../shared/contract';
import type { CertificateStatus } from '../../shared/domain/certificates';
import { inspectCertificate } from '../engine/inspect';
import { x509 } from '../engine/x509';
import type { CrlState } from '../store/inventory';
import { currentSession, type OperationContext } from './context';
import { statusOf } from './summaries';

export async function overviewOperation(context: OperationContext): Promise<ResponseOf<'overview'>> {
  const session = currentSession(context);
  const inventory = session.inventory;
  const counts: Record<CertificateStatus, number> = { valid: 0, expiring: 0, expired: 0, revoked: 0 };
  const now = Date.now();
  // Leaves an imported single-tier root signed are in the list too, so they are counted.
  for (const record of inventory.certificates.values()) counts[statusOf(record, now)]++;
  for (const record of inventory.rootLeaves.values()) counts[statusOf(record, now)]++;
  const pending = inventory.pendingRequest;
  return {
    root: inspectCertificate(Buffer.from(inventory.root!.certificate, 'base64')),
    intermediate: inventory.intermediate
      ? {
          detail: inspectCertificate(Buffer.from(inventory.intermediate.certificate, 'base64')),
          origin: inventory.intermediate.origin,
        }
      : null,
    pendingRequest: pending
      ? {
          subject: pending.subject,
          at: pending.at,
          csrPem: `${x509.PemConverter.encode(Buffer.from(pending.csr, 'base64'), 'CERTIFICATE REQUEST')}\n`,
        }
      : null,
    crls: { root: crlState(inventory.crls.root), intermediate: crlState(inventory.crls.intermediate) },
    counts: { total: inventory.certificates.size + inventory.rootLeaves.size, ...counts },
    head: session.head,
  };
}

function crlState(state: CrlState) {
  return { lastNumber: state.lastNumber, thisUpdate: state.thisUpdate ?? null, nextUpdate: state.nextUpdate ?? null };
}
