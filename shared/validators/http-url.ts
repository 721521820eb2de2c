/**
 * The URLs a CA writes into what it signs (CRL Distribution Points, AIA
 * caIssuers): plain http:// with a host. Clients fetch CRLs and issuing
 * certificates without TLS, since checking a TLS server would itself need
 * the CRL (RFC 5280 §4.2.1.13 practice; https CRLs fail in many clients).
 * The engine refuses with these sentences and the GUI shows them as typed.
 */

/**
 * The WHATWG URL parser, which both sides have as a global (Node and the
 * browser) though shared/ is compiled without either's types.
 */
interface ParsedUrl {
  readonly href: string;
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly hostname: string;
}
declare const URL: new (input: string) => ParsedUrl;

/** What the URL points at, for the sentence that explains the rule. */
export type HttpUrlRole = 'crl' | 'certificate';

const FETCHED: Readonly<Record<HttpUrlRole, string>> = {
  crl: 'clients fetch CRLs without TLS',
  certificate: 'clients fetch issuing certificates without TLS',
};

/** The URL as it will be written (normalised by the URL parser), or a sentence saying what is wrong with it. */
export function checkHttpUrl(input: string, role: HttpUrlRole): { url: string } | { problem: string } {
  const problem = httpUrlProblem(input, role);
  return problem === null ? { url: new URL(input).href } : { problem };
}

function httpUrlProblem(input: string, role: HttpUrlRole): string | null {
  if (input.trim() === '') return 'it is empty: give a whole URL starting with http://';
  if (/\s/.test(input)) return 'it contains spaces';
  let parsed: ParsedUrl;
  try {
    parsed = new URL(input);
  } catch {
    return /^[a-z][a-z0-9+.-]*:/i.test(input)
      ? 'it is not a URL'
      : 'it is not a whole URL: start it with http://, e.g. http://pki.example.com/ca.crl';
  }
  if (parsed.protocol === 'https:') return `it uses https://, and ${FETCHED[role]}: write http://`;
  if (parsed.protocol !== 'http:') return `it uses ${parsed.protocol}//, not http://`;
  if (parsed.username || parsed.password) return 'it carries a user name or password, which every client would see';
  if (!parsed.hostname) return 'it has no host';
  return null;
}
