/** Builds an easy-rsa 3 pki/ with Debian's easy-rsa, as its users do: a CA with a passphrase, a server, two clients, one revoked, a CRL. */
import path from 'node:path';
import { run } from './run';

export const EASYRSA = '/usr/share/easy-rsa/easyrsa';
export const EASYRSA_CA_PASS = 'easyrsa-ca-secret';

export function buildEasyRsaPki(parent: string): { pki: string; revoked: string } {
  const pki = path.join(parent, 'pki');
  const env = {
    ...process.env,
    EASYRSA_BATCH: '1',
    EASYRSA_PKI: pki,
    EASYRSA_PASSIN: `pass:${EASYRSA_CA_PASS}`,
    EASYRSA_PASSOUT: `pass:${EASYRSA_CA_PASS}`,
    // EC keys keep the test quick; the layout and database are the same as with RSA.
    EASYRSA_ALGO: 'ec',
    EASYRSA_CURVE: 'prime256v1',
  };
  const easyrsa = (...args: string[]) => {
    const result = run(EASYRSA, args, { cwd: parent, env });
    if (result.status !== 0) throw new Error(`easyrsa ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
    return result.stdout + result.stderr;
  };
  easyrsa('init-pki');
  run(EASYRSA, ['build-ca'], { cwd: parent, env: { ...env, EASYRSA_REQ_CN: 'Example VPN CA' } });
  easyrsa('build-server-full', 'server', 'nopass');
  easyrsa('build-client-full', 'alice', 'nopass');
  easyrsa('build-client-full', 'bob', 'nopass');
  easyrsa('revoke', 'bob', 'keyCompromise');
  easyrsa('gen-crl');
  return { pki, revoked: 'bob' };
}
