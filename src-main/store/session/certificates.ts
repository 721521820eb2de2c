/**
 * Issued certificates read back from the journal: the inventory keeps where
 * each one's record lies, not its DER (docs/performance.md, "Memory"). Every
 * read authenticates the record again, so a journal altered on disk since
 * the store was opened is refused, never trusted.
 */
import type { JournalEntry, JournalEvent } from '../../../shared/domain/journal';
import { RootkeeperError } from '../../../shared/errors';
import { readIndexedRecords } from '../journal';
import type { CertificateRecord } from '../inventory';
import { StoreDamagedError } from '../damage';
import { JOURNAL_FILE } from '../layout';
import type { SessionCore } from './core';

type Located = Pick<CertificateRecord, 'serial' | 'record'>;
/** A certificate's DER, on its own ArrayBuffer (what @peculiar/x509 takes). */
export type Der = Buffer<ArrayBuffer>;

/**
 * Hands each record's DER to `use`, in journal order (not kept: a renewal
 * may look at every certificate of the store). Called from an operation that
 * already holds the session's queue (core.exclusive), so a change of the
 * data key cannot run at the same time.
 */
async function eachCertificate<R extends Located>(
  core: SessionCore,
  records: readonly R[],
  use: (record: R, der: Der) => void,
): Promise<void> {
  const bySequence = new Map(records.map((record) => [record.record, record]));
  await readRecordsNow(core, [...bySequence.keys()], (sequence, event) =>
    use(bySequence.get(sequence)!, certificateIn(event, bySequence.get(sequence)!)),
  );
}

/** The DER of each record, in the order given (within an operation, as `eachCertificate`). */
export async function readCertificates(core: SessionCore, records: readonly Located[]): Promise<Der[]> {
  const ders = new Map<number, Der>();
  await eachCertificate(core, records, (record, der) => ders.set(record.record, der));
  return records.map((record) => ders.get(record.record)!);
}

/** One certificate's DER, read under the session's queue. */
export function certificateDer(core: SessionCore, record: Located): Promise<Der> {
  return core.exclusive(async () => (await readCertificates(core, [record]))[0]!);
}

/** Every certificate given, one at a time, under the session's queue. */
export function forEachCertificate<R extends Located>(
  core: SessionCore,
  records: readonly R[],
  use: (record: R, der: Der) => void,
): Promise<void> {
  return core.exclusive(() => eachCertificate(core, records, use));
}

/**
 * The journal records the inventory names (say, its ceremony records), read
 * through the index and authenticated again, in the order given: a few
 * records of a 200 MB journal without reading the rest.
 */
export function readRecords(core: SessionCore, sequences: readonly number[]): Promise<JournalEntry[]> {
  return core.exclusive(async () => {
    const found = new Map<number, JournalEvent>();
    await readRecordsNow(core, sequences, (sequence, event) => found.set(sequence, event));
    return sequences.map((sequence) => ({ sequence, event: found.get(sequence)! }));
  });
}

/** Records by sequence through the journal index, authenticated again; the caller holds the session's queue. */
async function readRecordsNow(
  core: SessionCore,
  sequences: readonly number[],
  use: (sequence: number, event: JournalEvent) => void,
): Promise<void> {
  core.active();
  const index = core.parts.writer.index;
  if (!index) throw new RootkeeperError('INTERNAL', 'The journal was opened without its record index.');
  await readIndexedRecords(core.parts.dir, core.storeId, core.keys, index, sequences, use);
  core.active();
}

/** The certificate a record holds: it must be the one the inventory says it is. */
function certificateIn(event: JournalEvent, { serial, record }: Located): Der {
  if ((event.type !== 'certificate-issued' && event.type !== 'certificate-imported') || event.serial !== serial)
    throw new StoreDamagedError(JOURNAL_FILE, `record ${record} does not hold certificate ${serial}`, record);
  return Buffer.from(event.certificate, 'base64');
}
