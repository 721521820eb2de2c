/** The intermediate CA: created by the root here, or requested for a root elsewhere and imported. */
import path from 'node:path';
import type { RequestOf, ResponseOf } from '../../shared/contract';
import { rejected } from '../../shared/errors';
import { validateChain } from '../engine/chain';
import { decodeSingle } from '../engine/formats/input';
import { inspectCertificate } from '../engine/inspect';
import { parseSubject } from '../engine/names';
import { x509 } from '../engine/x509';
import { currentSession, type OperationContext } from './context';
import { writeExport } from './export-ops';
import { ceremonyFor, modulePathOf, recordOf, rootSourceOf } from './custody-ops';

export async function createIntermediateOperation(
  context: OperationContext,
  request: RequestOf<'createIntermediate'>,
  version = '',
): Promise<ResponseOf<'createIntermediate'>> {
  const operation = request.rotate ? 'intermediate-rotate' : 'intermediate-create';
  const ceremony = ceremonyFor(context, request, operation, version);
  const issued = await currentSession(context).createIntermediate(
    rootSourceOf(request, context),
    {
      subject: parseSubject(request.subject),
      ...(request.key ? { key: request.key } : {}),
      ...(request.days ? { days: request.days } : {}),
      ...(request.purpose ? { purpose: request.purpose } : {}),
      ...(request.nameConstraints ? { nameConstraints: request.nameConstraints } : {}),
      ...(request.crlUrl ? { crlDistributionUrl: request.crlUrl } : {}),
      ...(request.issuedCrlUrl ? { issuedCrlUrl: request.issuedCrlUrl } : {}),
      ...(request.issuedAiaUrl ? { issuedAiaUrl: request.issuedAiaUrl } : {}),
      ...(request.rotate ? { rotate: true } : {}),
      ...(request.intermediateToken ? { token: intermediateTokenPlan(context, request.intermediateToken) } : {}),
    },
    ceremony,
  );
  return {
    certificate: inspectCertificate(issued.der),
    warnings: [...issued.warnings],
    ...recordOf(ceremony),
  };
}

function intermediateTokenPlan(
  context: OperationContext,
  plan: NonNullable<RequestOf<'createIntermediate'>['intermediateToken']>,
) {
  return {
    modulePath: modulePathOf(context, plan.module),
    serial: plan.serial,
    pin: plan.pin,
    ...(plan.keyId !== undefined ? { keyId: plan.keyId } : {}),
    ...(plan.useExistingKey ? { existing: true } : {}),
  };
}

export async function requestIntermediateOperation(
  context: OperationContext,
  request: RequestOf<'requestIntermediate'>,
): Promise<ResponseOf<'requestIntermediate'>> {
  const subject = parseSubject(request.subject);
  const csr = await currentSession(context).requestIntermediate(subject, request.key, {
    ...(request.issuedCrlUrl ? { issuedCrlUrl: request.issuedCrlUrl } : {}),
    ...(request.issuedAiaUrl ? { issuedAiaUrl: request.issuedAiaUrl } : {}),
    ...(request.rotate ? { rotate: true } : {}),
  });
  const pem = `${x509.PemConverter.encode(Buffer.from(csr), 'CERTIFICATE REQUEST')}\n`;
  const written = request.destination
    ? await writeExport(
        context,
        path.join(context.destinations.folder(request.destination), 'intermediate-request'),
        [{ name: 'intermediate.csr.pem', data: pem }],
        'intermediate-request',
      )
    : null;
  return { csrPem: pem, subject: new x509.Pkcs10CertificateRequest(Buffer.from(csr)).subject, written };
}

/** The certificate must certify the pending key, be a CA, and chain to this store's root. */
export async function importIntermediateOperation(
  context: OperationContext,
  request: RequestOf<'importIntermediate'>,
): Promise<ResponseOf<'importIntermediate'>> {
  const der = decodeSingle(request.certificate, 'certificate');
  const session = currentSession(context);
  await session.importIntermediate(
    der,
    async (certificate) => {
      const root = new x509.X509Certificate(Buffer.from(session.chainRoot()));
      const result = await validateChain({ root, intermediates: [], leaf: certificate, lastIsCa: true });
      if (!result.valid) {
        const [problem] = result.problems;
        throw rejected('policy', `This intermediate does not chain to the store's root: ${problem!.message}.`);
      }
    },
    request.rotate ? { rotate: true } : {},
  );
  return { certificate: inspectCertificate(der), warnings: [] };
}
