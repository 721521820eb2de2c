/**
 * Custody of the root, for both front ends: which root key source a request
 * names (the root passphrase or custodians' shares), the ceremony record a
 * request asks for, putting the root in custody or resharing it, and the
 * custody's public facts (status, a share checked) read without unlocking.
 */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { RootkeeperError, rejected } from '../../shared/errors';
import { CeremonyLog, type CeremonyHook, type CeremonyOperation } from '../custody/ceremony-record';
import { passphraseSource } from '../custody/passphrase';
import type { RootKeySource, SealedRootSource } from '../custody/root-source';
import { tokenSource } from '../custody/token/token-source';
import { knownModules } from '../custody/token/modules';
import { listTokens } from '../custody/token/pkcs11-token';
import type { CustodyPlan, ShareFileOut } from '../custody/share-delivery';
import { checkShare, sharesSource, type ShareInput } from '../custody/shares';
import { readShareText } from '../custody/share-file';
import { ceremonyHook } from '../exports/ceremony';
import { checkExportDestination, writeExportFolder, type WrittenFolder } from '../exports/folder';
import { readKeyring, sharesSlotOf, tokenSlotOf } from '../store/keyring';
import { DEFAULT_KDF_COST } from '../vault/kdf';
import { currentSession, type OperationContext } from './context';

type RootCredential = {
  rootPassphrase?: string | undefined;
  rootShares?: readonly ShareRequest[] | undefined;
  rootTokenPin?: string | undefined;
  rootPkcs11Module?: string | undefined;
};
type ShareRequest = { text: string; label: string; pin?: string | undefined };

/**
 * A PKCS#11 module is a library the main process loads: in the app it is one
 * of the usual modules found on this machine, or a file the officer picked in
 * the main side's own dialog (named by its handle) — never a path the
 * renderer made up. The command line takes paths.
 */
export function modulePathOf(context: OperationContext | undefined, module: string): string {
  if (!context?.chooser) return path.resolve(module);
  if (knownModules().some((known) => known.path === module)) return module;
  return context.destinations.file(module);
}

/** The root key source a request names: exactly one of the root passphrase, the shares and a token's PIN. */
export function rootSourceOf(request: RootCredential, context: OperationContext): RootKeySource {
  if (request.rootTokenPin !== undefined) {
    if (request.rootShares || request.rootPassphrase !== undefined) {
      throw rejected(
        'invalid-option',
        'Give the token’s PIN, the root passphrase or the custodians’ shares: only one.',
      );
    }
    const modulePath =
      request.rootPkcs11Module === undefined ? undefined : modulePathOf(context, request.rootPkcs11Module);
    return tokenSource({ pin: request.rootTokenPin, ...(modulePath ? { modulePath } : {}) });
  }
  if (request.rootPkcs11Module !== undefined) {
    throw rejected('invalid-option', 'A PKCS#11 module goes with the token’s PIN.');
  }
  return sealedRootSourceOf(request);
}

/** The root key source of an operation that re-seals the root (custody): never a token's, whose key cannot leave it. */
export function sealedRootSourceOf(request: RootCredential): SealedRootSource {
  if (request.rootTokenPin !== undefined) {
    throw rejected('policy', 'The root key lives on a token: it cannot be split into shares or sealed again.');
  }
  if (request.rootShares && request.rootPassphrase !== undefined) {
    throw rejected('invalid-option', 'Give the root passphrase or the custodians’ shares, not both.');
  }
  if (request.rootShares) return sharesSource(request.rootShares.map(shareInput));
  if (request.rootPassphrase !== undefined) return passphraseSource(request.rootPassphrase);
  throw rejected('invalid-option', 'The root is needed: give the root passphrase or the custodians’ shares.');
}

function shareInput(share: ShareRequest): ShareInput {
  const { pin } = share;
  return {
    text: share.text,
    label: share.label,
    pin: async () => {
      if (pin === undefined)
        throw rejected('policy', `${share.label} is PIN-protected: its custodian's PIN is needed.`);
      return pin;
    },
  };
}

/** The ceremony hook for a request that asked for a record, or undefined. */
export function ceremonyFor(
  context: OperationContext,
  request: {
    ceremony?:
      { destination: string; witnesses: string[]; checklist?: { at: string; step: string }[] | undefined } | undefined;
  },
  operation: CeremonyOperation,
  version: string,
): CeremonyHook | undefined {
  if (!request.ceremony) return undefined;
  const folder = context.destinations.folder(request.ceremony.destination);
  // Refused before the root is unlocked: a link or a file on the way.
  checkExportDestination(folder);
  const { witnesses, checklist } = request.ceremony;
  return ceremonyHook(new CeremonyLog(operation, { folder, witnesses, ...(checklist ? { checklist } : {}) }), version);
}

export interface PlannedCustody extends CustodyPlan {
  deliver(files: readonly ShareFileOut[]): Promise<void>;
}

/** The plan from a request, with share files written (0600, never over a file) to the folder it names. */
export function custodyPlanOf(
  context: OperationContext,
  custody: NonNullable<RequestOf<'createStore'>['custody']>,
  written: string[],
  /** Told what was written, read back with each file's SHA-256 (for the GUI's result). */
  onWritten?: (folder: WrittenFolder) => void,
): PlannedCustody {
  const folder = context.destinations.folder(custody.shareOut);
  const store = path.resolve(context.storeDir);
  if (folder === store || folder.startsWith(`${store}${path.sep}`)) {
    throw rejected(
      'policy',
      'The shares must not be written inside the store folder: choose another (removable) folder.',
    );
  }
  checkExportDestination(folder);
  return {
    threshold: custody.threshold,
    custodians: custody.custodians,
    async deliver(files) {
      const result = await writeExportFolder(
        folder,
        files.map((file) => ({ name: file.name, data: file.data, mode: 0o600 })),
      );
      written.push(...result.files.map((file) => path.join(result.folder, file.name)));
      onWritten?.(result);
    },
  };
}

