/** Email addresses for rfc822Name SANs and email name constraints: ASCII, one @, a valid domain. */
import { checkDnsName } from './dns-name';

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export function checkEmailAddress(input: string): { address: string } | { problem: string } {
  const shown = JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input);
  const at = input.lastIndexOf('@');
  if (at <= 0 || at === input.length - 1) return { problem: `${shown} is not an email address` };
  const local = input.slice(0, at);
  if (local.length > 64 || !LOCAL_PART.test(local)) {
    return { problem: `${shown} has an invalid part before the @` };
  }
  const domain = checkDnsName(input.slice(at + 1));
  if ('problem' in domain) return { problem: `${shown} has an invalid domain: ${domain.problem}` };
  return { address: `${local}@${domain.name}` };
}
