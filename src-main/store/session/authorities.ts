/**
 * Certificate authorities: intermediate generations, each signed by this
 * store's root (unlocked for that alone), or requested here and signed by a
 * root kept elsewhere, then imported. Every generation's key is sealed under
 * the data key in a file of its own, bound to its certificate; exactly one
 * generation is active (issues), the ones before it are retired (sign only
 * their own CRLs).
 *
 * A new generation is crash-safe: its intent (certificate, key file name,
 * the generation it retires) is journaled first, then its key file is
 * written under a new name, then the generation is journaled as done, and
 * only then does the store file's public copy change. Nothing of the old
 * generation is overwritten or deleted. Opening the store (`settle`)
 * finishes an intent whose key file is sound and abandons one whose is not.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { JournalEvent } from '../../../shared/domain/journal';
import type { CaPurpose, KeyAlgorithm, NameConstraintsSpec } from '../../../shared/domain/pki';
import { DEFAULT_CA_KEY } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import type { DistinguishedName } from '../../../shared/validators/distinguished-name';
import { formatDistinguishedName } from '../../../shared/validators/distinguished-name';
import { certificateMatchesKey, createCaRequest } from '../../engine/ca-request';
import { generateKeyPair, importSigningKey } from '../../engine/keys';
import type { IssuedCertificate } from '../../engine/profiles/common';
import { checkAiaUrl, checkCrlUrl, createIntermediateCertificate } from '../../engine/profiles/intermediate';
import { normaliseSerial } from '../../engine/serial';
import { crypto, x509, type CryptoKey } from '../../engine/x509';
import { wipe } from '../../vault/secrets';
import { StoreDamagedError } from '../damage';
import type { GenerationOrigin, Inventory, RotationIntent } from '../inventory';
import { keyFileText, readKeyFile, writeKeyFile } from '../key-file';
import { sha256Hex, type Keyring } from '../keyring';
import { INTERMEDIATE_KEY_FILE, PENDING_KEY_FILE, STORE_FILE, generationKeyFile } from '../layout';
import { readKeyFileOfAnyEpoch } from '../epochs';
import { changeStoreFiles as changeFiles } from '../transaction';
import { base64, type SessionCore } from './core';
import { finishCeremony, rootUnlocked } from './ceremony';
import type { CeremonyHook } from '../../custody/ceremony-record';
import type { RootKeySource } from '../../custody/root-source';
import type { TokenKeyRef } from '../../../shared/domain/journal';
import { holdOnToken, prepareTokenKey, type IntermediateTokenPlan, type PreparedTokenKey } from './intermediate-token';

/** Links a generation writes into every certificate it issues. */
export interface IssuedLinks {
  /** Its own CRL: the CRL Distribution Point of its certificates. */
  readonly issuedCrlUrl?: string;
  /** Where its certificate is published: AIA caIssuers of its certificates. */
  readonly issuedAiaUrl?: string;
}

export interface IntermediateOptions extends IssuedLinks {
  readonly subject: DistinguishedName;
  readonly key?: KeyAlgorithm;
  readonly days?: number;
  readonly purpose?: CaPurpose;
  readonly nameConstraints?: NameConstraintsSpec;
  /** The root's CRL, written into the intermediate itself. */
  readonly crlDistributionUrl?: string;
  /** Replace the active generation (which is retired). Without it, an active one refuses. */
  readonly rotate?: boolean;
  /** The issuing key on a PKCS#11 token instead of a key file. */
  readonly token?: IntermediateTokenPlan;
}

/**
 * A new intermediate signed by the root, which is unlocked for this alone
 * (a string is the root passphrase). With a ceremony, the record is written
 * and signed before the root is dropped.
 */