export async function changeCustodyOperation(
  context: OperationContext,
  request: RequestOf<'changeCustody'>,
  version: string,
): Promise<ResponseOf<'changeCustody'>> {
  const session = currentSession(context);
  const resharing = sharesSlotOf(session.keyring) !== null;
  const written: string[] = [];
  const ceremony = ceremonyFor(context, request, resharing ? 'custody-reshare' : 'custody-split', version);
  let shares: WrittenFolder | undefined;
  const plan = custodyPlanOf(context, request.custody, written, (folder) => (shares = folder));
  const result = await session.changeCustody(
    sealedRootSourceOf(request),
    { ...plan, deliver: plan.deliver, pinCost: context.environment.kdfCost ?? DEFAULT_KDF_COST },
    ceremony,
  );
  return {
    ...result,
    custodians: [...result.custodians],
    shareFiles: written,
    ceremonyRecord: ceremony?.written ? { ...ceremony.written, files: [...ceremony.written.files] } : null,
    ...(shares ? { shares: writtenSummary(shares) } : {}),
  };
}

/** The sealed root copied onto a token; the PIN and the passphrase stay here. */
export async function moveRootToTokenOperation(
  context: OperationContext,
  request: RequestOf<'moveRootToToken'>,
): Promise<ResponseOf<'moveRootToToken'>> {
  const session = currentSession(context);
  return session.moveRootToToken(
    sealedRootSourceOf(request),
    {
      modulePath: modulePathOf(context, request.module),
      serial: request.serial,
      pin: request.pin,
      ...(request.keyId !== undefined ? { keyId: request.keyId } : {}),
    },
    request.replaceRootSlot,
  );
}

/** The intermediate's token opened for this session; the PIN stays here. */
export function openIntermediateTokenOperation(
  context: OperationContext,
  request: RequestOf<'openIntermediateToken'>,
): Promise<ResponseOf<'openIntermediateToken'>> {
  return currentSession(context).openIntermediateToken({
    pin: request.pin,
    ...(request.module !== undefined ? { modulePath: modulePathOf(context, request.module) } : {}),
  });
}

/** The modules found here, and the tokens `module` sees (none asked: none listed). Nothing is logged in. */
export function tokenChoicesOperation(
  context: OperationContext,
  request: RequestOf<'tokenChoices'>,
): ResponseOf<'tokenChoices'> {
  return {
    modules: knownModules().map(({ name, path: modulePath }) => ({ name, path: modulePath })),
    tokens: request.module ? listTokens(modulePathOf(context, request.module)) : [],
  };
}

/** How the root is held, from the store file: no passphrase needed. */
export async function custodyStatusOperation(context: OperationContext): Promise<ResponseOf<'custodyStatus'>> {
  const keyring = await readKeyring(context.storeDir);
  if (!keyring) throw rejected('not-found', `${context.storeDir} does not hold a Rootkeeper store.`);
  const token = tokenSlotOf(keyring);
  if (token) {
    const { serial, keyId, moduleHint } = token;
    return {
      mode: 'token',
      token: { serial, keyId, moduleHint },
      threshold: null,
      total: null,
      setId: null,
      sharesMadeAt: null,
      custodians: [],
    };
  }
  const slot = sharesSlotOf(keyring);
  if (!slot) {
    return { mode: 'passphrase', threshold: null, total: null, setId: null, sharesMadeAt: null, custodians: [] };
  }
  return {
    mode: 'shares',
    threshold: slot.threshold,
    total: slot.total,
    setId: slot.setId,
    sharesMadeAt: slot.createdAt,
    custodians: slot.custodians.map(({ index, name, pin }) => ({ index, name, pin })),
  };
}

/** Checks a share against the store's current set: its header and its digest. The share is not kept. */
export async function verifyShareOperation(
  context: OperationContext,
  request: RequestOf<'verifyShare'>,
): Promise<ResponseOf<'verifyShare'>> {
  const keyring = await readKeyring(context.storeDir);
  if (!keyring) throw rejected('not-found', `${context.storeDir} does not hold a Rootkeeper store.`);
  const slot = sharesSlotOf(keyring);
  if (!slot) throw rejected('policy', 'This store’s root is sealed under a passphrase: it has no shares.');
  const input = shareInput(request.share);
  const share = await readShareText(input.text, input.label, input.pin, context.environment.kdfPolicy);
  try {
    const custodian = checkShare(keyring.storeId, slot, share, input.label);
    return {
      index: share.index,
      total: share.total,
      threshold: share.threshold,
      custodian: custodian.name,
      setId: share.setId,
    };
  } catch (error) {
    // verify-share is no unlock attempt: a share that is not its custodian's is refused input here.
    if (error instanceof RootkeeperError && error.code === 'WRONG_PASSPHRASE')
      throw rejected('bad-signature', error.message);
    throw error;
  } finally {
    share.data.fill(0);
  }
}

/** The written record for a response, when one was asked for. */
export function recordOf(ceremony: CeremonyHook | undefined) {
  const written = ceremony?.written;
  return written ? { ceremonyRecord: { ...written, files: [...written.files] } } : {};
}

/** The share folder as the officer's screen may see it: each file's name, size and SHA-256. */
function writtenSummary(written: WrittenFolder) {
  return { folder: written.folder, files: written.files.map(({ name, sha256, bytes }) => ({ name, sha256, bytes })) };
}
