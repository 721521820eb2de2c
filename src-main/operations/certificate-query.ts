/**
 * Finding certificates in a large inventory: filter, sort, then summarise
 * only the page asked for. The GUI's list is virtualised and asks for a page
 * at a time, so a 100,000-certificate store answers a search in a few
 * milliseconds (docs/performance.md); the CLI asks for everything.
 */
import type { CertificateStatus, CertificateSummary } from '../../shared/domain/certificates';
import { EXPIRING_DAYS } from '../../shared/domain/certificates';
import type { CertificateSort } from '../../shared/domain/operations';
import type { CertificateRecord } from '../store/inventory';
import { statusOf, summarise } from './summaries';

export interface CertificateQuery {
  /** Case-insensitive text found in the serial, the subject or a name. */
  readonly text?: string;
  readonly status?: CertificateStatus;
  readonly expiringWithinDays?: number;
  readonly sort?: CertificateSort;
  readonly descending?: boolean;
  readonly offset?: number;
  readonly limit?: number;
}

export interface CertificatePage {
  readonly certificates: CertificateSummary[];
  /** Matches before paging. */
  readonly total: number;
}

function matcher(query: CertificateQuery, now: number): (record: CertificateRecord) => boolean {
  const text = query.text?.trim().toLowerCase();
  // A serial may be typed as openssl prints it, with colons.
  const serialText = text?.replace(/:/g, '');
  const days = query.expiringWithinDays ?? EXPIRING_DAYS;
  const wantedStatus = query.expiringWithinDays !== undefined ? 'expiring' : query.status;
  return (record) =>
    (!text || record.searchText.includes(text) || (!!serialText && record.serial.includes(serialText))) &&
    (!wantedStatus || statusOf(record, now, days) === wantedStatus);
}

/** Issue order needs no comparator: it is the inventory's own order. */
const COMPARE: Readonly<
  Record<Exclude<CertificateSort, 'issued'>, (a: CertificateRecord, b: CertificateRecord) => number>
> = {
  subject: (a, b) => compareText(a.subject.toLowerCase(), b.subject.toLowerCase()),
  notAfter: (a, b) => compareText(a.notAfter, b.notAfter),
  serial: (a, b) => a.serial.length - b.serial.length || compareText(a.serial, b.serial),
};

// Code-point order: fast on 100,000 rows, and the same on every machine.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function queryCertificates(
  records: Iterable<CertificateRecord>,
  query: CertificateQuery,
  now: number,
): CertificatePage {
  const matched = [...records].filter(matcher(query, now));
  const sort = query.sort ?? 'issued';
  if (sort !== 'issued') matched.sort(COMPARE[sort]);
  if (query.descending) matched.reverse();
  const offset = query.offset ?? 0;
  const page = matched.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  return {
    certificates: page.map((record) => summarise(record, now, query.expiringWithinDays)),
    total: matched.length,
  };
}