export function createIntermediate(
  core: SessionCore,
  root: string | RootKeySource,
  options: IntermediateOptions,
  ceremony?: CeremonyHook,
): Promise<IssuedCertificate> {
  return core.exclusive(async () => {
    const before = core.parts.writer.current;
    const retiring = rotationTarget(core, options.rotate);
    const links = checkedLinks(options);
    const algorithm = options.key ?? DEFAULT_CA_KEY;
    // The token first (present, PIN right, key made or found) — before the root is unlocked.
    const onToken = options.token ? await prepareTokenKey(options.token, algorithm) : null;
    let kept = false;
    try {
      if (onToken) refuseRootKey(core, onToken);
      const generated = onToken ? null : await generateKeyPair(algorithm, true);
      ceremony?.log.step(
        onToken
          ? `The intermediate CA’s key pair is on PKCS#11 token ${onToken.ref.serial} (key id ${onToken.ref.keyId}); it cannot be read out.`
          : 'The intermediate CA’s key pair was generated.',
      );
      return await core.withRoot(root, async (issuer, signer) => {
        rootUnlocked(ceremony, signer);
        const issued = await createIntermediateCertificate({
          subject: options.subject,
          ...(options.days ? { days: options.days } : {}),
          ...(options.purpose ? { purpose: options.purpose } : {}),
          ...(options.nameConstraints ? { nameConstraints: options.nameConstraints } : {}),
          ...(options.crlDistributionUrl !== undefined ? { crlDistributionUrl: options.crlDistributionUrl } : {}),
          publicKey: onToken ? onToken.pair.publicKey : generated!.publicKey,
          issuer,
          serialNumber: core.freshSerial('root'),
        });
        ceremony?.log.signed(
          `the intermediate CA certificate ${issued.certificate.subject} (serial ${issued.serialNumber})${retiring ? `, retiring ${retiring}` : ''}`,
          issued.der,
        );
        const generation = { der: issued.der, origin: 'issued' as const, retiring, links };
        if (onToken) await installTokenGeneration(core, generation, onToken, () => (kept = true));
        else {
          const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', generated!.privateKey));
          try {
            await installGeneration(core, generation, pkcs8);
          } finally {
            wipe(pkcs8);
          }
        }
        await finishCeremony(core, ceremony, signer, before);
        return issued;
      });
    } finally {
      // A key made on the token for a generation that was never journaled is removed again.
      if (onToken && !kept) onToken.discard();
    }
  });
}

/** An existing token key that is the root's own is refused: an intermediate needs a key of its own. */
function refuseRootKey(core: SessionCore, prepared: PreparedTokenKey): void {
  if (Buffer.from(core.rootCertificate().publicKey.rawData).equals(prepared.pair.spki))
    throw rejected(
      'policy',
      `The key with id ${prepared.ref.keyId} on token ${prepared.ref.serial} is the root's key: an intermediate needs a key of its own.`,
    );
}

/** A key and CSR for an intermediate whose root lives on another machine. */
export function requestIntermediate(
  core: SessionCore,
  subject: DistinguishedName,
  key: KeyAlgorithm = DEFAULT_CA_KEY,
  options: IssuedLinks & { readonly rotate?: boolean } = {},
): Promise<Uint8Array> {
  return core.exclusive(async () => {
    rotationTarget(core, options.rotate);
    const links = checkedLinks(options);
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
      ...links,
    });
    return csr;
  });
}

/** Imports the certificate the other root signed: it must certify the pending key and chain to this store's root. */
export function importIntermediate(
  core: SessionCore,
  certificateDer: Uint8Array,
  validate: (certificate: x509.X509Certificate) => Promise<void>,
  options: { readonly rotate?: boolean } = {},
): Promise<void> {
  return core.exclusive(async () => {
    const pending = core.parts.inventory.pendingRequest;
    if (!pending) throw rejected('policy', 'No intermediate request is pending: create one first.');
    const retiring = rotationTarget(core, options.rotate);
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
      const serial = normaliseSerial(certificate.serialNumber)!;
      if (core.parts.inventory.intermediates.has(serial) || core.parts.inventory.abandonedSerials.has(serial))
        throw rejected('exists', `An intermediate with serial ${serial} is already in this store.`);
      await installGeneration(core, { der: certificateDer, origin: 'imported', retiring, links: pending }, pkcs8);
    } finally {
      wipe(pkcs8);
    }
  });
}

