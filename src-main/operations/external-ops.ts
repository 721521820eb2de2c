/** An online CA's intermediate, signed by the root from the online CA's request. */
import { rootSourceOf } from './custody-ops';
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { commonNameOf } from '../../shared/validators/distinguished-name';
import { parseCsr } from '../engine/csr';
import { certificatePem } from '../engine/formats/certificates';
import { decodeSingle } from '../engine/formats/input';
import { inspectCertificate } from '../engine/inspect';
import { checkCrlUrl } from '../engine/profiles/intermediate';
import { safeName, type OutputFile } from '../exports/folder';
import { namesOf, reserveFolder, type Reservation } from '../exports/reservation';
import { generationView } from './authority-ops';
import { currentSession, type OperationContext } from './context';
import { writeJournaledExport } from './export-ops';

export async function signExternalIntermediateOperation(
  context: OperationContext,
  request: RequestOf<'signExternalIntermediate'>,
): Promise<ResponseOf<'signExternalIntermediate'>> {
  const parsed = await parseCsr(request.csr);
  const crlUrl = request.crlUrl !== undefined ? checkCrlUrl(request.crlUrl) : undefined;
  const session = currentSession(context);
  const name = safeName(commonNameOf(parsed.subject) ?? 'external-ca');
  const folder = request.destination ? path.join(context.destinations.folder(request.destination), name) : null;
  // The folder is claimed before the root signs: an existing one refuses with nothing signed.
  const reservation: Reservation | null = folder
    ? reserveFolder(folder, request.force ?? false, namesOf(fileNames(name).map((file) => ({ name: file }))))
    : null;
  let signed;
  try {
    signed = await session.signExternalIntermediate(rootSourceOf(request, context), {
      request: parsed,
      requestDer: decodeSingle(request.csr, 'csr'),
      ...(request.days ? { days: request.days } : {}),
      ...(request.purpose ? { purpose: request.purpose } : {}),
      ...(request.nameConstraints ? { nameConstraints: request.nameConstraints } : {}),
      ...(crlUrl ? { crlDistributionUrl: crlUrl } : {}),
    });
  } catch (error) {
    await reservation?.release();
    throw error;
  }
  const record = session.inventory.intermediates.get(signed.serialNumber)!;
  const written = folder
    ? await writeJournaledExport(
        context,
        folder,
        externalFiles(name, signed.der, session.chainRoot()),
        'external-intermediate',
        `The external intermediate ${signed.serialNumber} was signed and journaled`,
        `Write its certificate again with: rootkeeper show ${signed.serialNumber} --pem`,
        request.force ?? false,
      )
    : null;
  return {
    certificate: inspectCertificate(signed.der),
    generation: generationView(session.inventory, record, Date.now()),
    crlUrl: signed.crlDistributionUrl,
    warnings: [...signed.warnings],
    written,
  };
}

/** What the root dialog states before signing: the request read and its signature checked, in an open session. */
export async function inspectCaRequestOperation(
  context: OperationContext,
  request: RequestOf<'inspectCaRequest'>,
): Promise<ResponseOf<'inspectCaRequest'>> {
  currentSession(context);
  return { report: (await parseCsr(request.csr)).report };
}

function fileNames(name: string): [string, string, string, string] {
  return [`${name}.cert.pem`, `${name}.cer`, 'ca-chain.cert.pem', 'root.cert.pem'];
}

/** What the online CA is given: its certificate (PEM and DER), and the chain to the root. */
function externalFiles(name: string, der: Uint8Array, root: Uint8Array): OutputFile[] {
  const [pem, cer, chain, rootPem] = fileNames(name);
  return [
    { name: pem, data: certificatePem(der) },
    { name: cer, data: der },
    { name: chain, data: certificatePem(der) + certificatePem(root) },
    { name: rootPem, data: certificatePem(root) },
  ];
}
