/** The key ceremony, unlocking and locking, passphrase changes, the journal, backups. */
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { RootkeeperError } from '../../shared/errors';
import { parseSubject } from '../engine/names';
import { restoreBackup, verifyBackup, writeBackup } from '../store/backup';
import { DEFAULT_KDF_COST, type KdfCost } from '../vault/kdf';
import { ClosedStore, acceptRollback, createStore } from '../store/store';
import { createTokenStore, type RootTokenPlan } from '../store/token-ceremony';
import { tokenSlotOf } from '../store/keyring';
import { certificateValidity } from './summaries';
import { ceremonyFor, custodyPlanOf, modulePathOf, recordOf, rootSourceOf } from './custody-ops';
import type { WrittenFolder } from '../exports/folder';
import { currentSession, type OperationContext } from './context';

export async function createStoreOperation(
  context: OperationContext,
  request: RequestOf<'createStore'>,
  version = '',
): Promise<ResponseOf<'createStore'>> {
  const shareFiles: string[] = [];
  let shares: WrittenFolder | undefined;
  const ceremony = ceremonyFor(context, request, 'init', version);
  const created = request.rootToken
    ? await createTokenStore({
        dir: context.storeDir,
        rootSubject: parseSubject(request.rootSubject),
        rootToken: tokenPlanOf(request.rootToken, modulePathOf(context, request.rootToken.module)),
        ...(ceremony ? { ceremony } : {}),
        operatorPassphrase: request.operatorPassphrase,
        ...(request.rootKey ? { rootKey: request.rootKey } : {}),
        ...(request.rootDays ? { rootDays: request.rootDays } : {}),
        ...context.environment,
        ...kdfCost(request),
      })
    : await createStore({
        dir: context.storeDir,
        rootSubject: parseSubject(request.rootSubject),
        ...(request.rootPassphrase !== undefined ? { rootPassphrase: request.rootPassphrase } : {}),
        ...(request.custody
          ? { custody: custodyPlanOf(context, request.custody, shareFiles, (folder) => (shares = folder)) }
          : {}),
        ...(ceremony ? { ceremony } : {}),
        operatorPassphrase: request.operatorPassphrase,
        ...(request.rootKey ? { rootKey: request.rootKey } : {}),
        ...(request.rootDays ? { rootDays: request.rootDays } : {}),
        ...context.environment,
        ...kdfCost(request),
      });
  const { subject, notAfter } = certificateValidity(created.rootCertificate);
  return {
    storeId: created.storeId,
    rootSubject: subject,
    rootSha256: created.rootSha256,
    rootNotAfter: notAfter,
    head: created.head,
    ...(request.custody ? { shareFiles } : {}),
    ...(shares
      ? {
          shares: {
            folder: shares.folder,
            files: shares.files.map(({ name, sha256, bytes }) => ({ name, sha256, bytes })),
          },
        }
      : {}),
    ...recordOf(ceremony),
  };
}

export async function unlockOperation(
  context: OperationContext,
  request: RequestOf<'unlock'>,
): Promise<ResponseOf<'unlock'>> {
  if (context.sessions.current)
    throw new RootkeeperError('STORE_IN_USE', 'The store is already unlocked in this window.');
  const store = await ClosedStore.open(context.storeDir, context.environment);
  const session = await store.unlock(
    request.passphrase,
    request.idleMinutes ? { idleTimeoutMs: request.idleMinutes * 60_000 } : {},
  );
  context.sessions.hold(session);
  return { locksAt: new Date(session.locksAt).toISOString(), head: session.head, notices: [...session.notices] };
}

export async function lockOperation(context: OperationContext): Promise<ResponseOf<'lock'>> {
  await context.sessions.lock();
  return { locked: true };
}

export async function changePassphraseOperation(
  context: OperationContext,
  request: RequestOf<'changePassphrase'>,
): Promise<ResponseOf<'changePassphrase'>> {
  await currentSession(context).changePassphrase(request.which, request.current, request.next);
  return { which: request.which };
}

export async function verifyJournalOperation(
  context: OperationContext,
  request: RequestOf<'verifyJournal'>,
): Promise<ResponseOf<'verifyJournal'>> {
  const { head, expected } = await currentSession(context).verifyJournal(request.expectHead);
  return { head, records: head.sequence, ...(expected === null ? {} : { expected }) };
}

export async function acceptRollbackOperation(
  context: OperationContext,
  request: RequestOf<'acceptRollback'>,
): Promise<ResponseOf<'acceptRollback'>> {
  if (context.sessions.current)
    throw new RootkeeperError('STORE_IN_USE', 'Lock the store first: accepting a rollback opens it anew.');
  // The root as every root operation takes it: passphrase, a quorum of shares, or the token's PIN.
  const accepted = await acceptRollback(
    context.storeDir,
    request.operatorPassphrase,
    rootSourceOf(request, context),
    context.environment,
  );
  return {
    from: accepted.from,
    head: accepted.head,
    lastSeen: { sequence: accepted.lastSeen.sequence, chainHash: accepted.lastSeen.chainHash },
  };
}

export async function backupOperation(
  context: OperationContext,
  request: RequestOf<'backup'>,
): Promise<ResponseOf<'backup'>> {
  const summary = await writeBackup(currentSession(context), context.destinations.file(request.destination));
  const token = tokenSlotOf(currentSession(context).keyring);
  return {
    file: summary.file,
    sha256: summary.sha256,
    head: summary.head,
    ...(token ? { rootToken: { serial: token.serial, keyId: token.keyId } } : {}),
  };
}

function tokenPlanOf(plan: NonNullable<RequestOf<'createStore'>['rootToken']>, modulePath: string): RootTokenPlan {
  return {
    modulePath,
    serial: plan.serial,
    pin: plan.pin,
    ...(plan.soPin !== undefined ? { soPin: plan.soPin } : {}),
    ...(plan.keyId !== undefined ? { keyId: plan.keyId } : {}),
    ...(plan.useExistingKey ? { existing: true } : {}),
  };
}

function kdfCost(request: RequestOf<'createStore'>): { kdfCost?: KdfCost } {
  if (request.kdfMemoryMiB === undefined && request.kdfPasses === undefined) return {};
  return {
    kdfCost: {
      ...DEFAULT_KDF_COST,
      ...(request.kdfMemoryMiB ? { memoryKiB: request.kdfMemoryMiB * 1024 } : {}),
      ...(request.kdfPasses ? { passes: request.kdfPasses } : {}),
    },
  };
}

export async function verifyBackupOperation(
  context: OperationContext,
  request: RequestOf<'verifyBackup'>,
): Promise<ResponseOf<'verifyBackup'>> {
  return verifyBackup(context.destinations.file(request.source), request.passphrase, context.environment);
}

export async function restoreBackupOperation(
  context: OperationContext,
  request: RequestOf<'restoreBackup'>,
): Promise<ResponseOf<'restoreBackup'>> {
  return restoreBackup(
    context.destinations.file(request.source),
    context.storeDir,
    request.passphrase,
    context.environment,
  );
}
