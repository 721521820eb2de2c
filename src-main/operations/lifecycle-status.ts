/**
 * What needs doing, soonest first: CRLs overdue or due within the window
 * (an expired CRL locks every client out), CRLs never published while
 * certificates are out, CAs running out of time, certificates expiring, and
 * no active intermediate.
 */
import type { ResponseOf, RequestOf } from '../../shared/contract';
import type { AttentionItem } from '../../shared/domain/authorities';
import { normaliseSerial } from '../engine/serial';
import { x509 } from '../engine/x509';
import type { CrlState, Inventory } from '../store/inventory';
import { currentSession, type OperationContext } from './context';
import { generationStatus } from './authority-ops';

const DAY = 86_400_000;

export async function lifecycleStatusOperation(
  context: OperationContext,
  request: RequestOf<'lifecycleStatus'>,
): Promise<ResponseOf<'lifecycleStatus'>> {
  const inventory = currentSession(context).inventory;
  const withinDays = request.withinDays ?? 30;
  const now = Date.now();
  const horizon = now + withinDays * DAY;
  const attention: AttentionItem[] = [];
  const root = certificate(inventory.root!.certificate);
  const rootSerial = normaliseSerial(root.serialNumber)!;
  const cas: ResponseOf<'lifecycleStatus'>['cas'] = [
    {
      role: 'root',
      serial: rootSerial,
      subject: root.subject,
      status: 'root',
      notAfter: root.notAfter.toISOString(),
      crlNumber: inventory.crls.root.lastNumber,
      nextUpdate: inventory.crls.root.nextUpdate ?? null,
    },
  ];
  caTime(attention, root.subject, rootSerial, root.notAfter, now, horizon, 'plan a new root and its roll-out');
  const anyIntermediate = inventory.intermediates.size > 0;
  const schedule = inventory.rootSchedule;
  if (schedule?.obsoleteSince)
    attention.push({
      kind: 'crl-schedule-obsolete',
      subject: root.subject,
      serial: rootSerial,
      due: schedule.obsoleteSince,
      action: `The root revoked a CA on ${schedule.obsoleteSince}, after its CRL schedule was signed: discard the rest of that schedule and sign a new one (crl --ca root --schedule).`,
    });
  crlAttention(
    attention,
    root.subject,
    rootSerial,
    inventory.crls.root,
    anyIntermediate,
    now,
    horizon,
    'crl --ca root',
  );

  for (const record of inventory.intermediates.values()) {
    const ca = certificate(record.certificate);
    const status = generationStatus(inventory, record, now);
    cas.push({
      role: 'intermediate',
      serial: record.serial,
      subject: ca.subject,
      status,
      notAfter: ca.notAfter.toISOString(),
      crlNumber: record.crl.lastNumber,
      nextUpdate: record.crl.nextUpdate ?? null,
    });
    if (status === 'revoked' || status === 'expired') continue;
    // An online CA publishes its own CRL; here only its time left matters.
    if (status === 'external') {
      caTime(attention, ca.subject, record.serial, ca.notAfter, now, horizon, 'sign a new one for the online CA');
      continue;
    }
    if (status === 'active')
      caTime(attention, ca.subject, record.serial, ca.notAfter, now, horizon, 'rotate to a new intermediate');
    crlAttention(attention, ca.subject, record.serial, record.crl, record.issued > 0, now, horizon, 'crl --out DIR');
  }
  if (!inventory.intermediate)
    attention.push({
      kind: 'no-active-intermediate',
      subject: root.subject,
      serial: null,
      due: null,
      action: anyIntermediate
        ? 'No intermediate is active: rotate to a new one (intermediate create --rotate) before issuing.'
        : 'No intermediate yet: create one (intermediate create) before issuing.',
    });
  expiringCertificates(attention, inventory, now, horizon);
  attention.sort((a, b) => (a.due ?? '').localeCompare(b.due ?? ''));
  return { withinDays, cas, attention };
}

function crlAttention(
  attention: AttentionItem[],
  subject: string,
  serial: string,
  crl: CrlState,
  needed: boolean,
  now: number,
  horizon: number,
  command: string,
): void {
  if (!crl.nextUpdate) {
    if (needed)
      attention.push({
        kind: 'crl-never-published',
        subject,
        serial,
        due: null,
        action: `Its CRL was never published, yet it has issued: publish it (${command}).`,
      });
    return;
  }
  const next = Date.parse(crl.nextUpdate);
  if (next < now)
    attention.push({
      kind: 'crl-overdue',
      subject,
      serial,
      due: crl.nextUpdate,
      action: `Its CRL has expired: clients refuse its certificates. Publish a new one now (${command}).`,
    });
  else if (next <= horizon)
    attention.push({
      kind: 'crl-due',
      subject,
      serial,
      due: crl.nextUpdate,
      action: `Publish its next CRL before ${crl.nextUpdate} (${command}).`,
    });
}

function caTime(
  attention: AttentionItem[],
  subject: string,
  serial: string,
  notAfter: Date,
  now: number,
  horizon: number,
  action: string,
): void {
  const due = notAfter.toISOString();
  if (notAfter.getTime() < now)
    attention.push({ kind: 'ca-expired', subject, serial, due, action: `It has expired: ${action}.` });
  else if (notAfter.getTime() <= horizon)
    attention.push({ kind: 'ca-expiring', subject, serial, due, action: `It expires on ${due}: ${action}.` });
}

function expiringCertificates(attention: AttentionItem[], inventory: Inventory, now: number, horizon: number): void {
  for (const record of inventory.certificates.values()) {
    if (record.revocation) continue;
    const notAfter = Date.parse(record.notAfter);
    if (notAfter < now || notAfter > horizon) continue;
    attention.push({
      kind: 'certificate-expiring',
      subject: record.subject,
      serial: record.serial,
      due: record.notAfter,
      action: `It expires on ${record.notAfter}: renew it (renew ${record.serial}).`,
    });
  }
}

function certificate(base64: string): x509.X509Certificate {
  return new x509.X509Certificate(Buffer.from(base64, 'base64'));
}
