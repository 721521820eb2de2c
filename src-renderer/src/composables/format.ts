/** Dates and numbers as the officer reads them: unambiguous, UTC for anything that goes into a log. */

export function utc(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d{3}Z$|Z$/, ' UTC');
}

export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
}

export function bytes(count: number): string {
  return count < 1024 ? `${count} B` : `${(count / 1024).toFixed(1)} KiB`;
}

/**
 * A fingerprint or checksum in groups of eight bytes, the unit officers read
 * aloud and compare: colon-separated bytes ("6D:42:…") keep their colons, a
 * trailing one on every group but the last; plain hex (sha256sum's form) is
 * cut every sixteen digits. Joined, the groups are the value unchanged.
 */
export function fingerprintGroups(value: string): string[] {
  const groups: string[] = [];
  if (value.includes(':')) {
    const octets = value.split(':');
    for (let index = 0; index < octets.length; index += 8) {
      const last = index + 8 >= octets.length;
      groups.push(octets.slice(index, index + 8).join(':') + (last ? '' : ':'));
    }
  } else {
    for (let index = 0; index < value.length; index += 16) groups.push(value.slice(index, index + 16));
  }
  return groups;
}
