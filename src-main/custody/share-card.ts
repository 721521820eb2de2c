/**
 * The printable share card (share-K-<custodian>.pdf): the custodian, the
 * store and its root fingerprint, M-of-N, the words in numbered lines of
 * four, a QR code of the share, the date, and lines to sign.
 */
import { encodeShare, groupWords, type Share } from './share-codec';
import { BEGIN_SEALED, END_SEALED, type ShareFacts } from './share-file';

const QR_SIZE = 150;

/**
 * `sealedText` is the PIN-protected file's text when the custodian chose a
 * PIN: the card then carries the sealed block, never the words.
 */
export async function shareCard(share: Share, facts: ShareFacts, sealedText?: string): Promise<Uint8Array> {
  // Loaded on first use: pdf-lib, fontkit and the QR encoder were a third of every CLI command's start-up.
  const { PdfWriter } = await import('./pdf');
  const pdf = await PdfWriter.create(
    `Root key share ${share.index} of ${share.total} — ${facts.custodian}`,
    `${facts.custodian} ${facts.storeName} —’`,
  );
  pdf.text('Rootkeeper root key share', { size: 18, face: 'bold' });
  pdf.text(
    `Share ${share.index} of ${share.total} — any ${share.threshold} of the ${share.total} shares rebuild the root key`,
    {
      size: 11,
    },
  );
  pdf.gap(10);
  const top = pdf.cursor.y;
  const column = pdf.width - QR_SIZE - 10;
  pdf.field('Custodian', facts.custodian);
  pdf.field('Store', facts.storeName);
  pdf.field('Store id', facts.storeId, 'mono', 9);
  pdf.field('Share set', share.setId, 'mono', 9);
  pdf.field('Made', facts.madeAt);
  const body = sealedText ? sealedBlock(sealedText) : encodeShare(share).join(' ');
  pdf.qr(body, pdf.cursor.x + column + 10, top, QR_SIZE);
  pdf.moveTo(Math.min(pdf.cursor.y, top - QR_SIZE));
  pdf.gap(6);
  pdf.text('Root certificate SHA-256', { size: 10, face: 'bold' });
  for (const line of fingerprintLines(facts.rootSha256)) pdf.text(line, { size: 9, face: 'mono' });
  pdf.gap(10);
  if (sealedText) {
    pdf.text('PIN-protected share: the words are sealed under the custodian’s PIN (argon2id).', {
      size: 10,
      face: 'bold',
    });
    for (const line of sealedText
      .slice(sealedText.indexOf(BEGIN_SEALED), sealedText.indexOf(END_SEALED) + END_SEALED.length)
      .split('\n'))
      pdf.text(line, { size: 7.5, face: 'mono' });
  } else {
    pdf.text('The share — read each word aloud to the witness, then type it exactly:', { size: 10, face: 'bold' });
    pdf.gap(4);
    for (const line of groupWords(encodeShare(share))) pdf.text(line, { size: 13, face: 'mono', indent: 20 });
  }
  pdf.gap(10);
  pdf.text(
    `Keep this card sealed and apart from the other shares. Anyone holding ${share.threshold} shares can use the root key; one share alone reveals nothing about it.`,
    { size: 9 },
  );
  pdf.signatureLine(`Custodian: ${facts.custodian}`);
  pdf.signatureLine('Witness');
  pdf.signatureLine('Ceremony administrator');
  return pdf.save();
}

/** The sealed block alone, for the QR code. */
function sealedBlock(text: string): string {
  return text.slice(text.indexOf(BEGIN_SEALED), text.indexOf(END_SEALED) + END_SEALED.length);
}

/** The 32 bytes in two lines of sixteen, as the ceremony screen shows them. */
export function fingerprintLines(fingerprint: string): string[] {
  const bytes = fingerprint.split(':');
  return [bytes.slice(0, 16).join(':'), bytes.slice(16).join(':')].filter((line) => line);
}
