import type { Command } from '../command';
import { auditAcceptRollback, auditLog, auditVerify } from './audit';
import { backup, restore, verifyBackup } from './backup';
import { ceremonyExport } from './ceremony-export';
import { ceremonyList } from './ceremony-list';
import { convert } from './convert';
import { crl } from './crl';
import { custodyReshare } from './custody-reshare';
import { custodySplit } from './custody-split';
import { custodyStatus } from './custody-status';
import { custodyToToken } from './custody-to-token';
import { custodyVerifyShare } from './custody-verify-share';
import { exportChain, exportRoot } from './export';
import { exportBundle } from './export-bundle';
import { importEasyRsa } from './import/easy-rsa';
import { importFiles } from './import/files';
import { importOpenssl } from './import/openssl';
import { init } from './init';
import { intermediateCreate, intermediateCsr, intermediateImport } from './intermediate';
import { intermediateList } from './intermediate-list';
import { intermediateSignExternal } from './intermediate-sign-external';
import { issue } from './issue';
import { list } from './list';
import { passwd } from './passwd';
import { renew } from './renew';
import { revoke } from './revoke';
import { show } from './show';
import { signCsr } from './sign-csr';
import { status } from './status';

/** Every command, in the order of the officer's work. */
export const commands: readonly Command[] = [
  init,
  importOpenssl,
  importEasyRsa,
  importFiles,
  intermediateCreate,
  intermediateCsr,
  intermediateImport,
  intermediateList,
  intermediateSignExternal,
  issue,
  signCsr,
  renew,
  revoke,
  crl,
  custodySplit,
  custodyReshare,
  custodyVerifyShare,
  custodyStatus,
  custodyToToken,
  ceremonyList,
  ceremonyExport,
  exportRoot,
  exportChain,
  exportBundle,
  list,
  show,
  status,
  auditLog,
  auditVerify,
  auditAcceptRollback,
  passwd,
  backup,
  verifyBackup,
  restore,
  convert,
];
