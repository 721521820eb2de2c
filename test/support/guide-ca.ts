/**
 * Builds the OpenSSL CA of the guide Rootkeeper replaces (docs/import.md),
 * with the real openssl: /root/ca with certs, crl, newcerts, private,
 * index.txt and serial; intermediate/ with the same plus crlnumber and csr;
 * the intermediate signed with `openssl ca`, three server certificates, one
 * revoked keyCompromise, and the intermediate's CRL. The configuration files
 * are the guide's (Jamie Nguyen's openssl.cnf, as the guide uses it).
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './run';

export const GUIDE_ROOT_PASS = 'guide-root-secret';
export const GUIDE_INTERMEDIATE_PASS = 'guide-intermediate-secret';
export const GUIDE_SERVER_PASS = 'guide-server-secret';
export const GUIDE_SERVERS = ['www.example.com', 'mail.example.com', 'vpn.example.com'] as const;
export const GUIDE_REVOKED = 'mail.example.com';

export interface GuideCaOptions {
  /** The guide's exact `genrsa -aes256 4096`; otherwise a quick EC P-256 key (same layout, same commands otherwise). */
  readonly guideKeys?: boolean;
  /** Stop after the root: the root-only case. */
  readonly rootOnly?: boolean;
}

function openssl(cwd: string, ...args: string[]): string {
  const result = run('openssl', args, { cwd });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

function config(dir: string, policy: 'policy_strict' | 'policy_loose', key: string, cert: string): string {
  return `# OpenSSL CA configuration file, as in the guide.
[ ca ]
default_ca = CA_default

[ CA_default ]
dir               = ${dir}
certs             = $dir/certs
crl_dir           = $dir/crl
new_certs_dir     = $dir/newcerts
database          = $dir/index.txt
serial            = $dir/serial
RANDFILE          = $dir/private/.rand
private_key       = $dir/private/${key}
certificate       = $dir/certs/${cert}
crlnumber         = $dir/crlnumber
crl               = $dir/crl/${cert.replace('.cert.pem', '.crl.pem')}
crl_extensions    = crl_ext
default_crl_days  = 30
default_md        = sha256
name_opt          = ca_default
cert_opt          = ca_default
default_days      = 375
preserve          = no
policy            = ${policy}

[ policy_strict ]
countryName             = match
stateOrProvinceName     = match
organizationName        = match
organizationalUnitName  = optional
commonName              = supplied
emailAddress            = optional

[ policy_loose ]
countryName             = optional
stateOrProvinceName     = optional
localityName            = optional
organizationName        = optional
organizationalUnitName  = optional
commonName              = supplied
emailAddress            = optional

[ req ]
default_bits        = 2048
distinguished_name  = req_distinguished_name
string_mask         = utf8only
default_md          = sha256
x509_extensions     = v3_ca
prompt              = no

[ req_distinguished_name ]
C  = GB
ST = England
O  = Alice Ltd
CN = Alice Ltd Root CA

[ v3_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, cRLSign, keyCertSign

[ v3_intermediate_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, digitalSignature, cRLSign, keyCertSign

[ usr_cert ]
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
keyUsage = critical, nonRepudiation, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth, emailProtection

[ server_cert ]
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer:always
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth

[ crl_ext ]
authorityKeyIdentifier=keyid:always
`;
}

async function privateKey(cwd: string, file: string, pass: string, guideKeys: boolean, bits = 4096): Promise<void> {
  if (guideKeys) openssl(cwd, 'genrsa', '-aes256', '-passout', `pass:${pass}`, '-out', file, String(bits));
  else
    openssl(
      cwd,
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-aes256',
      '-pass',
      `pass:${pass}`,
      '-out',
      file,
    );
  await chmod(path.join(cwd, file), 0o400);
}

async function layout(dir: string, withCsr: boolean): Promise<void> {
  for (const sub of ['certs', 'crl', 'newcerts', 'private', ...(withCsr ? ['csr'] : [])])
    await mkdir(path.join(dir, sub), { recursive: true });
  await chmod(path.join(dir, 'private'), 0o700);
  await writeFile(path.join(dir, 'index.txt'), '');
  await writeFile(path.join(dir, 'serial'), '1000\n');
}

/** Builds /root/ca under `parent` (as `parent/ca`) and returns its path. */
export async function buildGuideCa(parent: string, options: GuideCaOptions = {}): Promise<string> {
  const guideKeys = options.guideKeys ?? false;
  const ca = path.join(parent, 'ca');
  await layout(ca, false);
  await writeFile(path.join(ca, 'openssl.cnf'), config(ca, 'policy_strict', 'ca.key.pem', 'ca.cert.pem'));
  await privateKey(ca, 'private/ca.key.pem', GUIDE_ROOT_PASS, guideKeys);
  openssl(
    ca,
    'req',
    '-config',
    'openssl.cnf',
    '-key',
    'private/ca.key.pem',
    '-passin',
    `pass:${GUIDE_ROOT_PASS}`,
    '-new',
    '-x509',
    '-days',
    '7300',
    '-sha256',
    '-extensions',
    'v3_ca',
    '-out',
    'certs/ca.cert.pem',
  );
  await chmod(path.join(ca, 'certs/ca.cert.pem'), 0o444);
  if (options.rootOnly) return ca;

  const inter = path.join(ca, 'intermediate');
  await layout(inter, true);
  await writeFile(path.join(inter, 'crlnumber'), '1000\n');
  const interConfig = config(inter, 'policy_loose', 'intermediate.key.pem', 'intermediate.cert.pem').replace(
    'CN = Alice Ltd Root CA',
    'CN = Alice Ltd Intermediate CA',
  );
  await writeFile(path.join(inter, 'openssl.cnf'), interConfig);
  await privateKey(ca, 'intermediate/private/intermediate.key.pem', GUIDE_INTERMEDIATE_PASS, guideKeys);
  openssl(
    ca,
    'req',
    '-config',
    'intermediate/openssl.cnf',
    '-new',
    '-sha256',
    '-key',
    'intermediate/private/intermediate.key.pem',
    '-passin',
    `pass:${GUIDE_INTERMEDIATE_PASS}`,
    '-out',
    'intermediate/csr/intermediate.csr.pem',
  );
  openssl(
    ca,
    'ca',
    '-batch',
    '-config',
    'openssl.cnf',
    '-extensions',
    'v3_intermediate_ca',
    '-days',
    '3650',
    '-notext',
    '-md',
    'sha256',
    '-passin',
    `pass:${GUIDE_ROOT_PASS}`,
    '-in',
    'intermediate/csr/intermediate.csr.pem',
    '-out',
    'intermediate/certs/intermediate.cert.pem',
  );
  const chain =
    (await readFile(path.join(inter, 'certs/intermediate.cert.pem'), 'utf8')) +
    (await readFile(path.join(ca, 'certs/ca.cert.pem'), 'utf8'));
  await writeFile(path.join(inter, 'certs/ca-chain.cert.pem'), chain);

  for (const name of GUIDE_SERVERS) {
    // The guide uses 2048-bit RSA for server keys.
    await privateKey(ca, `intermediate/private/${name}.key.pem`, GUIDE_SERVER_PASS, guideKeys, 2048);
    const serverConfig = path.join(inter, `req-${name}.cnf`);
    await writeFile(
      serverConfig,
      `[ req ]\ndistinguished_name = dn\nprompt = no\n[ dn ]\nC = GB\nO = Alice Ltd\nCN = ${name}\n`,
    );
    openssl(
      ca,
      'req',
      '-config',
      serverConfig,
      '-key',
      `intermediate/private/${name}.key.pem`,
      '-passin',
      `pass:${GUIDE_SERVER_PASS}`,
      '-new',
      '-sha256',
      '-out',
      `intermediate/csr/${name}.csr.pem`,
    );
    openssl(
      ca,
      'ca',
      '-batch',
      '-config',
      'intermediate/openssl.cnf',
      '-extensions',
      'server_cert',
      '-days',
      '375',
      '-notext',
      '-md',
      'sha256',
      '-passin',
      `pass:${GUIDE_INTERMEDIATE_PASS}`,
      '-in',
      `intermediate/csr/${name}.csr.pem`,
      '-out',
      `intermediate/certs/${name}.cert.pem`,
    );
  }
  openssl(
    ca,
    'ca',
    '-config',
    'intermediate/openssl.cnf',
    '-passin',
    `pass:${GUIDE_INTERMEDIATE_PASS}`,
    '-revoke',
    `intermediate/certs/${GUIDE_REVOKED}.cert.pem`,
    '-crl_reason',
    'keyCompromise',
  );
  gencrlInGuide(ca);
  return ca;
}

/** The guide's `openssl ca -gencrl` for the intermediate, into intermediate/crl/intermediate.crl.pem. */
export function gencrlInGuide(ca: string): void {
  openssl(
    ca,
    'ca',
    '-config',
    'intermediate/openssl.cnf',
    '-passin',
    `pass:${GUIDE_INTERMEDIATE_PASS}`,
    '-gencrl',
    '-out',
    'intermediate/crl/intermediate.crl.pem',
  );
}

/** SHA-256 of every file under `dir` (and their modes): compared before and after to prove nothing was written. */
export async function hashTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const relative = path.relative(dir, full);
      if (entry.isDirectory()) {
        out[`${relative}/`] = `dir ${(await stat(full)).mode.toString(8)}`;
        await walk(full);
      } else {
        const info = await stat(full);
        out[relative] = `${info.mode.toString(8)} ${createHash('sha256')
          .update(await readFile(full))
          .digest('hex')}`;
      }
    }
  }
  await walk(dir);
  return out;
}
