/** The ceremony record as a printable page: every step, then a line to sign for each person present. */
import type { CeremonyRecord } from './ceremony-record';
import { fingerprintLines } from './share-card';

const TITLES: Readonly<Record<CeremonyRecord['operation'], string>> = {
  init: 'Root key ceremony: a new store and its root',
  'intermediate-create': 'Root key ceremony: the root signs an intermediate CA',
  'intermediate-rotate': 'Root key ceremony: the root signs a new intermediate CA generation (rotation)',
  'root-crl': 'Root key ceremony: the root signs its CRL',
  'root-crl-schedule': 'Root key ceremony: the root signs its CRLs ahead (a schedule)',
  'intermediate-revoke': 'Root key ceremony: the root revokes an intermediate CA and signs its CRL',
  'custody-split': 'Root key ceremony: the root is put in the custody of shareholders',
  'custody-reshare': 'Root key ceremony: the root’s shares are issued anew',
};

export async function ceremonyPdf(record: CeremonyRecord, jsonFile: string): Promise<Uint8Array> {
  const names = [
    record.store.rootSubject,
    ...record.witnesses,
    ...record.custodiansPresent.map((c) => c.name),
    ...record.steps.map((s) => s.step),
  ];
  // Loaded on first use: pdf-lib, fontkit and the QR encoder were a third of every CLI command's start-up.
  const { PdfWriter } = await import('./pdf');
  const pdf = await PdfWriter.create(TITLES[record.operation], names.join(' '));
  pdf.text(TITLES[record.operation], { size: 16, face: 'bold' });
  pdf.gap(6);
  pdf.field('Record', jsonFile, 'mono', 9);
  pdf.field('Started', record.startedAt);
  pdf.field('Finished', record.finishedAt);
  pdf.field('Root', record.store.rootSubject);
  pdf.field('Store id', record.store.id, 'mono', 9);
  pdf.field(
    'Custody',
    record.custody
      ? `${record.custody.threshold} of ${record.custody.total} shares (set ${record.custody.setId})`
      : 'root passphrase',
  );
  pdf.field(
    'App',
    `Rootkeeper ${record.app.version}; ${record.app.codeFile} SHA-256 ${record.app.codeSha256}`,
    'regular',
    9,
  );
  pdf.field('Machine', `${record.machine.hostname} (${record.machine.os})`);
  pdf.field(
    'Journal before',
    record.journal.before ? `${record.journal.before.sequence} ${record.journal.before.chainHash}` : 'none (new store)',
    'mono',
    8,
  );
  pdf.field('Journal after', `${record.journal.after.sequence} ${record.journal.after.chainHash}`, 'mono', 8);
  pdf.gap(4);
  pdf.text('Root certificate SHA-256 — read it aloud; each witness compares it with the paper log', {
    size: 10,
    face: 'bold',
  });
  for (const line of fingerprintLines(record.store.rootSha256)) pdf.text(line, { size: 9, face: 'mono' });
  pdf.gap(8);
  pdf.text('Steps', { size: 12, face: 'bold' });
  for (const step of record.steps) pdf.text(`${step.at}  ${step.step}`, { size: 9 });
  pdf.gap(8);
  pdf.text('Signature', { size: 12, face: 'bold' });
  pdf.text(`The JSON record is signed by the root key itself. Verify it with:\n${record.signature.verify}`, {
    size: 9,
  });
  pdf.gap(8);
  pdf.text('Present', { size: 12, face: 'bold' });
  for (const custodian of record.custodiansPresent)
    pdf.signatureLine(`Custodian, share ${custodian.index}: ${custodian.name}`);
  for (const witness of record.witnesses) pdf.signatureLine(`Witness: ${witness}`);
  pdf.signatureLine('Ceremony administrator');
  return pdf.save();
}
