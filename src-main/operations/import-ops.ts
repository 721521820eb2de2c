/**
 * The GUI's "Import an existing CA…": the folder the officer chose (a
 * handle), read as whatever kind it is, verified, and reported; then, with
 * the new store's passphrases, written into the store folder. The report
 * carries no key; the passphrases never come back.
 */
import type { RequestOf, ResponseOf } from '../../shared/contract';
import type { ImportReportView } from '../../shared/domain/import';
import type { ImportReport } from '../import';
import { matchPassphrases, readAnySource, verifySource, writeImport } from '../import';
import type { OperationContext } from './context';

export async function inspectImportOperation(
  context: OperationContext,
  request: RequestOf<'inspectImport'>,
): Promise<ResponseOf<'inspectImport'>> {
  const plan = await planFor(context, request, false);
  for (const key of plan.keys.values()) key.fill(0);
  return view(plan.report);
}

export async function importStoreOperation(
  context: OperationContext,
  request: RequestOf<'importStore'>,
): Promise<ResponseOf<'importStore'>> {
  const plan = await planFor(context, request, true);
  const written = await writeImport(plan, {
    dir: context.storeDir,
    rootPassphrase: request.rootPassphrase,
    operatorPassphrase: request.operatorPassphrase,
    ...context.environment,
  });
  return {
    storeId: written.storeId,
    rootSha256: written.rootSha256,
    certificates: written.certificates,
    report: view(plan.report),
  };
}

async function planFor(context: OperationContext, request: RequestOf<'inspectImport'>, requireKeys: boolean) {
  const folder = context.destinations.folder(request.source);
  const description = await readAnySource(folder, request.keyPassphrases);
  try {
    const passphrases = await matchPassphrases(description, request.keyPassphrases);
    return await verifySource(description, passphrases, { requireKeys });
  } finally {
    for (const ca of description.cas) ca.key?.bytes.fill(0);
  }
}

/** A plain copy for the reply; the dispatcher checks it against the response schema before it leaves. */
function view(report: ImportReport): ImportReportView {
  return structuredClone(report) as ImportReportView;
}
