/**
 * The peers Rootkeeper is measured against, run the way their users run
 * them: `openssl ca` once per certificate with a config and index.txt (the
 * original guide's flow), `openssl ca -infiles` once for a whole batch, and
 * easy-rsa's import-req + sign-req.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './lib';

const SERVER_EXTENSIONS = `
[ server_cert ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

function caConfig(dir: string): string {
  return `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}/newcerts
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
certificate = ${dir}/intermediate.pem
private_key = ${dir}/intermediate.key
default_md = sha256
default_days = 397
default_crl_days = 30
policy = policy_loose
copy_extensions = copy
unique_subject = no
[ policy_loose ]
commonName = supplied
${SERVER_EXTENSIONS}`;
}

function must(result: { status: number | null; stderr: string }): void {
  if (result.status !== 0) throw new Error(result.stderr);
}

/** A root and an intermediate of the given key type, and an openssl ca directory around the intermediate. */
export function opensslCa(key: 'ec-p256' | 'rsa-2048'): { dir: string; config: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rootkeeper-bench-openssl-'));
  mkdirSync(path.join(dir, 'newcerts'));
  writeFileSync(path.join(dir, 'index.txt'), '');
  writeFileSync(path.join(dir, 'serial'), '1000\n');
  writeFileSync(path.join(dir, 'crlnumber'), '1000\n');
  const newkey = key === 'ec-p256' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  must(
    run(
      'openssl',
      [
        'req',
        '-x509',
        ...newkey,
        '-nodes',
        '-keyout',
        'root.key',
        '-subj',
        '/CN=Bench Root',
        '-days',
        '3650',
        '-out',
        'root.pem',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { cwd: dir },
    ),
  );
  must(
    run(
      'openssl',
      [
        'req',
        '-new',
        ...newkey,
        '-nodes',
        '-keyout',
        'intermediate.key',
        '-subj',
        '/CN=Bench Intermediate',
        '-out',
        'intermediate.csr',
      ],
      { cwd: dir },
    ),
  );
  writeFileSync(
    path.join(dir, 'ca.ext'),
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  must(
    run(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        'intermediate.csr',
        '-CA',
        'root.pem',
        '-CAkey',
        'root.key',
        '-CAcreateserial',
        '-days',
        '1825',
        '-extfile',
        'ca.ext',
        '-out',
        'intermediate.pem',
      ],
      { cwd: dir },
    ),
  );
  const config = path.join(dir, 'ca.cnf');
  writeFileSync(config, caConfig(dir));
  return { dir, config, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `openssl ca` once per certificate, counted until every certificate is written. */
export function opensslCaLoop(key: 'ec-p256' | 'rsa-2048', csrs: readonly string[]): number {
  const ca = opensslCa(key);
  try {
    const started = performance.now();
    for (const [index, csr] of csrs.entries()) {
      must(
        run('openssl', [
          'ca',
          '-batch',
          '-config',
          ca.config,
          '-extensions',
          'server_cert',
          '-in',
          csr,
          '-out',
          path.join(ca.dir, `cert${index}.pem`),
          '-notext',
        ]),
      );
    }
    return performance.now() - started;
  } finally {
    ca.cleanup();
  }
}

/**
 * The fastest way OpenSSL batch-signs: one `openssl ca -batch -infiles`
 * process for every request, with the same config, index.txt, serial and
 * server extensions as the loop. It writes newcerts/SERIAL.pem for each and
 * every certificate again into -out; it never fsyncs, so a `sync -f` of its
 * folder's file system follows and both figures are kept: `ms` until the
 * process exits, `durableMs` until its files are on disk (Rootkeeper's finish
 * line). `files` are relative to `cwd` (10,000 absolute paths would crowd the
 * command line).
 */
export function opensslCaInfiles(
  key: 'ec-p256' | 'rsa-2048',
  cwd: string,
  files: readonly string[],
): { ms: number; durableMs: number } {
  const ca = opensslCa(key);
  try {
    run('sync', ['-f', ca.dir]);
    const started = performance.now();
    must(
      run(
        'openssl',
        [
          'ca',
          '-batch',
          '-config',
          ca.config,
          '-extensions',
          'server_cert',
          '-notext',
          '-out',
          path.join(ca.dir, 'certs.pem'),
          '-infiles',
          ...files,
        ],
        { cwd },
      ),
    );
    const ms = performance.now() - started;
    must(run('sync', ['-f', ca.dir]));
    const durableMs = performance.now() - started;
    const written = readdirSync(path.join(ca.dir, 'newcerts')).length;
    if (written !== files.length) throw new Error(`openssl ca -infiles wrote ${written} of ${files.length}`);
    return { ms, durableMs };
  } finally {
    ca.cleanup();
  }
}

export const EASYRSA = '/usr/share/easy-rsa/easyrsa';

/** easy-rsa's import-req and sign-req for each request; null when Debian's easy-rsa is not installed. */
export function easyRsaLoop(key: 'ec-p256' | 'rsa-2048', csrs: readonly string[]): number | null {
  if (!existsSync(EASYRSA)) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rootkeeper-bench-easyrsa-'));
  const env = {
    ...process.env,
    EASYRSA_PKI: path.join(dir, 'pki'),
    EASYRSA_BATCH: '1',
    EASYRSA_REQ_CN: 'Bench EasyRSA CA',
    ...(key === 'ec-p256'
      ? { EASYRSA_ALGO: 'ec', EASYRSA_CURVE: 'prime256v1' }
      : { EASYRSA_ALGO: 'rsa', EASYRSA_KEY_SIZE: '2048' }),
  };
  const easyrsa = (...args: string[]) => must(run(EASYRSA, args, { cwd: dir, env }));
  try {
    easyrsa('init-pki');
    easyrsa('build-ca', 'nopass');
    const started = performance.now();
    for (const [index, csr] of csrs.entries()) {
      easyrsa('import-req', csr, `host${index}`);
      easyrsa('sign-req', 'server', `host${index}`);
    }
    return performance.now() - started;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** openssl's own signing rate for the issuing key: the physical limit on this machine. */
export function opensslSpeed(key: 'ec-p256' | 'rsa-2048'): number {
  const algorithm = key === 'ec-p256' ? 'ecdsap256' : 'rsa2048';
  const output = run('openssl', ['speed', '-seconds', '2', algorithm]).stdout;
  const line = output
    .split('\n')
    .find((text) => (key === 'ec-p256' ? /nistp256/.test(text) : /^rsa\s+2048/.test(text)))!;
  const numbers = line.match(/[\d.]+/g)!.map(Number);
  // ECDSA: "256 bits ecdsa (nistp256) sign verify sign/s verify/s"; RSA: "rsa 2048 bits sign verify sign/s verify/s".
  return key === 'ec-p256' ? numbers[4]! : numbers[3]!;
}

/** `openssl ca -gencrl` over an index.txt holding `total` certificates, `revoked` of them revoked. */
export function opensslGenCrl(total: number, revoked: number): number {
  const ca = opensslCa('ec-p256');
  try {
    const lines: string[] = [];
    for (let index = 0; index < total; index++) {
      const serial = (0x100000 + index).toString(16).toUpperCase();
      const state = index < revoked ? `R\t271201000000Z\t261127000000Z,superseded` : `V\t271201000000Z\t`;
      lines.push(`${state}\t${serial}\tunknown\t/CN=host${index}.bench.example`);
    }
    writeFileSync(path.join(ca.dir, 'index.txt'), `${lines.join('\n')}\n`);
    const started = performance.now();
    must(run('openssl', ['ca', '-gencrl', '-config', ca.config, '-out', path.join(ca.dir, 'crl.pem')]));
    return performance.now() - started;
  } finally {
    ca.cleanup();
  }
}