/** The sentence every refusal of a second active intermediate gives. */
export function rotationSentence(active: { readonly certificate: string; readonly serial: string }): string {
  const subject = new x509.X509Certificate(Buffer.from(active.certificate, 'base64')).subject;
  return (
    `An intermediate CA is already active ("${subject}", serial ${active.serial}). ` +
    'A new one is a rotation: the new intermediate issues from then on, and the current one is retired — ' +
    'it stops issuing but keeps signing the CRL of the certificates it issued until it expires. ' +
    'To do that, ask for it explicitly (--rotate on the command line, Rotate in the app).'
  );
}

/** The active generation a new one would retire; refuses unless the officer asked to rotate. */
function rotationTarget(core: SessionCore, rotate: boolean | undefined): string | null {
  const inventory = core.parts.inventory;
  if (inventory.pendingRotation)
    throw rejected('policy', 'A rotation is unfinished: lock and unlock the store to finish or abandon it.');
  const active = inventory.intermediate;
  if (active && !rotate) throw rejected('exists', rotationSentence(active));
  return active?.serial ?? null;
}

function checkedLinks(links: IssuedLinks): IssuedLinks {
  return {
    ...(links.issuedCrlUrl !== undefined ? { issuedCrlUrl: checkCrlUrl(links.issuedCrlUrl) } : {}),
    ...(links.issuedAiaUrl !== undefined ? { issuedAiaUrl: checkAiaUrl(links.issuedAiaUrl) } : {}),
  };
}

interface NewGeneration {
  readonly der: Uint8Array;
  readonly origin: GenerationOrigin;
  readonly retiring: string | null;
  readonly links: IssuedLinks;
}

/** The journaled intent of a new generation: its key in `keyFile`, or (null) on `token`. */
function intentOf(generation: NewGeneration, keyFile: string | null, token?: TokenKeyRef): RotationIntent {
  const certificate = new x509.X509Certificate(Buffer.from(generation.der));
  const serial = normaliseSerial(certificate.serialNumber)!;
  return {
    serial,
    certificate: base64(generation.der),
    sha256: sha256Hex(generation.der),
    origin: generation.origin,
    keyFile,
    ...(token ? { token } : {}),
    retiring: generation.retiring,
    ...(generation.links.issuedCrlUrl ? { issuedCrlUrl: generation.links.issuedCrlUrl } : {}),
    ...(generation.links.issuedAiaUrl ? { issuedAiaUrl: generation.links.issuedAiaUrl } : {}),
  };
}

/** Intent, key file, done: in that order, each durable before the next. */
async function installGeneration(core: SessionCore, generation: NewGeneration, pkcs8: Buffer): Promise<void> {
  const certificate = new x509.X509Certificate(Buffer.from(generation.der));
  const serial = normaliseSerial(certificate.serialNumber)!;
  // The first generation keeps the name the previous release used; later ones get names of their own.
  const keyFile = core.parts.inventory.intermediates.size === 0 ? INTERMEDIATE_KEY_FILE : generationKeyFile(serial);
  const intent = intentOf(generation, keyFile);
  await core.record([{ type: 'intermediate-rotation-started', at: new Date().toISOString(), ...intent }]);
  const key = await importSigningKey(pkcs8, false);
  await writeKeyFile(core.parts.dir, keyFile, binding(core.storeId, intent.sha256), core.keys.intermediate, pkcs8);
  await finishGeneration(core, intent, key);
}

/**
 * Intent (naming the token and key id, no key file) and the key's creation,
 * then done. Once the intent is journaled the key stays on the token
 * (`journaled`): opening the store finishes an interrupted one.
 */
