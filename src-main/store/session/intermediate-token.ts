/**
 * An intermediate generation whose issuing key lives on a PKCS#11 token: the
 * key is generated there (CKA_SENSITIVE true, CKA_EXTRACTABLE false) or an
 * existing one is taken by CKA_ID, and the store keeps only the token's
 * serial, the key id and the module hint beside the certificate. To sign,
 * a session opens the token with its PIN: each generation's key is found by
 * its id and refused unless its public key is its certificate's; the token
 * stays logged in until the session locks. Nothing of the key is ever read.
 */
import { randomBytes } from 'node:crypto';
import type { TokenKeyRef } from '../../../shared/domain/journal';
import type { KeyAlgorithm } from '../../../shared/domain/pki';
import { rejected } from '../../../shared/errors';
import { openToken, type OpenToken } from '../../custody/token/pkcs11-token';
import { destroyObjects } from '../../custody/token/token-import';
import { checkKeyId, findTokenKey, generateTokenKey, type TokenKeyPair } from '../../custody/token/token-key';
import { parsedCertificate, type SessionCore } from './core';

/** Where a new generation's key goes: a token (by serial), its PIN, and a new or existing key id. */
export interface IntermediateTokenPlan {
  readonly modulePath: string;
  readonly serial: string;
  readonly pin: string;
  /** CKA_ID, hex: of the new key (random when absent), or of the existing key with `existing`. */
  readonly keyId?: string;
  readonly existing?: boolean;
}

/** What opens the intermediates' token for a session: its PIN, and a module overriding the recorded hint. */
export interface IntermediateTokenCredential {
  readonly pin: string;
  readonly modulePath?: string;
}

/** A key ready on its token for a new generation; `discard` removes a key made for it if the generation fails. */
export interface PreparedTokenKey {
  readonly token: OpenToken;
  readonly pair: TokenKeyPair;
  readonly ref: TokenKeyRef;
  discard(): void;
}

/** Opens the token, logs in, and makes (or finds) the key: all before the root is unlocked. */
export async function prepareTokenKey(plan: IntermediateTokenPlan, algorithm: KeyAlgorithm): Promise<PreparedTokenKey> {
  const token = openToken({ modulePath: plan.modulePath, serial: plan.serial });
  try {
    const existing = await checkKeyId(token, plan);
    const keyId = plan.keyId?.toLowerCase() ?? randomBytes(8).toString('hex');
    const pair = existing ?? (await generateTokenKey(token, algorithm, keyId, 'Rootkeeper intermediate'));
    return {
      token,
      pair,
      ref: { serial: token.info.serial, keyId, moduleHint: plan.modulePath },
      discard() {
        if (!existing) destroyObjects(listObjects(token, keyId));
        token.close();
      },
    };
  } catch (error) {
    token.close();
    throw error;
  }
}

function listObjects(token: OpenToken, keyId: string) {
  const found = token.session.find({ id: Buffer.from(keyId, 'hex') });
  return Array.from({ length: found.length }, (_, index) => found.items(index));
}

/** A generation's token key signs for the rest of the session; the token closes when the session locks. */
export function holdOnToken(core: SessionCore, serial: string, pair: TokenKeyPair, release: () => void): void {
  core.intermediateKeys.set(serial, pair.privateKey);
  core.intermediateProviders.set(serial, pair.provider);
  core.holdUntilLock(release);
}

/**
 * Opens the token of the active generation (or, with none on a token, of the
 * latest that still signs) and every live generation on that same token.
 * Returns the serials now able to sign. A wrong PIN is WRONG_PASSPHRASE; a
 * missing token or a key that is not the certificate's is refused; nothing
 * is journaled here (each use is, with what it signs).
 */
export async function openIntermediateToken(
  core: SessionCore,
  credential: IntermediateTokenCredential,
): Promise<{ serial: string; keyId: string; intermediates: string[] }> {
  return core.exclusive(async () => {
    const live = liveTokenGenerations(core);
    const active = core.parts.inventory.intermediate?.serial;
    const target = live.find((record) => record.serial === active) ?? live.at(-1);
    if (!target?.token)
      throw rejected('policy', 'No intermediate of this store that still signs has its key on a token.');
    const ref = target.token;
    const onToken = live.filter((record) => record.token!.serial === ref.serial);
    if (onToken.every((record) => core.intermediateProviders.has(record.serial)))
      return { serial: ref.serial, keyId: ref.keyId, intermediates: onToken.map((record) => record.serial) };
    const token = openToken({ modulePath: credential.modulePath ?? ref.moduleHint, serial: ref.serial });
    try {
      token.login(credential.pin);
      const pairs = [];
      for (const record of onToken) pairs.push({ serial: record.serial, pair: await checkedKey(token, record) });
      for (const { serial, pair } of pairs) {
        core.intermediateKeys.set(serial, pair.privateKey);
        core.intermediateProviders.set(serial, pair.provider);
      }
    } catch (error) {
      token.close();
      throw error;
    }
    core.holdUntilLock(() => token.close());
    return { serial: ref.serial, keyId: ref.keyId, intermediates: onToken.map((record) => record.serial) };
  });
}

/** Generations on a token that still sign: not revoked, not expired. */
function liveTokenGenerations(core: SessionCore, now = new Date()) {
  return [...core.parts.inventory.intermediates.values()].filter(
    (record) => record.token && !record.revocation && parsedCertificate(record.certificate).notAfter >= now,
  );
}

/** The generation's key on the token, refused unless its public key is the certificate's. */
async function checkedKey(
  token: OpenToken,
  record: { serial: string; certificate: string; token?: TokenKeyRef },
): Promise<TokenKeyPair> {
  const ref = record.token!;
  const pair = await findTokenKey(token, ref.keyId);
  const certificateSpki = Buffer.from(parsedCertificate(record.certificate).publicKey.rawData);
  if (!certificateSpki.equals(pair.spki))
    throw rejected(
      'not-found',
      `The key with id ${ref.keyId} on token ${ref.serial} is not the intermediate ${record.serial}'s key: its public key differs from the certificate's.`,
    );
  return pair;
}
