/**
 * Past ceremony records: listed from the journal, and written again into a
 * chosen folder from the journal's copy of the record's exact JSON bytes and
 * the root's signature over them (checked against the SHA-256 journaled with
 * it), so a lost or damaged USB stick costs nothing. The root is not needed:
 * nothing is signed anew.
 */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { JournalEntry } from '../../shared/domain/journal';
import { rejected } from '../../shared/errors';
import { sha256Hex } from '../custody/hash';
import { ceremonyRecordFiles } from '../exports/ceremony';
import { currentSession, type OperationContext } from './context';
import { writeExport } from './export-ops';

type Recorded = Extract<JournalEntry['event'], { type: 'ceremony-recorded' }>;

async function recordedCeremonies(context: OperationContext): Promise<{ sequence: number; event: Recorded }[]> {
  // Read through the journal index: a store of 100,000 certificates is not scanned to find its few records.
  const entries = await currentSession(context).ceremonyRecordEntries();
  return entries.flatMap(({ sequence, event }) => (event.type === 'ceremony-recorded' ? [{ sequence, event }] : []));
}

export async function ceremonyRecordsOperation(context: OperationContext): Promise<ResponseOf<'ceremonyRecords'>> {
  const records = await recordedCeremonies(context);
  return {
    records: records.reverse().map(({ sequence, event }) => ({
      sequence,
      at: event.at,
      operation: event.operation,
      file: event.file,
      sha256: event.sha256,
      kept: event.json !== undefined && event.signature !== undefined,
    })),
  };
}

export async function exportCeremonyRecordOperation(
  context: OperationContext,
  request: RequestOf<'exportCeremonyRecord'>,
): Promise<ResponseOf<'exportCeremonyRecord'>> {
  const records = await recordedCeremonies(context);
  const found = records.find(({ event }) => event.file === request.file);
  if (!found) throw rejected('not-found', `The journal records no ceremony record named ${request.file}.`);
  const { event } = found;
  if (event.json === undefined || event.signature === undefined)
    throw rejected(
      'not-found',
      `${request.file} was written before the journal kept a copy of each record: only the original files hold it.`,
    );
  const json = Buffer.from(event.json, 'base64');
  // The journal is authenticated; this check says the copy is the very record the SHA-256 on paper names.
  if (sha256Hex(json) !== event.sha256)
    throw rejected('bad-signature', `The journal's copy of ${request.file} does not match its SHA-256.`);
  const signature = Buffer.from(event.signature, 'base64');
  const files = await ceremonyRecordFiles(event.file, json, signature, currentSession(context).chainRoot());
  const folder = path.join(context.destinations.folder(request.destination), event.file.replace(/\.json$/, ''));
  const written = await writeExport(
    context,
    folder,
    files.map(([name, data]) => ({ name, data })),
    'ceremony-record',
  );
  return { sha256: event.sha256, written };
}
