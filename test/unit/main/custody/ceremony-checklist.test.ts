/**
 * The steps the GUI's ceremony wizard confirmed one by one go into the
 * ceremony record first, each with its own UTC time and marked as confirmed
 * in the wizard; a step with a time still to come, no time, or control
 * characters is refused before anything is unlocked.
 */
import { describe, expect, it } from 'vitest';
import { CeremonyLog } from '../../../../src-main/custody/ceremony-record';
import { RootkeeperError } from '../../../../shared/errors';

const FACTS = {
  appVersion: 'test',
  code: { file: 'main/', sha256: 'ab'.repeat(32) },
  store: { id: 'store', rootSubject: 'CN=Root', rootSha256: 'AA:BB' },
  custody: null,
  journal: { before: null, after: { sequence: 3, chainHash: 'cd'.repeat(32) } },
  digest: 'sha384' as const,
  jsonFile: 'ceremony.json',
};

describe('the ceremony wizard’s confirmed steps', () => {
  it('come first in the record, with their times, before the steps the operation adds', () => {
    const first = new Date(Date.now() - 120_000).toISOString();
    const second = new Date(Date.now() - 60_000).toISOString();
    const log = new CeremonyLog('intermediate-rotate', {
      folder: '/usb',
      witnesses: ['Wendy Witness'],
      checklist: [
        { at: first, step: 'Operator: Olive Officer. Witnesses present: Wendy Witness.' },
        { at: second, step: 'The root fingerprint was read aloud; initials: Wendy Witness (WW).' },
      ],
    });
    log.step('The root signed the intermediate.');
    const record = log.record(FACTS);
    expect(record.steps).toEqual([
      {
        at: first,
        step: 'Confirmed in the ceremony wizard: Operator: Olive Officer. Witnesses present: Wendy Witness.',
      },
      {
        at: second,
        step: 'Confirmed in the ceremony wizard: The root fingerprint was read aloud; initials: Wendy Witness (WW).',
      },
      { at: expect.any(String), step: 'The root signed the intermediate.' },
    ]);
    expect(Date.parse(record.steps[2]!.at)).toBeGreaterThanOrEqual(Date.parse(second));
  });

  it.each([
    ['a time still to come', { at: new Date(Date.now() + 3_600_000).toISOString(), step: 'Later.' }],
    ['no time', { at: 'yesterday', step: 'Whenever.' }],
    ['a control character', { at: new Date().toISOString(), step: 'Line one\nline two' }],
    ['no words', { at: new Date().toISOString(), step: '   ' }],
  ])('refuses a step with %s', (_, check) => {
    const make = () => new CeremonyLog('root-crl', { folder: '/usb', witnesses: [], checklist: [check] });
    expect(make).toThrow(RootkeeperError);
    expect(make).toThrow(/A confirmed ceremony step needs a past UTC time and printable words/);
  });
});