async function installTokenGeneration(
  core: SessionCore,
  generation: NewGeneration,
  prepared: PreparedTokenKey,
  journaled: () => void,
): Promise<void> {
  const intent = intentOf(generation, null, prepared.ref);
  const at = new Date().toISOString();
  await core.record([
    { type: 'intermediate-rotation-started', at, ...intent },
    {
      type: 'intermediate-token',
      at,
      intermediate: intent.serial,
      serial: prepared.ref.serial,
      keyId: prepared.ref.keyId,
      action: 'created',
    },
  ]);
  journaled();
  // The session now holds the token (and closes it on lock), whatever happens next.
  holdOnToken(core, intent.serial, prepared.pair, () => prepared.token.close());
  await finishGeneration(core, intent, null);
}

/** `key` is null for a key on a token (the session opens it with the PIN). */
async function finishGeneration(core: SessionCore, intent: RotationIntent, key: CryptoKey | null): Promise<void> {
  const at = new Date().toISOString();
  const { certificate, sha256, serial } = intent;
  // A crash may have kept the retirement of an append cut short and lost the rest: it is not journaled twice.
  const retiring = core.parts.inventory.intermediate?.serial === intent.retiring ? intent.retiring : null;
  if (retiring) await core.record([{ type: 'intermediate-retired', at, serial: retiring, successor: serial }]);
  const installed: JournalEvent =
    intent.origin === 'issued'
      ? { type: 'intermediate-issued', at, certificate, sha256, serial }
      : { type: 'intermediate-imported', at, certificate, sha256 };
  await recordWithPublicCopy(core, 'intermediate-generation', installed, certificate);
  if (key) core.intermediateKeys.set(serial, key);
}

/**
 * Journals `commit`, and when the active intermediate changes with it, the
 * store file's clear copy of it (what `export chain` reads without a
 * passphrase) in the same transaction: the store file is only ever written
 * bound to the journal (core.ts changeKeyring).
 */
export async function recordWithPublicCopy(
  core: SessionCore,
  kind: string,
  commit: JournalEvent,
  activeAfter: string | null,
): Promise<void> {
  const keyring = core.parts.keyring;
  if (keyring.certificates.intermediate === activeAfter) {
    await core.record([commit]);
    return;
  }
  await core.changeKeyring(
    kind,
    { ...keyring, certificates: { ...keyring.certificates, intermediate: activeAfter } },
    commit,
  );
}

function binding(storeId: string, sha256: string) {
  return { storeId, purpose: 'intermediate-key' as const, boundTo: sha256 };
}

/**
 * On opening: finishes a generation whose intent was journaled and whose key
 * file is sound, or abandons it (removing its partial key file, which no
 * record refers to); then brings the store file's public copy in line with
 * the journal. Returns what it did, for the officer.
 */
export async function settle(core: SessionCore): Promise<string[]> {
  const notices: string[] = [];
  const intent = core.parts.inventory.pendingRotation;
  if (intent?.token) {
    // The key was made on the token before the intent: there is nothing to check here but the token itself.
    await finishGeneration(core, intent, null);
    notices.push(
      `A new intermediate generation (serial ${intent.serial}, key on PKCS#11 token ${intent.token.serial}) interrupted after its intent was journaled was completed on opening.`,
    );
  } else if (intent?.keyFile) {
    const key = await intentKey(core, intent, intent.keyFile);
    if (key) {
      await finishGeneration(core, intent, key);
      notices.push(
        `A new intermediate generation (serial ${intent.serial}) interrupted after its key was saved was completed on opening.`,
      );
    } else {
      await rm(path.join(core.parts.dir, intent.keyFile), { force: true });
      const why = 'its key file was not written completely before the interruption';
      await core.record([
        { type: 'intermediate-rotation-abandoned', at: new Date().toISOString(), serial: intent.serial, why },
      ]);
      notices.push(
        `A new intermediate generation (serial ${intent.serial}) interrupted before its key was saved was rolled back on opening (abandoned); the active intermediate is unchanged.`,
      );
    }
  }
  const recovered = (notice: string): JournalEvent => ({
    type: 'journal-recovered',
    at: new Date().toISOString(),
    notice,
  });
  if (notices.length > 0) await core.record(notices.map(recovered));
  const active = core.parts.inventory.intermediate?.certificate ?? null;
  if (core.parts.keyring.certificates.intermediate !== active) {
    const notice = "The store file's copy of the active intermediate was brought in line with the journal.";
    await recordWithPublicCopy(core, 'intermediate-public-copy', recovered(notice), active);
    notices.push(notice);
  }
  return notices;
}

