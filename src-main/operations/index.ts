/**
 * Every operation of the contract, bound to a context: the table the IPC
 * dispatcher serves. The CLI calls the same functions directly.
 */
import type { OperationHandlers } from './dispatch';
import { appStatus } from './app-status';
import {
  createIntermediateOperation,
  importIntermediateOperation,
  requestIntermediateOperation,
} from './intermediate-ops';
import {
  generateCrlOperation,
  listCertificatesOperation,
  revokeOperation,
  showCertificateOperation,
} from './records-ops';
import type { OperationContext } from './context';
import { convertOperation, exportBundleOperation, exportChainOperation, exportRootOperation } from './export-ops';
import {
  inspectCsrOperation,
  issueCertificateOperation,
  renewCertificateOperation,
  signCsrsOperation,
} from './issuing-ops';
import { exportAuditOperation, journalEntriesOperation } from './audit-ops';
import { choosePathOperation, useDroppedPathOperation, useStoreFolderOperation } from './choice-ops';
import { importStoreOperation, inspectImportOperation } from './import-ops';
import { overviewOperation } from './overview';
import { lifecycleStatusOperation } from './lifecycle-status';
import { inspectCaRequestOperation, signExternalIntermediateOperation } from './external-ops';
import { planRenewalOperation, renewBatchOperation } from './renewal-ops';
import {
  generateIssuerCrlsOperation,
  listIntermediatesOperation,
  revokeAuthorityOperation,
  scheduleRootCrlsOperation,
  showAuthorityOperation,
} from './authority-ops';
import {
  changeCustodyOperation,
  custodyStatusOperation,
  moveRootToTokenOperation,
  openIntermediateTokenOperation,
  tokenChoicesOperation,
  verifyShareOperation,
} from './custody-ops';
import { ceremonyRecordsOperation, exportCeremonyRecordOperation } from './ceremony-ops';
import {
  acceptRollbackOperation,
  backupOperation,
  changePassphraseOperation,
  createStoreOperation,
  lockOperation,
  restoreBackupOperation,
  unlockOperation,
  verifyBackupOperation,
  verifyJournalOperation,
} from './store-ops';

export function operationHandlers(context: OperationContext, version: string): OperationHandlers {
  return {
    appStatus: () => appStatus({ version, storeDir: context.storeDir, session: () => context.sessions.current }),
    createStore: (request) => createStoreOperation(context, request, version),
    unlock: (request) => unlockOperation(context, request),
    lock: () => lockOperation(context),
    createIntermediate: (request) => createIntermediateOperation(context, request, version),
    requestIntermediate: (request) => requestIntermediateOperation(context, request),
    importIntermediate: (request) => importIntermediateOperation(context, request),
    issueCertificate: (request) => issueCertificateOperation(context, request),
    inspectCsr: (request) => inspectCsrOperation(context, request),
    signCsrs: (request) => signCsrsOperation(context, request),
    revoke: (request) => revokeOperation(context, request),
    generateCrl: (request) => generateCrlOperation(context, request, version),
    revokeAuthority: (request) => revokeAuthorityOperation(context, request, version),
    generateIssuerCrls: (request) => generateIssuerCrlsOperation(context, request),
    listIntermediates: () => listIntermediatesOperation(context),
    showAuthority: (request) => showAuthorityOperation(context, request),
    signExternalIntermediate: (request) => signExternalIntermediateOperation(context, request),
    inspectCaRequest: (request) => inspectCaRequestOperation(context, request),
    lifecycleStatus: (request) => lifecycleStatusOperation(context, request),
    scheduleRootCrls: (request) => scheduleRootCrlsOperation(context, request, version),
    exportRoot: (request) => exportRootOperation(context, request),
    exportChain: (request) => exportChainOperation(context, request),
    exportBundle: (request) => exportBundleOperation(context, request),
    listCertificates: (request) => listCertificatesOperation(context, request),
    showCertificate: (request) => showCertificateOperation(context, request),
    verifyJournal: (request) => verifyJournalOperation(context, request),
    acceptRollback: (request) => acceptRollbackOperation(context, request),
    backup: (request) => backupOperation(context, request),
    verifyBackup: (request) => verifyBackupOperation(context, request),
    restoreBackup: (request) => restoreBackupOperation(context, request),
    changePassphrase: (request) => changePassphraseOperation(context, request),
    convert: (request) => convertOperation(context, request),
    overview: () => overviewOperation(context),
    renewCertificate: (request) => renewCertificateOperation(context, request),
    renewBatch: (request) => renewBatchOperation(context, request),
    planRenewal: (request) => planRenewalOperation(context, request),
    journalEntries: (request) => journalEntriesOperation(context, request),
    exportAudit: (request) => exportAuditOperation(context, request),
    choosePath: (request) => choosePathOperation(context, request),
    useDroppedPath: (request) => useDroppedPathOperation(context, request),
    useStoreFolder: (request) => useStoreFolderOperation(context, request, version),
    inspectImport: (request) => inspectImportOperation(context, request),
    importStore: (request) => importStoreOperation(context, request),
    changeCustody: (request) => changeCustodyOperation(context, request, version),
    custodyStatus: () => custodyStatusOperation(context),
    moveRootToToken: (request) => moveRootToTokenOperation(context, request),
    openIntermediateToken: (request) => openIntermediateTokenOperation(context, request),
    tokenChoices: async (request) => tokenChoicesOperation(context, request),
    verifyShare: (request) => verifyShareOperation(context, request),
    ceremonyRecords: () => ceremonyRecordsOperation(context),
    exportCeremonyRecord: (request) => exportCeremonyRecordOperation(context, request),
  };
}
