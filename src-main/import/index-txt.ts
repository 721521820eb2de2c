/**
 * OpenSSL's CA database, index.txt (easy-rsa keeps the same file): one line
 * per certificate, six tab-separated fields — status (V, R, E), expiry,
 * revocation date[,reason[,compromise time or hold instruction]], serial
 * (hex), file name, subject.
 */
import type { CrlReason } from '../../shared/domain/pki';
import { normaliseSerial } from '../engine/serial';
import type { ImportProblem, IndexEntry } from './description';

/** OpenSSL's reason words (crypto/x509/v3_crld.c, apps/ca.c) and the RFC 5280 names they stand for. */
const OPENSSL_REASONS: Readonly<Record<string, CrlReason>> = {
  unspecified: 'unspecified',
  keyCompromise: 'keyCompromise',
  CACompromise: 'cACompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
  removeFromCRL: 'removeFromCRL',
  // apps/ca.c's extra forms: a compromise with a time, a hold with an instruction.
  keyTime: 'keyCompromise',
  CAkeyTime: 'cACompromise',
  holdInstruction: 'certificateHold',
};

export function reasonFromOpenssl(text: string | null): CrlReason | null {
  if (text === null) return 'unspecified';
  return OPENSSL_REASONS[text] ?? null;
}

/** YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ (GeneralizedTime), as OpenSSL writes them. */
export function parseAsn1Time(text: string): Date | null {
  const match = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  let year = Number(y);
  if (y!.length === 2) year += year >= 50 ? 1900 : 2000;
  const date = new Date(Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function parseIndex(file: string, text: string): { entries: IndexEntry[]; problems: ImportProblem[] } {
  const entries: IndexEntry[] = [];
  const problems: ImportProblem[] = [];
  text.split('\n').forEach((raw, index) => {
    const lineText = raw.replace(/\r$/, '');
    if (lineText.trim() === '') return;
    const line = index + 1;
    const parsed = parseLine(lineText);
    if (typeof parsed === 'string') problems.push({ file, line, message: parsed });
    else entries.push({ file, line, ...parsed });
  });
  return { entries, problems };
}

function parseLine(text: string): Omit<IndexEntry, 'file' | 'line'> | string {
  const fields = text.split('\t');
  if (fields.length !== 6) return `the line has ${fields.length} tab-separated fields, not 6`;
  const [status, expiry, revocation, serialText, filename, subject] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (status !== 'V' && status !== 'R' && status !== 'E') return `the status "${status}" is not V, R or E`;
  const serial = normaliseSerial(serialText);
  if (!serial || !/^[0-9A-Fa-f]+$/.test(serialText)) return `the serial "${serialText}" is not hexadecimal`;
  const expires = parseAsn1Time(expiry);
  if (!expires) return `the expiry "${expiry}" is not a date`;
  let revokedAt: Date | null = null;
  let reasonText: string | null = null;
  let invalidityDate: Date | null = null;
  if (status === 'R') {
    const [date, reason, extra] = revocation.split(',');
    revokedAt = parseAsn1Time(date ?? '');
    if (!revokedAt) return `serial ${serial} is revoked but its revocation date "${revocation}" is not a date`;
    reasonText = reason ?? null;
    if (!reasonFromOpenssl(reasonText)) return `serial ${serial} has an unknown revocation reason "${reasonText}"`;
    // apps/ca.c writes "date,keyTime,YYYYMMDDHHMMSSZ": the time the key was compromised.
    if (reasonText === 'keyTime' || reasonText === 'CAkeyTime') {
      invalidityDate = parseAsn1Time(extra ?? '');
      if (!invalidityDate)
        return `serial ${serial} is revoked ${reasonText} but its compromise time "${extra ?? ''}" is not a date`;
    }
  } else if (revocation !== '') {
    return `serial ${serial} is not revoked (${status}) but has a revocation date`;
  }
  return { status, expires, revokedAt, reasonText, invalidityDate, serial, filename, subject };
}
