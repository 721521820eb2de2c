/** Exports: the root trust kit and the chain (no passphrase needed), a certificate's bundle, conversions. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { rejected } from '../../shared/errors';
import { certificatePem, convertCertificates } from '../engine/formats/certificates';
import { bundleFiles } from '../exports/bundle';
import { writeExportFolder, type OutputFile, type WrittenFolder } from '../exports/folder';
import { partialSuccess } from '../store/transaction';
import type { WrittenFolderSummary } from '../../shared/domain/certificates';
import { trustKitFiles } from '../exports/trust-kit';
import { addPendingNote } from '../store/pending-notes';
import { ClosedStore } from '../store/store';
import { currentSession, type OperationContext } from './context';
import { namesOf, reserveFolder } from '../exports/reservation';

/**
 * Writes an export folder (never overwriting unless forced; read back and
 * checked) and journals what was written when a session is open: a locked
 * store can still hand out its public certificates. The folder is claimed
 * first, so a refusal writes nothing; one written but not journaled is a
 * partial success.
 */
export async function writeExport(
  context: OperationContext,
  folder: string,
  files: readonly OutputFile[],
  kind: string,
  force = false,
): Promise<WrittenFolderSummary> {
  const reservation = reserveFolder(folder, force, namesOf(files));
  let written: WrittenFolder;
  try {
    written = await writeExportFolder(folder, files, { force });
  } catch (error) {
    await reservation.release();
    throw error;
  }
  return journalExport(context, written, kind, `The ${kind} export was written to ${written.folder}`);
}

/**
 * Writes the files of something already journaled (a CRL) into its claimed
 * folder; a failure says what was journaled and what to do.
 */
export async function writeJournaledExport(
  context: OperationContext,
  folder: string,
  files: readonly OutputFile[],
  kind: string,
  done: string,
  advice: string,
  force = false,
): Promise<WrittenFolderSummary> {
  let written: WrittenFolder;
  try {
    written = await writeExportFolder(folder, files, { force });
  } catch (error) {
    throw partialSuccess(done, `it could not be written to ${folder}`, error, advice);
  }
  return journalExport(context, written, kind, `${done} and written to ${written.folder}`);
}

async function journalExport(
  context: OperationContext,
  written: WrittenFolder,
  kind: string,
  done: string,
): Promise<WrittenFolderSummary> {
  const note = {
    at: new Date().toISOString(),
    kind,
    folder: written.folder,
    files: written.files.map(({ name, sha256 }) => ({ name, sha256 })),
  };
  const session = context.sessions.current;
  // Locked: the journal cannot be written; the next unlock journals this note.
  if (!session) await addPendingNote(context.storeDir, note).catch(() => undefined);
  else {
    try {
      await session.note([{ type: 'export-written', ...note }]);
    } catch (error) {
      throw partialSuccess(
        done,
        'the journal could not record the export',
        error,
        'The files are complete and verified; only the record of the export is missing.',
      );
    }
  }
  return { folder: written.folder, files: [...written.files] };
}

/** The trust kit is public: it is written from the store file's clear copy of the root, without unlocking. */
export async function exportRootOperation(
  context: OperationContext,
  request: RequestOf<'exportRoot'>,
): Promise<ResponseOf<'exportRoot'>> {
  const store = await ClosedStore.open(context.storeDir, context.environment);
  const folder = context.destinations.folder(request.destination);
  return writeExport(
    context,
    folder,
    await trustKitFiles({ root: store.rootCertificate }),
    'root-trust-kit',
    request.force,
  );
}

/** The chain servers send after their own certificate: intermediate then root, and each alone. */
export async function exportChainOperation(
  context: OperationContext,
  request: RequestOf<'exportChain'>,
): Promise<ResponseOf<'exportChain'>> {
  const store = await ClosedStore.open(context.storeDir, context.environment);
  const intermediate = store.intermediateCertificate;
  if (!intermediate)
    throw rejected(
      'policy',
      'No intermediate CA is active (none yet, or the last one was revoked): the chain would be the root alone.',
    );
  const pem = certificatePem(intermediate) + certificatePem(store.rootCertificate);
  if (!request.destination) return { pem, written: null };
  const folder = path.join(context.destinations.folder(request.destination), 'ca-chain');
  const files = [
    { name: 'ca-chain.cert.pem', data: pem },
    { name: 'intermediate.cert.pem', data: certificatePem(intermediate) },
    { name: 'root.cert.pem', data: certificatePem(store.rootCertificate) },
  ];
  return { pem, written: await writeExport(context, folder, files, 'ca-chain', request.force) };
}

/** Re-exports an issued certificate's bundle; the key is not in it, because the store never kept it. */
export async function exportBundleOperation(
  context: OperationContext,
  request: RequestOf<'exportBundle'>,
): Promise<ResponseOf<'exportBundle'>> {
  const session = currentSession(context);
  const record = session.findCertificate(request.serial);
  // The chain of the generation that signed it, which may be retired by now.
  const bundle = await bundleFiles({
    certificate: await session.certificateDer(record),
    ...session.chain(record.issuer),
    journalHead: session.head,
  });
  const folder = path.join(context.destinations.folder(request.destination), bundle.name);
  return writeExport(context, folder, bundle.files, 'bundle', request.force);
}

export async function convertOperation(
  _context: OperationContext,
  request: RequestOf<'convert'>,
): Promise<ResponseOf<'convert'>> {
  return { output: new Uint8Array(convertCertificates(request.input, request.to)) };
}
