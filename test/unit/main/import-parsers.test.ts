/** The two text formats an OpenSSL import reads: index.txt lines and openssl.cnf's CA section. */
import { describe, expect, it } from 'vitest';
import { parseAsn1Time, parseIndex, reasonFromOpenssl } from '../../../src-main/import/index-txt';
import { defaultCaSection, parseOpensslConfig } from '../../../src-main/import/openssl-cnf';

describe('index.txt', () => {
  it('reads valid, revoked (with OpenSSL reason words) and expired lines', () => {
    const text = [
      'V\t271209122948Z\t\t1000\tunknown\t/C=GB/O=Alice Ltd/CN=www.example.com',
      'R\t271209122948Z\t261129122948Z,CACompromise\t1001\tunknown\t/CN=mail',
      'E\t200101000000Z\t\t0A\tunknown\t/CN=old',
      'R\t20510101000000Z\t261129122948Z\t1003\tunknown\t/CN=far',
      '',
    ].join('\n');
    const { entries, problems } = parseIndex('index.txt', text);
    expect(problems).toEqual([]);
    expect(entries.map((entry) => [entry.line, entry.status, entry.serial, entry.reasonText])).toEqual([
      [1, 'V', '1000', null],
      [2, 'R', '1001', 'CACompromise'],
      [3, 'E', 'a', null],
      [4, 'R', '1003', null],
    ]);
    expect(entries[1]!.revokedAt!.toISOString()).toBe('2026-11-29T12:29:48.000Z');
    expect(entries[3]!.expires!.toISOString()).toBe('2051-01-01T00:00:00.000Z');
    expect(reasonFromOpenssl('CACompromise')).toBe('cACompromise');
    expect(reasonFromOpenssl('keyTime')).toBe('keyCompromise');
    expect(reasonFromOpenssl(null)).toBe('unspecified');
  });

  it('names the line of each malformed entry', () => {
    const text = [
      'V\t271209122948Z\t\t1000\tunknown',
      'X\t271209122948Z\t\t1001\tunknown\t/CN=a',
      'R\t271209122948Z\tyesterday\t1002\tunknown\t/CN=b',
      'R\t271209122948Z\t261129122948Z,badReason\t1003\tunknown\t/CN=c',
      'V\t271209122948Z\t\tZZ\tunknown\t/CN=d',
      'V\t271209122948Z\t261129122948Z\t1005\tunknown\t/CN=e',
    ].join('\n');
    const { entries, problems } = parseIndex('intermediate/index.txt', text);
    expect(entries).toEqual([]);
    expect(problems.map((problem) => problem.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(problems[3]!.message).toContain('unknown revocation reason "badReason"');
  });

  it('reads both of OpenSSL time forms and refuses others', () => {
    expect(parseAsn1Time('491231235959Z')!.getUTCFullYear()).toBe(2049);
    expect(parseAsn1Time('500101000000Z')!.getUTCFullYear()).toBe(1950);
    expect(parseAsn1Time('2026-11-29')).toBeNull();
  });
});

describe('openssl.cnf', () => {
  it("expands $dir in the default CA's section", () => {
    const config = parseOpensslConfig(`
# comment
[ ca ]
default_ca = CA_default   # the section openssl ca uses

[ CA_default ]
dir               = /root/ca
database          = $dir/index.txt
private_key       = \${dir}/private/ca.key.pem
crlnumber         = $CA_default::dir/crlnumber
`);
    const section = defaultCaSection(config)!;
    expect(section.get('database')).toBe('/root/ca/index.txt');
    expect(section.get('private_key')).toBe('/root/ca/private/ca.key.pem');
    expect(section.get('crlnumber')).toBe('/root/ca/crlnumber');
  });

  it('has no CA section when [ ca ] names none', () => {
    expect(defaultCaSection(parseOpensslConfig('[ req ]\nprompt = no\n'))).toBeNull();
  });
});
