import { describe, expect, it } from 'vitest';
import { checkDnsName } from '../../../shared/validators/dns-name';
import { checkEmailAddress } from '../../../shared/validators/email';
import { formatDistinguishedName, parseDistinguishedName } from '../../../shared/validators/distinguished-name';
import {
  formatIpAddress,
  parseCidr,
  parseIPv4,
  parseIPv6,
  parseIpAddress,
} from '../../../shared/validators/ip-address';
import { checkNameConstraints } from '../../../shared/validators/name-constraints';
import { findDuplicate, parseSanSpec } from '../../../shared/validators/subject-alt-name';
import { checkHttpUrl } from '../../../shared/validators/http-url';

const problemOf = (result: object) => ('problem' in result ? (result as { problem: string }).problem : null);

describe('DNS names', () => {
  it('accepts host names and normalises them to lower case', () => {
    expect(checkDnsName('WWW.Example.COM')).toEqual({ name: 'www.example.com' });
    expect(checkDnsName('xn--bcher-kva.example')).toEqual({ name: 'xn--bcher-kva.example' });
    expect(checkDnsName('a-b.c1.example.com')).toEqual({ name: 'a-b.c1.example.com' });
    expect(checkDnsName('localhost')).toEqual({ name: 'localhost' });
  });

  it.each([
    ['', /empty/],
    ['www.example.com.', /trailing dot/],
    ['exa mple.com', /spaces/],
    ['bad\u0007.com', /control characters/],
    ['10.0.0.1', /IP address/],
    ['::1', /IP address/],
    ['under_score.example.com', /invalid label/],
    ['-lead.example.com', /invalid label/],
    ['trail-.example.com', /invalid label/],
    ['a..b.com', /empty label/],
    [`${'a'.repeat(64)}.com`, /longer than 63/],
    [`${'a.'.repeat(127)}com`, /longer than 253/],
    ['bücher.example', /xn--/],
    ['www.*.example.com', /not the whole left-most label/],
    ['w*.example.com', /not the whole left-most label/],
    ['example.123', /all-numeric/],
  ])('refuses %j', (name, problem) => {
    expect(problemOf(checkDnsName(name, { allowWildcard: true }))).toMatch(problem);
  });

  it('allows a wildcard only as the whole left-most label, and only where asked', () => {
    expect(checkDnsName('*.example.com', { allowWildcard: true })).toEqual({ name: '*.example.com' });
    expect(problemOf(checkDnsName('*.example.com'))).toMatch(/wildcard/);
    expect(problemOf(checkDnsName('*.com', { allowWildcard: true }))).toMatch(/too broad/);
  });
});

describe('IP addresses', () => {
  it('parses IPv4 strictly', () => {
    expect(Array.from(parseIPv4('192.0.2.1')!)).toEqual([192, 0, 2, 1]);
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.-4']) {
      expect(parseIPv4(bad), bad).toBeNull();
    }
  });

  it('parses IPv6 in all its forms and prints it as RFC 5952 says', () => {
    const cases: [string, string][] = [
      ['2001:db8::1', '2001:db8::1'],
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['::1', '::1'],
      ['::', '::'],
      ['fe80::', 'fe80::'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ];
    for (const [input, canonical] of cases) expect(formatIpAddress(parseIPv6(input)!), input).toBe(canonical);
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', ':::', 'fe80::1%eth0', 'g::1', '1:2:3:4:5:6:7::8']) {
      expect(parseIPv6(bad), bad).toBeNull();
    }
  });

  it('parses CIDR ranges and refuses host bits', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ prefixLength: 8, text: '10.0.0.0/8' });
    expect(parseCidr('FD00::/8')).toMatchObject({ prefixLength: 8, text: 'fd00::/8' });
    expect(parseCidr('10.0.0.1/8')).toMatch(/host bits set; the range is 10.0.0.0\/8/);
    expect(parseCidr('10.0.0.0/33')).toMatch(/longer than an IPv4/);
    expect(parseCidr('10.0.0.0')).toMatch(/not a CIDR range/);
  });

  it('parses either family', () => {
    expect(parseIpAddress('127.0.0.1')?.length).toBe(4);
    expect(parseIpAddress('::1')?.length).toBe(16);
    expect(parseIpAddress('localhost')).toBeNull();
  });
});

describe('email addresses', () => {
  it('accepts ordinary addresses, lower-casing the domain', () => {
    expect(checkEmailAddress('Alice.Smith+pki@Example.COM')).toEqual({ address: 'Alice.Smith+pki@example.com' });
  });

  it.each(['alice', '@example.com', 'alice@', 'al ice@example.com', 'alice@exa_mple.com', 'a..b@example.com'])(
    'refuses %j',
    (address) => {
      expect(problemOf(checkEmailAddress(address))).not.toBeNull();
    },
  );
});

