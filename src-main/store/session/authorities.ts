/**
 * Certificate authorities: the intermediate signed by this store's root
 * (unlocked for that alone), or requested here and signed by a root kept
 * elsewhere, then imported. The intermediate's key is sealed under the data
 * key in its own file, bound to its certificate.
 */
import type { JournalEvent } from '../../../shared/domain/journal';
import type { CaPurpose, KeyAlgorithm, NameConstraintsSpec } from '../../../shared/domain/pki';
import { DEFAULT_CA_KEY } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import type { DistinguishedName } from '../../../shared/validators/distinguished-name';
import { formatDistinguishedName } from '../../../shared/validators/distinguished-name';
import { certificateMatchesKey, createCaRequest } from '../../engine/ca-request';
import { generateKeyPair, importSigningKey } from '../../engine/keys';
import type { IssuedCertificate } from '../../engine/profiles/common';
import { createIntermediateCertificate } from '../../engine/profiles/intermediate';
import { crypto, x509, type CryptoKey } from '../../engine/x509';
import { wipe } from '../../vault/secrets';
import { keyFileText, readKeyFile } from '../key-file';
import { sha256Hex } from '../keyring';
import { INTERMEDIATE_KEY_FILE, PENDING_KEY_FILE } from '../layout';
import { changeStoreFiles as changeFiles } from '../transaction';
import { base64, type SessionCore } from './core';

export interface IntermediateOptions {
  readonly subject: DistinguishedName;
  readonly key?: KeyAlgorithm;
  readonly days?: number;
  readonly purpose?: CaPurpose;
  readonly nameConstraints?: NameConstraintsSpec;
  readonly crlDistributionUrl?: string;
}

/** A new intermediate signed by the root, which is unlocked for this alone. */
export function createIntermediate(
  core: SessionCore,
  rootPassphrase: string,
  options: IntermediateOptions,
): Promise<IssuedCertificate> {
  return core.exclusive(async () => {
    const keys = await generateKeyPair(options.key ?? DEFAULT_CA_KEY, true);
    const issued = await core.withRoot(rootPassphrase, (issuer) =>
      createIntermediateCertificate({
        ...options,
        publicKey: keys.publicKey,
        issuer,
        serialNumber: core.freshSerial('root'),
      }),
    );
    await adoptIntermediateKey(core, keys.privateKey, issued.der, 'intermediate', {
      type: 'intermediate-issued',
      at: new Date().toISOString(),
      certificate: base64(issued.der),
      sha256: sha256Hex(issued.der),
      serial: issued.serialNumber,
    });
    return issued;
  });
}

/** A key and CSR for an intermediate whose root lives on another machine. */
export function requestIntermediate(
  core: SessionCore,
  subject: DistinguishedName,
  key: KeyAlgorithm = DEFAULT_CA_KEY,
): Promise<Uint8Array> {
  return core.exclusive(async () => {
    const keys = await generateKeyPair(key, true);
    const csr = await createCaRequest(subject, keys);
    const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
    let keyFile: string;
    try {
      keyFile = keyFileText(
        { storeId: core.storeId, purpose: 'pending-intermediate-key', boundTo: sha256Hex(csr) },
        core.keys.intermediate,
        pkcs8,
      );
    } finally {
      wipe(pkcs8);
    }
    // A new request replaces the pending key only once it is journaled: a crash keeps the old one.
    await changeFiles(core, 'intermediate-request', [{ name: PENDING_KEY_FILE, data: keyFile }], {
      type: 'intermediate-requested',
      at: new Date().toISOString(),
      csr: base64(csr),
      subject: formatDistinguishedName(subject),
    });
    return csr;
  });
}

/** Imports the certificate the other root signed: it must certify the pending key and chain to this store's root. */
export function importIntermediate(
  core: SessionCore,
  certificateDer: Uint8Array,
  validate: (certificate: x509.X509Certificate) => Promise<void>,
): Promise<void> {
  return core.exclusive(async () => {
    const pending = core.parts.inventory.pendingRequest;
    if (!pending) throw rejected('policy', 'No intermediate request is pending: create one first.');
    const csr = Buffer.from(pending.csr, 'base64');
    const pkcs8 = await readKeyFile(
      core.parts.dir,
      PENDING_KEY_FILE,
      { storeId: core.storeId, purpose: 'pending-intermediate-key', boundTo: sha256Hex(csr) },
      core.keys.intermediate,
    );
    try {
      const certificate = new x509.X509Certificate(Buffer.from(certificateDer));
      const request = new x509.Pkcs10CertificateRequest(csr);
      if (!(await certificateMatchesKey(certificate, request.publicKey))) {
        throw rejected('policy', 'This certificate is not for the pending intermediate key: it certifies another key.');
      }
      await validate(certificate);
      await storeIntermediateKeyBytes(core, pkcs8, certificateDer, 'intermediate-import', {
        type: 'intermediate-imported',
        at: new Date().toISOString(),
        certificate: base64(certificateDer),
        sha256: sha256Hex(certificateDer),
      });
    } finally {
      wipe(pkcs8);
    }
  });
}

type CommitEvent = Extract<JournalEvent, { type: 'intermediate-issued' | 'intermediate-imported' }>;

async function adoptIntermediateKey(
  core: SessionCore,
  privateKey: CryptoKey,
  certificateDer: Uint8Array,
  kind: string,
  commit: CommitEvent,
) {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', privateKey));
  try {
    await storeIntermediateKeyBytes(core, pkcs8, certificateDer, kind, commit);
  } finally {
    wipe(pkcs8);
  }
}

/**
 * The key file and the store file's public copy of the certificate, changed
 * together (core.ts changeKeyring, store/transaction.ts): the old key stays in place until the new
 * intermediate is journaled, and a crash at any point opens as before or after.
 */
async function storeIntermediateKeyBytes(
  core: SessionCore,
  pkcs8: Buffer,
  certificateDer: Uint8Array,
  kind: string,
  commit: CommitEvent,
) {
  const key = await importSigningKey(pkcs8, false);
  const keyring = {
    ...core.parts.keyring,
    certificates: { ...core.parts.keyring.certificates, intermediate: base64(certificateDer) },
  };
  const keyFile = keyFileText(
    { storeId: core.storeId, purpose: 'intermediate-key', boundTo: sha256Hex(certificateDer) },
    core.keys.intermediate,
    pkcs8,
  );
  // The store file goes through changeKeyring: bound to the journal as its next generation.
  await core.changeKeyring(kind, keyring, commit, [{ name: INTERMEDIATE_KEY_FILE, data: keyFile }]);
  core.intermediateKey = key;
}
