import { beforeAll, describe, expect, it } from 'vitest';
import { validateChain, type ChainCheck } from '../../../src-main/engine/chain';
import { x509 } from '../../../src-main/engine/x509';
import { caExtensions, forge, serverLeafExtensions } from '../../support/forge';
import { makeHierarchy, makeLeaf, type TestHierarchy } from '../../support/pki';

let hierarchy: TestHierarchy;
let other: TestHierarchy;
beforeAll(async () => {
  hierarchy = await makeHierarchy({ label: 'Main' });
  other = await makeHierarchy({ label: 'Other' });
});

const checksOf = (result: { problems: readonly { check: ChainCheck }[] }) =>
  result.problems.map((problem) => problem.check);
const rootIssuer = () => ({ certificate: hierarchy.root.certificate, key: hierarchy.rootKeys.privateKey });
const intermediateIssuer = () => ({
  certificate: hierarchy.intermediate.certificate,
  key: hierarchy.intermediateKeys.privateKey,
});

describe('validateChain', () => {
  it('accepts an engine-made chain for its purpose', async () => {
    const { leaf } = await makeLeaf(hierarchy);
    const result = await validateChain({
      root: hierarchy.root.certificate,
      intermediates: [hierarchy.intermediate.certificate],
      leaf: leaf.certificate,
      purpose: 'serverAuth',
    });
    expect(result).toEqual({ valid: true, problems: [] });
  });

  it('catches a leaf signed by another CA: issuer name, key identifier and signature', async () => {
    const { leaf } = await makeLeaf(other);
    const result = await validateChain({
      root: hierarchy.root.certificate,
      intermediates: [hierarchy.intermediate.certificate],
      leaf: leaf.certificate,
    });
    expect(checksOf(result)).toEqual(['issuer-name', 'key-identifier', 'signature']);
    expect(result.problems[0]).toMatchObject({ position: 'leaf', subject: 'CN=localhost' });
  });

  it('catches a forged signature under the right name', async () => {
    const forged = await forge({
      subject: 'CN=localhost',
      issuer: { certificate: hierarchy.intermediate.certificate, key: other.intermediateKeys.privateKey },
      extensions: serverLeafExtensions([{ type: 'dns', value: 'localhost' }]),
    });
    const result = await validateChain({
      root: hierarchy.root.certificate,
      intermediates: [hierarchy.intermediate.certificate],
      leaf: forged.certificate,
    });
    expect(checksOf(result)).toEqual(['signature']);
  });

  it('catches expiry and not-yet-valid certificates', async () => {
    const { leaf } = await makeLeaf(hierarchy);
    const later = new Date(leaf.certificate.notAfter.getTime() + 1000);
    const before = new Date(hierarchy.root.certificate.notBefore.getTime() - 1000);
    const expired = await validateChain({
      root: hierarchy.root.certificate,
      intermediates: [hierarchy.intermediate.certificate],
      leaf: leaf.certificate,
      at: later,
    });
    expect(expired.problems).toEqual([
      expect.objectContaining({ position: 'leaf', check: 'validity', message: expect.stringMatching(/expired/) }),
    ]);
    const early = await validateChain({
      root: hierarchy.root.certificate,
      intermediates: [hierarchy.intermediate.certificate],
      leaf: leaf.certificate,
      at: before,
    });
    expect(checksOf(early)).toEqual(['validity', 'validity', 'validity']);
  });

  it('catches a path longer than its CAs allow', async () => {
    // The root allows one CA below it and the intermediate none: a second CA breaks both limits.
    const sub = await forge({ subject: 'CN=Sub CA', issuer: intermediateIssuer(), extensions: caExtensions(0) });
    const leaf = await forge({
      subject: 'CN=leaf',
      issuer: { certificate: sub.certificate, key: sub.keys.privateKey },
      extensions: serverLeafExtensions([{ type: 'dns', value: 'leaf.example.com' }]),
    });
    const result = await validateChain({
      root: hierarchy.root.certificate,
      intermediates: [hierarchy.intermediate.certificate, sub.certificate],
      leaf: leaf.certificate,
    });
    expect(result.problems).toEqual([
      expect.objectContaining({
        position: 'root',
        check: 'path-length',
        message: expect.stringMatching(/path length 1 .* the 2 there are/),
      }),
      expect.objectContaining({
        position: 'intermediate',
        subject: hierarchy.intermediate.certificate.subject,
        check: 'path-length',
      }),
    ]);
  });

  it('catches a CA without CA:TRUE, one whose basicConstraints is not critical, and one without keyCertSign', async () => {
    const notCa = await forge({
      subject: 'CN=Not a CA',
      issuer: rootIssuer(),
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
    });
    const softCa = await forge({
      subject: 'CN=Soft CA',
      issuer: rootIssuer(),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, false),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      ],
    });
    const noSign = await forge({
      subject: 'CN=No Sign',
      issuer: rootIssuer(),
      extensions: caExtensions(0, x509.KeyUsageFlags.cRLSign),
    });
    const expectations: [typeof notCa, ChainCheck][] = [
      [notCa, 'basic-constraints'],
      [softCa, 'basic-constraints'],
      [noSign, 'key-usage'],
    ];
    for (const [ca, check] of expectations) {
      const leaf = await forge({
        subject: 'CN=leaf',
        issuer: { certificate: ca.certificate, key: ca.keys.privateKey },
        extensions: serverLeafExtensions([{ type: 'dns', value: 'leaf.example.com' }]),
      });
      const result = await validateChain({
        root: hierarchy.root.certificate,
        intermediates: [ca.certificate],
        leaf: leaf.certificate,
      });
      expect(result.problems, ca.certificate.subject).toEqual([
        expect.objectContaining({ position: 'intermediate', check }),
      ]);
    }
  });

  it('catches a CA certificate in the leaf position', async () => {
    const ca = await forge({ subject: 'CN=Sneaky CA', issuer: intermediateIssuer(), extensions: caExtensions(0) });
    const result = await validateChain({
      root: hierarchy.root.certificate,
      intermediates: [hierarchy.intermediate.certificate],
      leaf: ca.certificate,
    });
    expect(result.problems).toEqual([expect.objectContaining({ position: 'leaf', check: 'basic-constraints' })]);
  });

  it('applies every EKU in the path to the purpose, as browsers do', async () => {
    const clientOnly = await makeHierarchy({ purpose: 'client', label: 'Client' });
    const serverLeaf = await forge({
      subject: 'CN=www.example.com',
      issuer: { certificate: clientOnly.intermediate.certificate, key: clientOnly.intermediateKeys.privateKey },
      extensions: serverLeafExtensions([{ type: 'dns', value: 'www.example.com' }]),
    });
    const chain = {
      root: clientOnly.root.certificate,
      intermediates: [clientOnly.intermediate.certificate],
      leaf: serverLeaf.certificate,
    };
    expect((await validateChain({ ...chain, purpose: 'serverAuth' })).problems).toEqual([
      expect.objectContaining({ position: 'intermediate', check: 'extended-key-usage' }),
    ]);
    const clientResult = await validateChain({ ...chain, purpose: 'clientAuth' });
    expect(clientResult.problems).toEqual([expect.objectContaining({ position: 'leaf', check: 'extended-key-usage' })]);
  });

  it('catches a leaf key usage that cannot serve the purpose', async () => {
    const leaf = await forge({
      subject: 'CN=enc',
      issuer: intermediateIssuer(),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyAgreement, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'enc.example.com' }]),
      ],
    });
    const result = await validateChain({
      root: hierarchy.root.certificate,
      intermediates: [hierarchy.intermediate.certificate],
      leaf: leaf.certificate,
      purpose: 'serverAuth',
    });
    expect(result.problems).toEqual([expect.objectContaining({ position: 'leaf', check: 'key-usage' })]);
  });

  it("enforces the intermediate's name constraints on a leaf forged outside them", async () => {
    const constrained = await makeHierarchy({
      nameConstraints: { permittedDns: ['example.com'], excludedIp: ['10.0.0.0/8'] },
      label: 'NC',
    });
    const outside = await forge({
      subject: 'CN=evil',
      issuer: { certificate: constrained.intermediate.certificate, key: constrained.intermediateKeys.privateKey },
      extensions: serverLeafExtensions([
        { type: 'dns', value: 'www.example.com' },
        { type: 'dns', value: 'login.bank.example' },
        { type: 'ip', value: '10.1.1.1' },
      ]),
    });
    const result = await validateChain({
      root: constrained.root.certificate,
      intermediates: [constrained.intermediate.certificate],
      leaf: outside.certificate,
    });
    expect(result.problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/dns:login.bank.example is outside/),
      expect.stringMatching(/ip:10.1.1.1 is excluded/),
    ]);
  });
});