describe('distinguished names', () => {
  it('reads RFC 4514 and OpenSSL syntax in the order written', () => {
    const expected = [
      { type: 'CN', value: 'Acme Root CA' },
      { type: 'O', value: 'Acme, Inc.' },
      { type: 'C', value: 'GB' },
    ];
    expect(parseDistinguishedName('CN=Acme Root CA, O=Acme\\, Inc., C=GB')).toEqual({ dn: expected });
    expect(parseDistinguishedName('/CN=Acme Root CA/O=Acme, Inc./C=GB')).toEqual({ dn: expected });
    expect(parseDistinguishedName('commonName=x,organizationalUnitName=y')).toEqual({
      dn: [
        { type: 'CN', value: 'x' },
        { type: 'OU', value: 'y' },
      ],
    });
  });

  it('keeps Unicode and reads hex escapes', () => {
    expect(parseDistinguishedName('CN=Zürich CA, O=a\\2Cb')).toEqual({
      dn: [
        { type: 'CN', value: 'Zürich CA' },
        { type: 'O', value: 'a,b' },
      ],
    });
  });

  it.each([
    ['', /empty/],
    ['CN', /TYPE=value/],
    ['CN=a, X=b', /not a name attribute/],
    ['CN=a+O=b', /multi-valued/],
    ['CN=a, CN=b', /more than one CN/],
    ['CN=', /empty/],
    ['CN=a\u0000b', /control characters/],
    ['C=gb', /two-letter country code/],
    ['C=GBR', /longer than 2/],
    [`CN=${'x'.repeat(65)}`, /longer than 64/],
    ['CN=a\\', /lone backslash/],
  ])('refuses %j', (text, problem) => {
    expect(problemOf(parseDistinguishedName(text))).toMatch(problem);
  });

  it('formats names so they parse back to the same', () => {
    const parsed = parseDistinguishedName('CN=a\\,b, O=c\\+d, OU=#e');
    if (!('dn' in parsed)) throw new Error('did not parse');
    expect(parseDistinguishedName(formatDistinguishedName(parsed.dn))).toEqual(parsed);
  });
});

describe('subject alternative names', () => {
  it('reads typed and untyped entries', () => {
    expect(parseSanSpec('dns:WWW.example.com')).toEqual({ type: 'dns', value: 'www.example.com' });
    expect(parseSanSpec('www.example.com')).toEqual({ type: 'dns', value: 'www.example.com' });
    expect(parseSanSpec('ip:2001:DB8::1')).toEqual({ type: 'ip', value: '2001:db8::1' });
    expect(parseSanSpec('10.1.2.3')).toEqual({ type: 'ip', value: '10.1.2.3' });
    expect(parseSanSpec('email:ops@example.com')).toEqual({ type: 'email', value: 'ops@example.com' });
    expect(parseSanSpec('upn:ops@corp.example')).toEqual({ type: 'upn', value: 'ops@corp.example' });
  });

  it('refuses what is not a name, and an address without a type', () => {
    expect(problemOf(parseSanSpec('dns:10.0.0.1'))).toMatch(/IP address/);
    expect(problemOf(parseSanSpec('ip:300.1.1.1'))).toMatch(/not an IP address/);
    expect(problemOf(parseSanSpec('ops@example.com'))).toMatch(/needs a type/);
  });

  it('finds duplicates regardless of case', () => {
    expect(
      findDuplicate([
        { type: 'dns', value: 'a.example.com' },
        { type: 'ip', value: '10.0.0.1' },
        { type: 'dns', value: 'A.example.com' },
      ]),
    ).toEqual({ type: 'dns', value: 'A.example.com' });
    expect(findDuplicate([{ type: 'dns', value: 'a.example.com' }])).toBeUndefined();
  });
});

describe('name constraint entries', () => {
  it('checks each entry of each field', () => {
    expect(
      checkNameConstraints({
        permittedDns: ['example.com', '.example.org', '*.example.net'],
        permittedIp: ['10.0.0.0/8', '10.0.0.1/8'],
        permittedEmail: ['example.com', '.example.com', 'ops@example.com', 'bad domain'],
      }),
    ).toEqual([
      { field: 'permittedDns', entry: '.example.org', problem: expect.stringMatching(/write "example.org"/) },
      { field: 'permittedDns', entry: '*.example.net', problem: expect.stringMatching(/wildcard/) },
      { field: 'permittedIp', entry: '10.0.0.1/8', problem: expect.stringMatching(/host bits/) },
      { field: 'permittedEmail', entry: 'bad domain', problem: expect.stringMatching(/spaces/) },
    ]);
  });
});

describe('CRL and certificate URLs', () => {
  it('accepts plain http URLs with a host, normalised as the URL parser writes them', () => {
    expect(checkHttpUrl('http://pki.example.com/ca.crl', 'crl')).toEqual({ url: 'http://pki.example.com/ca.crl' });
    expect(checkHttpUrl('HTTP://PKI.Example.com', 'certificate')).toEqual({ url: 'http://pki.example.com/' });
    expect(checkHttpUrl('http://10.0.0.1:8080/i.cer', 'certificate')).toEqual({ url: 'http://10.0.0.1:8080/i.cer' });
  });

  it.each([
    [
      'https://pki.example.com/ca.crl',
      'crl',
      /^it uses https:\/\/, and clients fetch CRLs without TLS: write http:\/\/$/,
    ],
    ['https://pki.example.com/ca.cer', 'certificate', /clients fetch issuing certificates without TLS/],
    ['ldap://dir.example.com/cn=ca', 'crl', /^it uses ldap:\/\/, not http:\/\/$/],
    ['pki.example.com/ca.crl', 'crl', /not a whole URL: start it with http:\/\//],
    ['http://user:secret@pki.example.com/ca.crl', 'crl', /user name or password/],
    ['http://pki.example.com/a b.crl', 'crl', /spaces/],
    ['', 'crl', /empty/],
    ['http://', 'crl', /not a URL/],
  ] as const)('refuses %j with a sentence that says why', (input, role, pattern) => {
    expect(problemOf(checkHttpUrl(input, role))).toMatch(pattern);
  });
});
