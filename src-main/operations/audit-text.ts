/** Journal events in words: one sentence each, for the audit timeline and its text export. */
import type { AuditCategory, AuditEntry } from '../../shared/domain/audit';
import type { JournalEntry, JournalEvent } from '../../shared/domain/journal';

type Described = { category: AuditCategory; summary: string; serial?: string };

function describe(event: JournalEvent): Described {
  switch (event.type) {
    case 'store-created':
      return {
        category: 'ca',
        summary: `Store created (argon2id ${event.kdf.memoryKiB / 1024} MiB, ${event.kdf.passes} passes).`,
      };
    case 'root-created':
      return { category: 'ca', summary: `Root CA created, SHA-256 ${event.sha256}.` };
    case 'intermediate-issued':
      return {
        category: 'ca',
        summary: `Intermediate CA signed by the root, SHA-256 ${event.sha256}.`,
        serial: event.serial,
      };
    case 'intermediate-requested':
      return { category: 'ca', summary: `Intermediate key made and its request written for ${event.subject}.` };
    case 'intermediate-imported':
      return { category: 'ca', summary: `Intermediate certificate imported, SHA-256 ${event.sha256}.` };
    case 'certificate-issued':
      return {
        category: 'issuance',
        summary: `${capitalised(event.profile)} certificate issued (${SOURCES[event.source]}) for ${event.subject}${event.sans.length ? `, ${event.sans.map((san) => san.value).join(', ')}` : ''}; valid until ${event.notAfter}${event.renewalOf ? `; it renews ${event.renewalOf}` : ''}.`,
        serial: event.serial,
      };
    case 'certificate-revoked':
      return {
        category: 'revocation',
        // The root revokes intermediates, and the leaves an imported single-tier root signed itself.
        summary: `${event.ca === 'root' ? 'Revoked by the root' : 'Certificate revoked'} (${event.reason}).`,
        serial: event.serial,
      };
    case 'crl-generated':
      return {
        category: 'revocation',
        summary: `${capitalised(event.ca)} CRL number ${event.crlNumber} published with ${event.entries} entr${event.entries === 1 ? 'y' : 'ies'}; next update ${event.nextUpdate}.`,
      };
    case 'export-written':
      return {
        category: 'export',
        summary: `Export (${event.kind}) written to ${event.folder}: ${event.files.length} files.${lockedNote(event)}`,
      };
    case 'backup-made':
      return {
        category: 'export',
        summary: `Backup written: ${event.folder ? `${event.folder}/` : ''}${event.file}, SHA-256 ${event.sha256}.`,
      };
    case 'passphrase-changed':
      return { category: 'access', summary: `The ${event.which} passphrase was changed.` };
    case 'unlock-failed':
      return {
        category: 'access',
        summary: `${event.attempts} wrong ${event.which ?? 'operator'} passphrase${event.attempts === 1 ? '' : 's'} between ${event.first} and ${event.last}.`,
      };
    case 'journal-recovered':
      return { category: 'access', summary: `Recovered on opening: ${event.notice}` };
    case 'pki-imported':
      return {
        category: 'ca',
        summary: `Existing CA imported from ${event.source} (${event.origin}): ${event.counts.certificates} certificates (${event.counts.valid} valid, ${event.counts.expired} expired, ${event.counts.revoked} revoked); ${event.counters.map((counter) => `${counter.ca} CRLs continue at number ${counter.nextCrlNumber}`).join(', ')}; ${event.files.length} source files hashed.`,
      };
    case 'certificate-imported':
      return {
        category: 'issuance',
        summary: `${event.kind === 'ca' ? 'CA' : capitalised(event.profile)} certificate imported for ${event.subject}${event.revocation ? `, revoked ${event.revocation.at} (${event.revocation.reason})` : ''}; valid until ${event.notAfter}.`,
        serial: event.serial,
      };
    case 'change-begun':
      return {
        category: 'access',
        summary: `Change ${event.id} begun (${event.change}): ${event.files.length} file(s).`,
      };
    case 'change-ended':
      return { category: 'access', summary: `Change ${event.id} ${event.outcome.replace('-', ' ')}.` };
    case 'intermediate-rotation-started':
      return {
        category: 'ca',
        summary:
          (event.retiring
            ? `Rotation started: a new intermediate generation will replace ${event.retiring}, SHA-256 ${event.sha256}.`
            : `A first intermediate generation is being installed, SHA-256 ${event.sha256}.`) +
          (event.token ? ` Its key is on PKCS#11 token ${event.token.serial} (key id ${event.token.keyId}).` : ''),
        serial: event.serial,
      };
    case 'intermediate-rotation-abandoned':
      return { category: 'ca', summary: `Intermediate generation abandoned: ${event.why}.`, serial: event.serial };
    case 'intermediate-retired':
      return {
        category: 'ca',
        summary: `Intermediate retired (replaced by ${event.successor}): it issues no more but keeps signing its CRL.`,
        serial: event.serial,
      };
    case 'root-crl-scheduled':
      return {
        category: 'revocation',
        summary: `Root CRL schedule signed: ${event.count} CRLs, numbers ${event.firstNumber}–${event.lastNumber}, every ${event.intervalDays} days with ${event.graceDays} days' grace; the last one's next update is ${event.lastNextUpdate}.`,
      };
    case 'issuer-crl-generated':
      return {
        category: 'revocation',
        summary: `CRL number ${event.crlNumber} of intermediate ${event.issuer} published with ${event.entries} entr${event.entries === 1 ? 'y' : 'ies'}; next update ${event.nextUpdate}.`,
        serial: event.issuer,
      };
    case 'store-file-changing':
      return { category: 'access', summary: `The store file is rewritten (write ${event.generation}).` };
    case 'store-restored':
      return {
        category: 'access',
        summary: `Restored from the backup ${event.file} (SHA-256 ${event.sha256}) at record ${event.restoredHead.sequence}.`,
      };
    case 'rollback-accepted':
      return {
        category: 'access',
        summary: `An older copy of the store was accepted: it ended at record ${event.sequence}; the last seen was record ${event.lastSeen}.`,
      };
    case 'intermediate-signed-external':
      return {
        category: 'ca',
        summary: `External intermediate signed by the root for an online CA (request SHA-256 ${event.csrSha256}), SHA-256 ${event.sha256}.`,
        serial: event.serial,
      };
    case 'custody-created':
      return {
        category: 'access',
        summary: `Root ${event.replaces ? 'shares issued anew' : 'put in custody'}: ${event.threshold} of ${event.total} shares (set ${event.setId}) for ${event.custodians.map((custodian) => custodian.name).join(', ')}${event.replaces ? `; set ${event.replaces} no longer opens it` : ''}.`,
      };
    case 'root-quorum':
      return {
        category: 'access',
        summary: `Root unlocked by shares of ${event.custodians.map((custodian) => `${custodian.name} (${custodian.index})`).join(', ')}.`,
      };
    case 'root-token':
      return {
        category: 'access',
        summary: `Root key ${TOKEN_ACTIONS[event.action]} PKCS#11 token ${event.serial} (key id ${event.keyId}).`,
      };
    case 'intermediate-token':
      return {
        category: 'access',
        summary: `Intermediate ${event.intermediate}'s key ${TOKEN_ACTIONS[event.action]} PKCS#11 token ${event.serial} (key id ${event.keyId}).`,
        serial: event.intermediate,
      };
    case 'ceremony-recorded':
      return {
        category: 'ca',
        summary: `Ceremony record (${event.operation}) written: ${event.file}, SHA-256 ${event.sha256}.`,
      };
  }
}

