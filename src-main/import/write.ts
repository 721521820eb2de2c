/**
 * The one writer every import goes through: a new store made with the same
 * functions as the key ceremony (store.ts), holding the imported root (its
 * key sealed under the new root passphrase), the imported intermediate (its
 * key under the data key), and a journal whose first append records the
 * import — one pki-imported event with the summary, counters and source
 * hashes, then each certificate with its revocation. The keys are wiped.
 */
import { randomUUID } from 'node:crypto';
import type { JournalEvent } from '../../shared/domain/journal';
import { rejected } from '../../shared/errors';
import { fingerprints } from '../engine/formats/certificates';
import { sealNewStore, withNewStoreFolder, type NewStorePassphrases } from '../store/store';
import { wipe } from '../vault/secrets';
import type { ImportPlan, PlannedCa, PlannedCertificate } from './plan';

export interface ImportedStore {
  readonly storeId: string;
  readonly rootSha256: string;
  readonly certificates: number;
  readonly nextCrlNumbers: Readonly<Partial<Record<'root' | 'intermediate', number>>>;
}

export async function writeImport(plan: ImportPlan, options: NewStorePassphrases): Promise<ImportedStore> {
  try {
    if (!plan.report.ready) throw rejected('policy', 'The source has problems (see the report); nothing was written.');
    if (plan.report.source === 'mkcert') throw rejected('policy', 'A mkcert CAROOT cannot be imported.');
    const root = plan.cas.find((ca) => ca.role === 'root')!;
    const intermediate = plan.cas.find((ca) => ca.role === 'intermediate') ?? null;
    const rootPkcs8 = plan.keys.get('root');
    const intermediatePkcs8 = intermediate ? plan.keys.get('intermediate') : undefined;
    if (!rootPkcs8 || (intermediate && !intermediatePkcs8))
      throw rejected('policy', 'The CA keys were not opened; give their passphrases to import.');
    const storeId = randomUUID();
    const context = root.subject.split(/,\s*/).map((part) => part.replace(/^[^=]*=/, ''));
    await withNewStoreFolder(options, context, (cost, guard) =>
      sealNewStore(
        options,
        cost,
        {
          storeId,
          rootCertificate: root.der,
          rootPkcs8,
          ...(intermediate && intermediatePkcs8
            ? { intermediate: { certificate: intermediate.der, pkcs8: intermediatePkcs8 } }
            : {}),
          events: (at) => importEvents(plan, intermediate, at),
        },
        guard,
      ),
    );
    const nextCrlNumbers = Object.fromEntries(plan.cas.map((ca) => [ca.role, ca.nextCrlNumber]));
    return {
      storeId,
      rootSha256: fingerprints(root.der).sha256,
      certificates: plan.certificates.length,
      nextCrlNumbers,
    };
  } finally {
    for (const key of plan.keys.values()) wipe(key);
  }
}

function importEvents(plan: ImportPlan, intermediate: PlannedCa | null, at: string): JournalEvent[] {
  const { report, certificates } = plan;
  const count = (status: string) => certificates.filter((certificate) => certificate.status === status).length;
  const summary: JournalEvent = {
    type: 'pki-imported',
    at,
    source: report.source as Exclude<typeof report.source, 'mkcert'>,
    origin: report.origin,
    counts: {
      certificates: certificates.length,
      valid: count('valid'),
      expired: count('expired'),
      revoked: count('revoked'),
    },
    intermediate: intermediate
      ? { certificate: base64(intermediate.der), sha256: intermediate.sha256, serial: intermediate.serial }
      : null,
    counters: plan.cas.map((ca) => ({
      ca: ca.role,
      subject: ca.subject,
      serialFile: ca.serialFile,
      crlNumberFile: ca.crlNumberFile,
      crlNumbersSeen: [...ca.crlNumbersSeen],
      nextCrlNumber: ca.nextCrlNumber,
    })),
    files: report.files.map((file) => ({ path: file.path, sha256: file.sha256 })),
  };
  return [summary, ...certificates.map((certificate) => certificateEvent(certificate, at))];
}

function certificateEvent(certificate: PlannedCertificate, at: string): JournalEvent {
  return {
    type: 'certificate-imported',
    at,
    ca: certificate.issuer,
    kind: certificate.kind,
    serial: certificate.serial,
    profile: certificate.profile,
    subject: certificate.subject,
    sans: [...certificate.sans],
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    certificate: base64(certificate.der),
    sha256: certificate.sha256,
    revocation: certificate.revocation ? { ...certificate.revocation } : null,
  };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
