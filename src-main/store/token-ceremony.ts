/**
 * The key ceremony of a root whose key lives on a PKCS#11 token: the key is
 * generated ON the token (CKA_SENSITIVE true, CKA_EXTRACTABLE false) or an
 * existing one is taken by CKA_ID; the root certificate is self-signed
 * through the token; the store keeps only the certificate and the token
 * slot (serial, key id, module hint). The token is opened, logged in and its
 * key id checked before the store folder is touched.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_CA_KEY, type KeyAlgorithm } from '../../shared/domain/pki';
import { rejected } from '../../shared/errors';
import { commonNameOf } from '../../shared/validators/distinguished-name';
import { fingerprints } from '../engine/formats/certificates';
import { createRootCertificate } from '../engine/profiles/root';
import { signerFromKey } from '../custody/root-source';
import { openToken, type OpenToken } from '../custody/token/pkcs11-token';
import { checkKeyId, findTokenKey, generateTokenKey, type TokenKeyPair } from '../custody/token/token-key';
import type { TokenSlot } from '../custody/token/token-slot';
import { sha256Hex } from './keyring';
import { sealNewStore, withNewStoreFolder, type CreateStoreOptions, type CreatedStore } from './store';

export interface RootTokenPlan {
  readonly modulePath: string;
  readonly serial: string;
  readonly pin: string;
  /** The security officer's PIN, for tokens that generate keys only in an SO session (ykcs11). */
  readonly soPin?: string;
  /** CKA_ID of the new key, hex (random when absent), or of the existing key with `existing`. */
  readonly keyId?: string;
  /** Use the key already on the token with `keyId` instead of generating one. */
  readonly existing?: boolean;
}

export type TokenStoreOptions = Omit<CreateStoreOptions, 'rootPassphrase' | 'custody'> & {
  readonly rootToken: RootTokenPlan;
};

export async function createTokenStore(options: TokenStoreOptions): Promise<CreatedStore> {
  if (!commonNameOf(options.rootSubject)) throw rejected('invalid-name', 'The root needs a common name (CN=…).');
  const plan = options.rootToken;
  // The key id's form is the contract's (and the CLI's) to check; what the token holds is checked here.
  const token = openToken({ modulePath: plan.modulePath, serial: plan.serial });
  try {
    const existing = await checkKeyId(token, plan);
    const context = options.rootSubject.map((component) => component.value);
    return await withNewStoreFolder({ ...options, rootOnToken: true }, context, (cost, guard) =>
      tokenCeremony(options, token, existing, cost, guard),
    );
  } finally {
    token.close();
  }
}

async function tokenCeremony(
  options: TokenStoreOptions,
  token: OpenToken,
  existing: TokenKeyPair | null,
  cost: Parameters<typeof sealNewStore>[1],
  guard: Parameters<typeof sealNewStore>[3],
): Promise<CreatedStore> {
  const plan = options.rootToken;
  const log = options.ceremony?.log;
  const algorithm: KeyAlgorithm = options.rootKey ?? DEFAULT_CA_KEY;
  const pair = existing ?? (await generateOnToken(token, plan, algorithm));
  log?.step(
    existing
      ? `The root key with id ${pair.keyId} already on PKCS#11 token ${token.info.serial} was taken (not extractable, sensitive).`
      : `The root key pair (${algorithm}) was generated on PKCS#11 token ${token.info.serial} (key id ${pair.keyId}); it cannot be read out.`,
  );
  const root = await createRootCertificate({
    subject: options.rootSubject,
    keys: { privateKey: pair.privateKey, publicKey: pair.publicKey },
    provider: pair.provider,
    ...(options.rootDays ? { days: options.rootDays } : {}),
  });
  log?.signed(`the root certificate ${root.certificate.subject} (self-signed on the token)`, root.der);
  const storeId = randomUUID();
  const slot: TokenSlot = {
    kind: 'token',
    serial: token.info.serial,
    keyId: pair.keyId,
    moduleHint: plan.modulePath,
    rootCertificateSha256: sha256Hex(root.der),
    createdAt: new Date().toISOString(),
  };
  const signer = signerFromKey({
    key: pair.privateKey,
    provider: pair.provider,
    certificate: root.certificate,
    present: [],
    token: { serial: slot.serial, keyId: slot.keyId },
  });
  const head = await sealNewStore(
    options,
    cost,
    { storeId, rootCertificate: root.der, rootToken: { slot, signer } },
    guard,
  );
  return { storeId, rootCertificate: root.der, rootSha256: fingerprints(root.der).sha256, head };
}

/** Generates in an SO session when an SO PIN was given (then back to the user for signing), else as the user. */
async function generateOnToken(token: OpenToken, plan: RootTokenPlan, algorithm: KeyAlgorithm) {
  const keyId = plan.keyId?.toLowerCase() ?? randomBytes(8).toString('hex');
  if (plan.soPin === undefined) return generateTokenKey(token, algorithm, keyId);
  token.session.logout();
  token.login(plan.soPin, 'so');
  try {
    await generateTokenKey(token, algorithm, keyId).catch((error: unknown) => {
      throw soCannotGenerate(token, error) ?? error;
    });
  } finally {
    token.session.logout();
    token.login(plan.pin);
  }
  return findTokenKey(token, keyId);
}

/**
 * Tokens other than ykcs11 (SoftHSM, OpenSC cards) keep private objects from
 * the security officer: an SO session cannot generate the root's key there.
 * Said plainly instead of the bare PKCS#11 code.
 */
function soCannotGenerate(token: OpenToken, error: unknown): Error | null {
  if (!(error instanceof Error) || !error.message.includes('CKR_USER_NOT_LOGGED_IN')) return null;
  return rejected(
    'policy',
    `Token ${token.info.serial} does not let its security officer generate a private key (CKR_USER_NOT_LOGGED_IN): ` +
      'leave out --token-so-pin-passin; on this token the user PIN generates keys. (YubiKeys through ykcs11 need the SO login.)',
  );
}
