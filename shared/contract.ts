/**
 * The IPC contract: every operation the renderer may ask of the main side,
 * with its channel and the schemas of its request and response. The preload,
 * the main-side handlers and the browser test harness are all generated from
 * this one table, so they cannot drift apart.
 *
 * Response schemas are strict objects: the main side validates every reply
 * before sending it, so a field that is not declared here (a key, say) can
 * never reach the renderer by accident.
 */
import * as v from 'valibot';
import { AppStatusSchema } from './domain/app-status';
import { ImportRequests, ImportResponses } from './domain/import';
import { Requests, Responses } from './domain/operations';
import {
  IssuerCrlsResponseSchema,
  LifecycleStatusSchema,
  ListIntermediatesResponseSchema,
  RevokeAuthorityResponseSchema,
  RootCrlScheduleResponseSchema,
  ShowAuthorityResponseSchema,
} from './domain/authorities';
import {
  InspectCaRequestSchema,
  InspectCaResponseSchema,
  SignExternalRequestSchema,
  SignExternalResponseSchema,
} from './domain/external-ca';
import {
  PlanRenewalRequestSchema,
  PlanRenewalResponseSchema,
  RenewBatchRequestSchema,
  RenewBatchResponseSchema,
} from './domain/renewal';

type AnySchema = v.GenericSchema;

export interface OperationSpec {
  /** The IPC channel; one handler is registered per channel. */
  readonly channel: `rootkeeper:${string}`;
  /** One sentence for documentation and logs. */
  readonly summary: string;
  readonly request: AnySchema;
  readonly response: AnySchema;
}

const EmptyRequest = v.strictObject({});

