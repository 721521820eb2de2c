/**
 * The CA lifecycle judged by OpenSSL: a store made by the previous release
 * (test/fixtures/previous-release-store) opens and carries on, is rotated,
 * its leaves revoked on exactly their own issuer's CRL, its old intermediate
 * revoked on the root's CRL; `openssl verify -crl_check` and
 * `-crl_check_all` decide every outcome, and `openssl x509 -ext` reads the
 * CRL and AIA links back.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toArrayBuffer } from '../../src-main/engine/bytes';
import { certificatePem } from '../../src-main/engine/formats/certificates';
import { parseSubject } from '../../src-main/engine/names';
import { x509 } from '../../src-main/engine/x509';
import { run } from '../support/run';
import { ROOT_PASSPHRASE, unlock } from '../support/store';
import { makeTempDir } from '../support/temp-dir';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir('rootkeeper-lifecycle-openssl-')));
afterAll(() => cleanup());

const KEPT = '22ac0849f0a00f9953f61abbb71271e9';
const REVOKED = '44fde344927f463d807cf2bcab16d6f6';

function openssl(...args: string[]) {
  return run('openssl', args, { cwd: dir });
}

async function writePem(name: string, der: Uint8Array, label = 'CERTIFICATE'): Promise<string> {
  const pem =
    label === 'CERTIFICATE' ? certificatePem(der) : `${x509.PemConverter.encode(toArrayBuffer(der), label)}\n`;
  await writeFile(path.join(dir, name), pem);
  return name;
}

/** `openssl verify` with the root as the only trust anchor; returns its whole output. */
function verify(leaf: string, untrusted: string, crls: readonly string[], all = false) {
  const result = openssl(
    'verify',
    all ? '-crl_check_all' : '-crl_check',
    '-CAfile',
    'root.pem',
    '-untrusted',
    untrusted,
    ...crls.flatMap((crl) => ['-CRLfile', crl]),
    leaf,
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('a store of the previous release, carried on through a rotation and revocations', () => {
  it('opens unchanged, continues its CRL numbers, and every verdict of openssl verify follows the lifecycle', async () => {
    const store = path.join(dir, 'store');
    await cp(path.resolve('test/fixtures/previous-release-store'), store, { recursive: true });
    const session = await unlock(store);

    // What the previous release made, read as one generation.
    const [first] = [...session.inventory.intermediates.values()];
    expect(session.inventory.intermediates.size).toBe(1);
    expect(first).toMatchObject({
      origin: 'issued',
      issued: 2,
      keyFile: 'intermediate-key.json',
      crl: { lastNumber: 2 },
    });
    expect(session.inventory.intermediate!.serial).toBe(first!.serial);
    expect(session.inventory.crls.root.lastNumber).toBe(1);
    expect(session.inventory.certificates.get(KEPT)!.issuer).toBe(first!.serial);
    expect(session.inventory.certificates.get(REVOKED)!.revocation).toMatchObject({ reason: 'keyCompromise' });

    // It carries on: a leaf from the old intermediate, then a rotation with links.
    await session.issue({
      profile: 'server',
      subject: parseSubject('CN=before.example.com'),
      sans: [],
      key: 'ec-p256',
    });
    const rotated = await session.createIntermediate(ROOT_PASSPHRASE, {
      subject: parseSubject('CN=Issuing CA 2, O=Rootkeeper Tests'),
      key: 'ec-p256',
      purpose: 'both',
      rotate: true,
      issuedCrlUrl: 'http://pki.example.com/issuing-2.crl',
      issuedAiaUrl: 'http://pki.example.com/issuing-2.cer',
    });
    const fresh = await session.issue({
      profile: 'server',
      subject: parseSubject('CN=new.example.com'),
      sans: [],
      key: 'ec-p256',
    });
    await session.revoke(KEPT, 'superseded');

    await writePem('root.pem', session.chainRoot());
    await writePem('old-ca.pem', Buffer.from(first!.certificate, 'base64'));
    await writePem('new-ca.pem', rotated.der);
    await writeFile(
      path.join(dir, 'kept.pem'),
      await readFile(path.resolve('test/fixtures/previous-release-kept-leaf.cert.pem')),
    );
    await writePem('new.pem', fresh.issued.der);

    // The links are in the new leaf, as OpenSSL reads them; the old generation's leaves have none.
    const extensions = openssl('x509', '-in', 'new.pem', '-noout', '-ext', 'crlDistributionPoints,authorityInfoAccess');
    expect(extensions.stdout).toContain('URI:http://pki.example.com/issuing-2.crl');
    expect(extensions.stdout).toMatch(/CA Issuers - URI:http:\/\/pki\.example\.com\/issuing-2\.cer/);

    // One CRL per issuer: the old generation's continues at 3 and lists its two revoked leaves; the new one starts at 1.
    const crls = await session.generateIssuerCrls();
    expect(crls.map(({ issuer, crl }) => [issuer.serial, crl.crlNumber, crl.entries])).toEqual([
      [first!.serial, 3, 2],
      [rotated.serialNumber, 1, 0],
    ]);
    await writePem('old-ca.crl.pem', crls[0]!.crl.der, 'X509 CRL');
    await writePem('new-ca.crl.pem', crls[1]!.crl.der, 'X509 CRL');
    const oldCrlText = openssl('crl', '-in', 'old-ca.crl.pem', '-noout', '-text').stdout;
    expect(oldCrlText).toMatch(/X509v3 CRL Number: \n\s+3/);
    expect(oldCrlText.toLowerCase()).toContain(KEPT);
    expect(oldCrlText.toLowerCase()).toContain(REVOKED);

    // The old leaf against its own chain and CRL: revoked. The new leaf against its own: fine.
    expect(verify('kept.pem', 'old-ca.pem', ['old-ca.crl.pem']).output).toMatch(/certificate revoked/);
    const good = verify('new.pem', 'new-ca.pem', ['new-ca.crl.pem']);
    expect(good.output).toMatch(/new\.pem: OK/);
    expect(good.status).toBe(0);
    // A CRL of another generation is no CRL for this leaf.
    expect(verify('new.pem', 'new-ca.pem', ['old-ca.crl.pem']).output).toMatch(/unable to get certificate CRL/);

    // The old intermediate revoked: the root signs its CRL in the same ceremony.
    const revoked = await session.revokeIntermediate(first!.serial, 'cACompromise', ROOT_PASSPHRASE);
    expect(revoked.crl.crlNumber).toBe(2);
    await writePem('root.crl.pem', revoked.crl.der, 'X509 CRL');
    expect(openssl('crl', '-in', 'root.crl.pem', '-noout', '-text').stdout).toMatch(/CA Compromise/);
    const chainRevoked = verify('kept.pem', 'old-ca.pem', ['old-ca.crl.pem', 'root.crl.pem'], true);
    expect(chainRevoked.status).not.toBe(0);
    expect(chainRevoked.output).toMatch(/certificate revoked/);
    const caAlone = openssl('verify', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'old-ca.pem');
    expect(caAlone.stdout + caAlone.stderr).toMatch(/certificate revoked/);
    // The new generation's whole chain, root CRL included, still verifies.
    const allGood = verify('new.pem', 'new-ca.pem', ['new-ca.crl.pem', 'root.crl.pem'], true);
    expect(allGood.output).toMatch(/new\.pem: OK/);

    // The revoked generation signs no more CRLs; the live one does, in its own sequence.
    const after = await session.generateIssuerCrls();
    expect(after.map(({ issuer, crl }) => [issuer.serial, crl.crlNumber])).toEqual([[rotated.serialNumber, 2]]);
    const head = session.head;
    await session.lock();
    const again = await unlock(store);
    expect(again.head).toEqual(head);
    await again.lock();
  });
});
