import { describe, expect, it } from 'vitest';
import { queryCertificates } from '../../../src-main/operations/certificate-query';
import type { JournalEvent } from '../../../shared/domain/journal';
import { applyEntries, emptyInventory } from '../../../src-main/store/inventory';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

/** Records made the way the store makes them: events replayed onto an inventory. */
function inventoryOf(specs: ReadonlyArray<[serial: string, subject: string, daysLeft: number, revoked?: boolean]>) {
  const inventory = emptyInventory();
  const at = new Date(NOW - 10 * DAY).toISOString();
  const events: JournalEvent[] = specs.flatMap(([serial, subject, daysLeft, revoked]): JournalEvent[] => [
    {
      type: 'certificate-issued',
      at,
      serial,
      profile: 'server',
      subject,
      sans: [{ type: 'dns', value: subject.slice(3).toLowerCase() }],
      notBefore: at,
      notAfter: new Date(NOW + daysLeft * DAY).toISOString(),
      source: 'csr',
      certificate: 'AA==',
    },
    ...(revoked
      ? [{ type: 'certificate-revoked', at, ca: 'intermediate', serial, reason: 'superseded' } as const]
      : []),
  ]);
  applyEntries(
    inventory,
    events.map((event, index) => ({ sequence: index + 1, event })),
  );
  return [...inventory.certificates.values()];
}

const records = inventoryOf([
  ['0a', 'CN=web.example.com', 300],
  ['ff01', 'CN=Api.Example.com', 10],
  ['1b', 'CN=old.example.org', -5],
  ['2c', 'CN=mail.example.net', 200, true],
]);
const serials = (query: Parameters<typeof queryCertificates>[1]) =>
  queryCertificates(records, query, NOW).certificates.map((summary) => summary.serial);

describe('finding certificates', () => {
  it('keeps issue order by default and counts every match', () => {
    expect(queryCertificates(records, {}, NOW)).toMatchObject({ total: 4 });
    expect(serials({})).toEqual(['0a', 'ff01', '1b', '2c']);
  });

  it('matches text in the subject, the names or the serial, case-insensitively, colons allowed', () => {
    expect(serials({ text: 'API.example' })).toEqual(['ff01']);
    expect(serials({ text: 'example.org' })).toEqual(['1b']);
    expect(serials({ text: 'FF:01' })).toEqual(['ff01']);
    expect(serials({ text: 'nowhere' })).toEqual([]);
  });

  it('filters by status and by days to expiry', () => {
    expect(serials({ status: 'revoked' })).toEqual(['2c']);
    expect(serials({ status: 'expired' })).toEqual(['1b']);
    expect(serials({ status: 'expiring' })).toEqual(['ff01']);
    expect(serials({ expiringWithinDays: 301 })).toEqual(['0a', 'ff01']);
  });

  it('sorts by subject, expiry and serial value, either way', () => {
    expect(serials({ sort: 'subject' })).toEqual(['ff01', '2c', '1b', '0a']);
    expect(serials({ sort: 'notAfter', descending: true })).toEqual(['0a', '2c', 'ff01', '1b']);
    expect(serials({ sort: 'serial' })).toEqual(['0a', '1b', '2c', 'ff01']);
  });

  it('returns one page, with the total of every match', () => {
    const page = queryCertificates(records, { sort: 'serial', offset: 1, limit: 2 }, NOW);
    expect(page.certificates.map((summary) => summary.serial)).toEqual(['1b', '2c']);
    expect(page.total).toBe(4);
  });
});
