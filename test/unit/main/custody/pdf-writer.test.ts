/**
 * The PDF writer behind share cards and ceremony records: text that made
 * Inter's contextual alternates (calt) ask fontkit for a glyph past the
 * unicode-range font file's table — every card or record with such a name
 * failed — now prints, and pdftotext reads it back.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PdfWriter } from '../../../../src-main/custody/pdf';
import { run } from '../../../support/run';
import { makeTempDir } from '../../../support/temp-dir';

// Found by printing random Latin and Cyrillic strings: each failed with "Trying to access beyond buffer length".
const ONCE_FAILING = ['9Г9øæTI(ß:qdХ/rIg::cH1-', '4kådDрèQxХJöfkeT.пz)K--HpEDEbt:CiKeеjSfqoépeZс6XGu-'];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('rootkeeper-pdf-writer-'));
});
afterAll(() => cleanup());

describe('PdfWriter', () => {
  it.each(ONCE_FAILING)('prints %s in the regular and the monospaced face', async (text) => {
    const writer = await PdfWriter.create('Calt', text);
    writer.text(text);
    writer.text(text, { face: 'mono' });
    const file = path.join(dir, `${ONCE_FAILING.indexOf(text)}.pdf`);
    await writeFile(file, await writer.save());
    const read = run('pdftotext', [file, '-']);
    expect(read.status, read.stderr).toBe(0);
    expect(read.stdout).toContain(text);
  });
});
