/**
 * looksLikeCsr, the CLI's cheap look at each request before its unlock:
 * it must pass what `openssl req` writes (PEM under either label, and DER)
 * and send everything else to the full reader, which names the problem.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RootkeeperError } from '../../../shared/errors';
import { parseCsr } from '../../../src-main/engine/csr';
import { looksLikeCsr, readCsrLean } from '../../../src-main/engine/lean-csr';
import { run } from '../../support/run';
import { makeTempDir } from '../../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
const file = async (name: string) => new Uint8Array(await readFile(path.join(dir, name)));
const text = (value: string) => new TextEncoder().encode(value);

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-quick-look-'));
  const openssl = (...args: string[]) => expect(run('openssl', args, { cwd: dir }).status).toBe(0);
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'key.pem');
  openssl('req', '-new', '-key', 'key.pem', '-subj', '/CN=look.example', '-out', 'csr.pem');
  openssl('req', '-in', 'csr.pem', '-outform', 'DER', '-out', 'csr.der');
  openssl('req', '-x509', '-key', 'key.pem', '-subj', '/CN=look.example', '-days', '1', '-out', 'cert.pem');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-subj', '/CN=rsa.example');
  openssl('req', '-new', '-key', 'rsa.key', '-subj', '/CN=rsa.example', '-outform', 'DER', '-out', 'rsa.der');
});
afterAll(() => cleanup());

describe('the lean reader without asn1js’s whole-input pass', () => {
  it('leaves a damaged signature-algorithm parameter to the reference, which refuses it', async () => {
    const der = Buffer.from(await file('rsa.der'));
    expect(readCsrLean(der)).not.toBeNull();
    // The outer sha256WithRSAEncryption's NULL (outside the signed part) made an empty GeneralizedTime, which asn1js refuses.
    const algorithm = Buffer.from('06092a864886f70d01010b0500', 'hex');
    const at = der.lastIndexOf(algorithm) + algorithm.length - 2;
    const damaged = Buffer.from(der);
    damaged[at] = 0x18;
    expect(readCsrLean(damaged)).toBeNull();
    await expect(parseCsr(damaged)).rejects.toBeInstanceOf(RootkeeperError);
  });
});

describe('the quick look at a request', () => {
  it('passes what openssl req writes: PEM, the NEW label, DER', async () => {
    const pem = new TextDecoder().decode(await file('csr.pem'));
    expect(looksLikeCsr(await file('csr.pem'))).toBe(true);
    expect(looksLikeCsr(text(pem.replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST')))).toBe(true);
    expect(looksLikeCsr(text(pem.replaceAll('\n', '\r\n')))).toBe(true);
    expect(looksLikeCsr(await file('csr.der'))).toBe(true);
  });

  it('sends a key, a certificate, damage and extra data to the full reader, which refuses each', async () => {
    const pem = new TextDecoder().decode(await file('csr.pem'));
    const der = await file('csr.der');
    const trailing = new Uint8Array([...der, 0]);
    const wrongInfoTag = der.slice();
    wrongInfoTag[der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2] = 0x31;
    const refused = [
      await file('key.pem'),
      await file('cert.pem'),
      text(pem + pem),
      text(pem.replace('-----END CERTIFICATE REQUEST-----', '-----END NEW CERTIFICATE REQUEST-----')),
      text(pem.slice(0, pem.length / 2)),
      der.subarray(0, der.length - 1),
      trailing,
      wrongInfoTag,
      new Uint8Array(0),
    ];
    for (const input of refused) {
      expect(looksLikeCsr(input)).toBe(false);
      await expect(parseCsr(input)).rejects.toBeInstanceOf(RootkeeperError);
    }
  });
});