const TOKEN_ACTIONS = { created: 'generated on', used: 'used on', imported: 'copied onto' } as const;

const SOURCES: Readonly<Record<Extract<JournalEvent, { type: 'certificate-issued' }>['source'], string>> = {
  'generated-key': 'key made here',
  csr: 'from a request',
  renewal: 'renewal',
};

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function auditEntry(entry: JournalEntry): AuditEntry {
  const described = describe(entry.event);
  return {
    sequence: entry.sequence,
    at: entry.event.at,
    type: entry.event.type,
    category: described.category,
    summary: described.summary,
    serial: described.serial ?? null,
  };
}

/** The timeline as plain text: one line per event, oldest first, then the head to compare with the paper log. */
export function auditText(entries: readonly AuditEntry[], head: { sequence: number; chainHash: string }): string {
  const lines = entries.map(
    (entry) =>
      `${String(entry.sequence).padStart(6)}  ${entry.at}  ${entry.type.padEnd(22)}  ${entry.summary}${entry.serial ? `  [serial ${entry.serial}]` : ''}`,
  );
  return `${[
    'Rootkeeper audit log',
    `Journal head: sequence ${head.sequence}, chain hash ${head.chainHash}`,
    '',
    ...lines,
  ].join('\n')}\n`;
}

/** How an export made while the store was locked was recorded, and what the next unlock found. */
function lockedNote(event: Extract<JournalEvent, { type: 'export-written' }>): string {
  if (!event.recordedWhileLocked) return '';
  const found = {
    matches: 'the files still match',
    changed: 'the files have changed since',
    missing: 'some files are gone',
  };
  return ` Recorded while locked; at the next unlock ${found[event.check ?? 'missing']}.`;
}