export const contract = {
  appStatus: {
    channel: 'rootkeeper:app-status',
    summary: "The app's version, where the store lives, what the folder holds and whether a session is open.",
    request: EmptyRequest,
    response: AppStatusSchema,
  },
  createStore: {
    channel: 'rootkeeper:create-store',
    summary: 'The key ceremony: creates the store, the root and its key, sealed under the two passphrases.',
    request: Requests.createStore,
    response: Responses.createStore,
  },
  unlock: {
    channel: 'rootkeeper:unlock',
    summary: 'Opens an operator session with the operator passphrase, after verifying the whole store.',
    request: Requests.unlock,
    response: Responses.unlock,
  },
  lock: {
    channel: 'rootkeeper:lock',
    summary: 'Locks the session: every key is dropped.',
    request: EmptyRequest,
    response: Responses.lock,
  },
  createIntermediate: {
    channel: 'rootkeeper:create-intermediate',
    summary: 'Creates the intermediate CA, signed by the root unlocked for this alone.',
    request: Requests.createIntermediate,
    response: Responses.intermediate,
  },
  requestIntermediate: {
    channel: 'rootkeeper:request-intermediate',
    summary: 'Makes a key and CSR for an intermediate whose root lives elsewhere.',
    request: Requests.requestIntermediate,
    response: Responses.requestIntermediate,
  },
  importIntermediate: {
    channel: 'rootkeeper:import-intermediate',
    summary: 'Imports the intermediate certificate a root elsewhere signed for the pending key.',
    request: Requests.importIntermediate,
    response: Responses.intermediate,
  },
  issueCertificate: {
    channel: 'rootkeeper:issue-certificate',
    summary: 'Issues a server or client certificate with a key made here, and writes its bundle.',
    request: Requests.issueCertificate,
    response: Responses.issued,
  },
  inspectCsr: {
    channel: 'rootkeeper:inspect-csr',
    summary: 'Parses a CSR and shows what would be issued for it, without signing.',
    request: Requests.inspectCsr,
    response: Responses.inspectCsr,
  },
  signCsrs: {
    channel: 'rootkeeper:sign-csrs',
    summary: 'Signs one or many CSRs in one journal append and writes a bundle for each.',
    request: Requests.signCsrs,
    response: Responses.signCsrs,
  },
  revoke: {
    channel: 'rootkeeper:revoke',
    summary: 'Revokes a certificate, with a reason.',
    request: Requests.revoke,
    response: Responses.revoke,
  },
  generateCrl: {
    channel: 'rootkeeper:generate-crl',
    summary: "Generates the intermediate's CRL, or the root's with the root passphrase.",
    request: Requests.generateCrl,
    response: Responses.generateCrl,
  },
  revokeAuthority: {
    channel: 'rootkeeper:revoke-authority',
    summary: "Revokes an intermediate CA and signs the root's new CRL in the same root ceremony.",
    request: Requests.revokeAuthority,
    response: RevokeAuthorityResponseSchema,
  },
  generateIssuerCrls: {
    channel: 'rootkeeper:generate-issuer-crls',
    summary:
      'Signs the CRL of every intermediate that still signs and writes each with its certificate, ready to publish.',
    request: Requests.generateIssuerCrls,
    response: IssuerCrlsResponseSchema,
  },
  listIntermediates: {
    channel: 'rootkeeper:list-intermediates',
    summary: 'Every intermediate generation with its status, what it issued and its CRL.',
    request: Requests.listIntermediates,
    response: ListIntermediatesResponseSchema,
  },
  scheduleRootCrls: {
    channel: 'rootkeeper:schedule-root-crls',
    summary: "Signs the root's CRLs ahead in one root ceremony and writes them with a README of when to publish which.",
    request: Requests.scheduleRootCrls,
    response: RootCrlScheduleResponseSchema,
  },
  lifecycleStatus: {
    channel: 'rootkeeper:lifecycle-status',
    summary: "What needs doing: each CA's time left and CRL, certificates expiring, a missing active intermediate.",
    request: Requests.lifecycleStatus,
    response: LifecycleStatusSchema,
  },
  signExternalIntermediate: {
    channel: 'rootkeeper:sign-external-intermediate',
    summary:
      "Signs an online CA's request with the root: an external intermediate (pathLen 0, name constraints), recorded and revocable, never issuing here.",
    request: SignExternalRequestSchema,
    response: SignExternalResponseSchema,
  },
  inspectCaRequest: {
    channel: 'rootkeeper:inspect-ca-request',
    summary: "Reads an online CA's request (subject, key, signature) before the root signs it; signs nothing.",
    request: InspectCaRequestSchema,
    response: InspectCaResponseSchema,
  },
  showAuthority: {
    channel: 'rootkeeper:show-authority',
    summary: 'Decodes the root or an intermediate generation, by serial.',
    request: Requests.showAuthority,
    response: ShowAuthorityResponseSchema,
  },
  exportRoot: {
    channel: 'rootkeeper:export-root',
    summary: 'Writes the root trust kit for every platform; needs no passphrase.',
    request: Requests.exportRoot,
    response: Responses.written,
  },
  exportChain: {
    channel: 'rootkeeper:export-chain',
    summary:
      'The CA chain (intermediate then root) as PEM, and written to a folder when one is given; needs no passphrase.',
    request: Requests.exportChain,
    response: Responses.exportChain,
  },
  exportBundle: {
    channel: 'rootkeeper:export-bundle',
    summary: 'Writes the bundle of an issued certificate (without its key, which the store does not keep).',
    request: Requests.exportBundle,
    response: Responses.written,
  },
  listCertificates: {
    channel: 'rootkeeper:list-certificates',
    summary: 'Lists every issued certificate with its status.',
    request: Requests.listCertificates,
    response: Responses.listCertificates,
  },
  showCertificate: {
    channel: 'rootkeeper:show-certificate',
    summary: 'Decodes one issued certificate field by field.',
    request: Requests.showCertificate,
    response: Responses.showCertificate,
  },
  verifyJournal: {
    channel: 'rootkeeper:verify-journal',
    summary: 'Re-reads and verifies the whole journal; returns its head (and finds a head from the paper log in it).',
    request: Requests.verifyJournal,
    response: Responses.verifyJournal,
  },
  backup: {
    channel: 'rootkeeper:backup',
    summary: 'Writes an encrypted backup of the whole store.',
    request: Requests.backup,
    response: Responses.backup,
  },
  verifyBackup: {
    channel: 'rootkeeper:verify-backup',
    summary: 'Checks a backup with the operator passphrase, without restoring it.',
    request: Requests.verifyBackup,
    response: Responses.verifyBackup,
  },
  restoreBackup: {
    channel: 'rootkeeper:restore-backup',
    summary: "Restores a backup into the store's folder, which must be empty.",
    request: Requests.restoreBackup,
    response: Responses.verifyBackup,
  },
  acceptRollback: {
    channel: 'rootkeeper:accept-rollback',
    summary:
      'Lets a deliberately older copy of the store open again; needs the operator passphrase and the root (passphrase, shares or token PIN), and is journaled.',
    request: Requests.acceptRollback,
    response: Responses.acceptRollback,
  },
  changePassphrase: {
    channel: 'rootkeeper:change-passphrase',
    summary: 'Changes the root or operator passphrase; only the store file is rewritten.',
    request: Requests.changePassphrase,
    response: Responses.changePassphrase,
  },
  overview: {
    channel: 'rootkeeper:overview',
    summary: 'The root, the intermediate, the CRLs, the counts by status and the journal head of the open session.',
    request: EmptyRequest,
    response: Responses.overview,
  },
  renewCertificate: {
    channel: 'rootkeeper:renew-certificate',
    summary: 'Issues a certificate again for the same names, with the same key or a new one, and writes its bundle.',
    request: Requests.renewCertificate,
    response: Responses.issued,
  },
  renewBatch: {
    channel: 'rootkeeper:renew-batch',
    summary:
      'Renews every valid certificate expiring within N days (or those chosen) whose key was made here, each into its bundle; lists those that need a new request.',
    request: RenewBatchRequestSchema,
    response: RenewBatchResponseSchema,
  },
  planRenewal: {
    channel: 'rootkeeper:plan-renewal',
    summary:
      'Says which of the chosen certificates a batch renewal would renew and which need a new request, signing nothing.',
    request: PlanRenewalRequestSchema,
    response: PlanRenewalResponseSchema,
  },
  journalEntries: {
    channel: 'rootkeeper:journal-entries',
    summary: 'A page of the audit timeline, newest first, read and verified from the journal.',
    request: Requests.journalEntries,
    response: Responses.journalEntries,
  },
  exportAudit: {
    channel: 'rootkeeper:export-audit',
    summary: 'Writes the audit timeline and the journal head as text to a chosen folder.',
    request: Requests.exportAudit,
    response: Responses.written,
  },
  choosePath: {
    channel: 'rootkeeper:choose-path',
    summary: "Opens the native dialog for a folder or file; answers an opaque handle for the officer's choice.",
    request: Requests.choosePath,
    response: Responses.choosePath,
  },
  useDroppedPath: {
    channel: 'rootkeeper:use-dropped-path',
    summary:
      'Takes a folder or file dropped on the window as an import source; answers an opaque handle (the page gives the File, the preload its path).',
    request: Requests.useDroppedPath,
    response: Responses.useDroppedPath,
  },
  useStoreFolder: {
    channel: 'rootkeeper:use-store-folder',
    summary: 'Makes a chosen folder the store folder (while locked), and remembers it.',
    request: Requests.useStoreFolder,
    response: AppStatusSchema,
  },
  changeCustody: {
    channel: 'rootkeeper:change-custody',
    summary: 'Puts the root in M-of-N custody, or issues its shares anew so every earlier share stops opening it.',
    request: Requests.changeCustody,
    response: Responses.changeCustody,
  },
  tokenChoices: {
    channel: 'rootkeeper:token-choices',
    summary: 'The usual PKCS#11 modules present on this machine, and the tokens a chosen module sees (by serial).',
    request: Requests.tokenChoices,
    response: Responses.tokenChoices,
  },
  moveRootToToken: {
    channel: 'rootkeeper:move-root-to-token',
    summary:
      "Copies the sealed root key onto a PKCS#11 token (never back), optionally replacing the store's root slot.",
    request: Requests.moveRootToToken,
    response: Responses.moveRootToToken,
  },
  openIntermediateToken: {
    channel: 'rootkeeper:open-intermediate-token',
    summary: "Opens the PKCS#11 token an intermediate's issuing key lives on, with its PIN, until the session locks.",
    request: Requests.openIntermediateToken,
    response: Responses.openIntermediateToken,
  },
  custodyStatus: {
    channel: 'rootkeeper:custody-status',
    summary: 'How the root is held: by passphrase, or M-of-N shares with their custodians and when they were made.',
    request: EmptyRequest,
    response: Responses.custodyStatus,
  },
  verifyShare: {
    channel: 'rootkeeper:verify-share',
    summary: "Checks that a custodian's share belongs to this store's current share set, revealing nothing of it.",
    request: Requests.verifyShare,
    response: Responses.verifyShare,
  },
  ceremonyRecords: {
    channel: 'rootkeeper:ceremony-records',
    summary: 'Lists the ceremony records the journal holds, newest first.',
    request: Requests.ceremonyRecords,
    response: Responses.ceremonyRecords,
  },
  exportCeremonyRecord: {
    channel: 'rootkeeper:export-ceremony-record',
    summary: "Writes a past ceremony record again into a folder, from the journal's copy of its signed bytes.",
    request: Requests.exportCeremonyRecord,
    response: Responses.exportCeremonyRecord,
  },
  convert: {
    channel: 'rootkeeper:convert',
    summary: 'Converts certificates and chains among PEM, DER and PKCS#7.',
    request: Requests.convert,
    response: Responses.convert,
  },
  inspectImport: {
    channel: 'rootkeeper:inspect-import',
    summary:
      'Reads a chosen folder holding an existing CA (OpenSSL, easy-rsa, files, mkcert), verifies it and reports; writes nothing.',
    request: ImportRequests.inspectImport,
    response: ImportResponses.inspectImport,
  },
  importStore: {
    channel: 'rootkeeper:import-store',
    summary: 'Imports the verified CA into the (empty) store folder, its keys sealed under the new passphrases.',
    request: ImportRequests.importStore,
    response: ImportResponses.importStore,
  },
} as const satisfies Record<string, OperationSpec>;

export type Contract = typeof contract;
export type OperationName = keyof Contract;
export type RequestOf<N extends OperationName> = v.InferInput<Contract[N]['request']>;
export type ResponseOf<N extends OperationName> = v.InferOutput<Contract[N]['response']>;

export const operationNames = Object.keys(contract) as OperationName[];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}