async function intentKey(core: SessionCore, intent: RotationIntent, keyFile: string): Promise<CryptoKey | null> {
  let pkcs8: Buffer;
  try {
    pkcs8 = await readKeyFile(core.parts.dir, keyFile, binding(core.storeId, intent.sha256), core.keys.intermediate);
  } catch (error) {
    if (error instanceof StoreDamagedError) return null;
    throw error;
  }
  try {
    const key = await importSigningKey(pkcs8, false);
    const certificate = new x509.X509Certificate(Buffer.from(intent.certificate, 'base64'));
    return (await signsFor(key, certificate)) ? key : null;
  } finally {
    wipe(pkcs8);
  }
}

/**
 * The store file's copy of the active intermediate may lag the journal only
 * by a transition cut short: a copy of a generation the journal knows (or
 * none). Anything else is damage.
 */
export function checkPublicCopy(keyring: Keyring, inventory: Inventory): void {
  const copy = keyring.certificates.intermediate;
  if (copy === (inventory.intermediate?.certificate ?? null)) return;
  const known =
    copy === null ||
    [...inventory.intermediates.values()].some((record) => record.certificate === copy) ||
    inventory.pendingRotation?.certificate === copy;
  if (!known)
    throw new StoreDamagedError(STORE_FILE, 'its intermediate certificate is not the one the journal recorded');
}

/**
 * Every generation that still signs (active and retired, not revoked, not
 * expired, key kept), its key read and proved to be its certificate's.
 */
export async function loadGenerationKeys(
  dir: string,
  keyring: Keyring,
  dataKey: Buffer,
  inventory: Inventory,
  now = new Date(),
): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>();
  for (const record of inventory.intermediates.values()) {
    const active = inventory.intermediate?.serial === record.serial;
    if (!record.keyFile || record.revocation) continue;
    const der = Buffer.from(record.certificate, 'base64');
    const certificate = new x509.X509Certificate(der);
    if (!active && certificate.notAfter < now) continue;
    // Under an earlier data key if a passphrase change stopped before re-sealing it (store.ts resealKeyFiles).
    const { pkcs8 } = await readKeyFileOfAnyEpoch(
      dir,
      record.keyFile,
      binding(keyring.storeId, sha256Hex(der)),
      keyring,
      dataKey,
    );
    try {
      const signingKey = await importSigningKey(pkcs8, false);
      if (!(await signsFor(signingKey, certificate)))
        throw new StoreDamagedError(record.keyFile, 'it is not the key of the intermediate certificate');
      keys.set(record.serial, signingKey);
    } finally {
      wipe(pkcs8);
    }
  }
  return keys;
}

function publicAlgorithm(certificate: x509.X509Certificate): { name: string; namedCurve?: string; hash?: string } {
  const algorithm = certificate.publicKey.algorithm as { name: string; namedCurve?: string };
  return algorithm.name === 'ECDSA'
    ? { name: 'ECDSA', namedCurve: algorithm.namedCurve! }
    : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

/** Proves a key belongs to a certificate by signing and verifying a challenge. */
export async function signsFor(signingKey: CryptoKey, certificate: x509.X509Certificate): Promise<boolean> {
  const challenge = randomBytes(32);
  const algorithm =
    signingKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
  const signature = await crypto.subtle.sign(algorithm, signingKey, challenge);
  const publicKey = await crypto.subtle.importKey(
    'spki',
    certificate.publicKey.rawData,
    publicAlgorithm(certificate),
    false,
    ['verify'],
  );
  return crypto.subtle.verify(algorithm, publicKey, signature, challenge);
}
