/** Exports: the root trust kit and the chain (no passphrase needed), a certificate's bundle, conversions. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { rejected } from '../../shared/errors';
import { certificatePem, convertCertificates } from '../engine/formats/certificates';
import { bundleFiles } from '../exports/bundle';
import { writeExportFolder } from '../exports/folder';
import { trustKitFiles } from '../exports/trust-kit';
import { ClosedStore } from '../store/store';
import { currentSession, type OperationContext } from './context';

/** The trust kit is public: it is written from the store file's clear copy of the root, without unlocking. */
export async function exportRootOperation(
  context: OperationContext,
  request: RequestOf<'exportRoot'>,
): Promise<ResponseOf<'exportRoot'>> {
  const store = await ClosedStore.open(context.storeDir, context.environment);
  const folder = context.destinations.folder(request.destination);
  const written = await writeExportFolder(folder, await trustKitFiles({ root: store.rootCertificate }), {
    force: request.force ?? false,
  });
  await context.sessions.current?.note([
    {
      type: 'export-written',
      at: new Date().toISOString(),
      kind: 'root-trust-kit',
      folder,
      files: written.files.map(({ name, sha256 }) => ({ name, sha256 })),
    },
  ]);
  return { folder: written.folder, files: [...written.files] };
}

export async function exportChainOperation(context: OperationContext): Promise<ResponseOf<'exportChain'>> {
  const store = await ClosedStore.open(context.storeDir, context.environment);
  const intermediate = store.intermediateCertificate;
  if (!intermediate) throw rejected('policy', 'There is no intermediate CA yet: the chain would be the root alone.');
  return { pem: certificatePem(intermediate) + certificatePem(store.rootCertificate) };
}

/** Re-exports an issued certificate's bundle; the key is not in it, because the store never kept it. */
export async function exportBundleOperation(
  context: OperationContext,
  request: RequestOf<'exportBundle'>,
): Promise<ResponseOf<'exportBundle'>> {
  const session = currentSession(context);
  const record = session.findCertificate(request.serial);
  const bundle = await bundleFiles({ certificate: Buffer.from(record.certificate, 'base64'), ...session.chain() });
  const folder = path.join(context.destinations.folder(request.destination), bundle.name);
  const written = await writeExportFolder(folder, bundle.files, { force: request.force ?? false });
  await session.note([
    {
      type: 'export-written',
      at: new Date().toISOString(),
      kind: 'bundle',
      folder,
      files: written.files.map(({ name, sha256 }) => ({ name, sha256 })),
    },
  ]);
  return { folder: written.folder, files: [...written.files] };
}

export async function convertOperation(
  _context: OperationContext,
  request: RequestOf<'convert'>,
): Promise<ResponseOf<'convert'>> {
  return { output: new Uint8Array(convertCertificates(request.input, request.to)) };
}
