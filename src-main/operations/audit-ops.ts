/** The audit timeline: journal events read and verified from disk, in pages, and exported as text. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { AuditEntry } from '../../shared/domain/audit';
import { auditEntry, auditText } from './audit-text';
import { currentSession, type OperationContext } from './context';
import { writeExport } from './export-ops';

export async function journalEntriesOperation(
  context: OperationContext,
  request: RequestOf<'journalEntries'>,
): Promise<ResponseOf<'journalEntries'>> {
  const query = request.query?.trim().toLowerCase();
  const matching: AuditEntry[] = [];
  // Streamed: only the matches are kept (the overview asks for the last ceremony record on every visit).
  await currentSession(context).eachJournalEntry((entry) => {
    const described = auditEntry(entry);
    if (request.category && described.category !== request.category) return;
    if (query && !`${described.summary}\n${described.serial ?? ''}`.toLowerCase().includes(query)) return;
    matching.push(described);
  });
  matching.reverse();
  const offset = request.offset ?? 0;
  const end = request.limit === undefined ? undefined : offset + request.limit;
  return { entries: matching.slice(offset, end), total: matching.length };
}

export async function exportAuditOperation(
  context: OperationContext,
  request: RequestOf<'exportAudit'>,
): Promise<ResponseOf<'exportAudit'>> {
  const session = currentSession(context);
  const entries = (await session.readJournal()).map(auditEntry);
  const head = session.head;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, 'Z');
  const folder = path.join(context.destinations.folder(request.destination), `rootkeeper-audit-${stamp}`);
  return writeExport(context, folder, [{ name: 'audit-log.txt', data: auditText(entries, head) }], 'audit-log');
}
