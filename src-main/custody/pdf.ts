/**
 * A small page writer over pdf-lib for the share cards and the ceremony
 * record: text in the app's bundled fonts (Inter, JetBrains Mono) embedded
 * through fontkit, so any custodian's or witness's name prints. Fontsource
 * ships Inter in script subsets; only the subsets the document's text needs
 * are embedded (each embedded font costs a subsetting pass when saved), and
 * each run of text is drawn in the first subset that has its glyphs.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';

const SUBSETS = ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext', 'vietnamese'] as const;
type Subset = (typeof SUBSETS)[number];
const PAGE = { width: 595.28, height: 841.89 } as const;
const MARGIN = 56;

type Face = 'regular' | 'bold' | 'mono';

interface FontFamily {
  readonly fonts: readonly PDFFont[];
  readonly coverage: readonly Set<number>[];
}

const requireHere = createRequire(import.meta.url);

function packageDir(pkg: string): string {
  return path.dirname(requireHere.resolve(`${pkg}/package.json`));
}

function fontFile(pkg: string, file: string): string {
  return path.join(packageDir(pkg), 'files', file);
}

/** The subsets whose unicode-range (from the package's unicode.json) covers a character of `text`, latin first. */
async function subsetsFor(pkg: string, text: string): Promise<Subset[]> {
  const ranges = JSON.parse(await readFile(path.join(packageDir(pkg), 'unicode.json'), 'utf8')) as Record<
    string,
    string
  >;
  const codes = new Set([...text].map((char) => char.codePointAt(0)!));
  const covers = (range: string) =>
    range.split(',').some((part) => {
      const [low, high] = part
        .replace(/U\+/g, '')
        .split('-')
        .map((hex) => parseInt(hex, 16));
      for (const code of codes) if (code >= low! && code <= (high ?? low)!) return true;
      return false;
    });
  return SUBSETS.filter((subset) => subset === 'latin' || (ranges[subset] !== undefined && covers(ranges[subset])));
}

/**
 * Contextual alternates and ligatures off. Fontsource's unicode-range files
 * keep Inter's `calt` lookups for glyphs another range holds: laying out
 * text such as "9Г9øæ…::…" then asks fontkit for a glyph past the file's
 * table and the whole card or record fails (about 2% of random Latin and
 * Cyrillic names). A record reads better in plain glyphs anyway.
 */
const PLAIN_GLYPHS = { calt: false, liga: false, clig: false, dlig: false };

async function embedFamily(
  doc: PDFDocument,
  pkg: string,
  name: string,
  weight: number,
  text: string,
): Promise<FontFamily> {
  const subsets = await subsetsFor(pkg, text);
  const fonts = await Promise.all(
    subsets.map(async (subset) =>
      doc.embedFont(await readFile(fontFile(pkg, `${name}-${subset}-${weight}-normal.woff`)), {
        subset: true,
        features: PLAIN_GLYPHS,
      }),
    ),
  );
  return { fonts, coverage: fonts.map((font) => new Set(font.getCharacterSet())) };
}

/** Splits text into runs, each in the first font of the family that has every glyph of the run. */
function runs(family: FontFamily, text: string): { font: PDFFont; text: string }[] {
  const result: { font: PDFFont; text: string }[] = [];
  for (const char of text.normalize('NFC')) {
    const code = char.codePointAt(0)!;
    let index = family.coverage.findIndex((set) => set.has(code));
    let shown = char;
    if (index < 0) {
      // No bundled subset draws it (CJK, say): a visible mark rather than a silent gap.
      index = 0;
      shown = '?';
    }
    const font = family.fonts[index]!;
    const last = result.at(-1);
    if (last && last.font === font) last.text += shown;
    else result.push({ font, text: shown });
  }
  return result;
}

export class PdfWriter {
  private page!: PDFPage;
  private y = 0;

  private constructor(
    readonly doc: PDFDocument,
    private readonly families: Record<Face, FontFamily>,
  ) {
    this.newPage();
  }

  /** `text` is every string the document will print that did not come from this code (names, subjects). */
  static async create(title: string, text: string): Promise<PdfWriter> {
    const doc = await PDFDocument.create();
    doc.registerFontkit(fontkit);
    doc.setTitle(title);
    doc.setProducer('Rootkeeper');
    doc.setCreator('Rootkeeper');
    const [regular, bold, mono] = await Promise.all([
      embedFamily(doc, '@fontsource/inter', 'inter', 400, text),
      embedFamily(doc, '@fontsource/inter', 'inter', 600, text),
      embedFamily(doc, '@fontsource/jetbrains-mono', 'jetbrains-mono', 400, text),
    ]);
    return new PdfWriter(doc, { regular, bold, mono });
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN;
  }

  get width(): number {
    return PAGE.width - 2 * MARGIN;
  }

  /** Room for `height` points on this page, or a new page. */
  private room(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  textWidth(text: string, size: number, face: Face = 'regular'): number {
    return runs(this.families[face], text).reduce((sum, run) => sum + run.font.widthOfTextAtSize(run.text, size), 0);
  }

  /** Draws one line at (x, y) without moving the cursor. */
  drawAt(text: string, x: number, y: number, size: number, face: Face = 'regular'): void {
    let at = x;
    for (const run of runs(this.families[face], text)) {
      this.page.drawText(run.text, { x: at, y, size, font: run.font, color: rgb(0, 0, 0) });
      at += run.font.widthOfTextAtSize(run.text, size);
    }
  }

  /** A paragraph, wrapped at word boundaries to `width`. */
  text(text: string, options: { size?: number; face?: Face; indent?: number; width?: number } = {}): void {
    const size = options.size ?? 10;
    const face = options.face ?? 'regular';
    const indent = options.indent ?? 0;
    const width = (options.width ?? this.width) - indent;
    for (const line of this.wrap(text, size, face, width)) {
      this.room(size * 1.4);
      this.y -= size * 1.4;
      this.drawAt(line, MARGIN + indent, this.y, size, face);
    }
  }

  /** "Label: value" with the value wrapped beside the label. */
  field(label: string, value: string, face: Face = 'regular', size = 10): void {
    const labelWidth = 110;
    const lines = this.wrap(value, size, face, this.width - labelWidth);
    lines.forEach((line, index) => {
      this.room(size * 1.5);
      this.y -= size * 1.5;
      if (index === 0) this.drawAt(label, MARGIN, this.y, size, 'bold');
      this.drawAt(line, MARGIN + labelWidth, this.y, size, face);
    });
  }

  gap(points = 8): void {
    this.y -= points;
  }

  /** A line to sign on, with what it is for beneath. */
  signatureLine(label: string): void {
    this.room(44);
    this.y -= 34;
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: MARGIN + 260, y: this.y },
      thickness: 0.6,
      color: rgb(0, 0, 0),
    });
    this.page.drawLine({
      start: { x: MARGIN + 300, y: this.y },
      end: { x: MARGIN + this.width, y: this.y },
      thickness: 0.6,
      color: rgb(0, 0, 0),
    });
    this.drawAt(label, MARGIN, this.y - 11, 8);
    this.drawAt('Date and time (UTC)', MARGIN + 300, this.y - 11, 8);
    this.y -= 12;
  }

  /** A QR code of `text`, `size` points wide, its top-left corner at (x, top) on the current page. */
  qr(text: string, x: number, top: number, size: number): void {
    const code = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const count = code.modules.size;
    const quiet = 4;
    const cell = size / (count + 2 * quiet);
    for (let row = 0; row < count; row += 1) {
      for (let column = 0; column < count; column += 1) {
        if (!code.modules.get(row, column)) continue;
        this.page.drawRectangle({
          x: x + (column + quiet) * cell,
          y: top - (row + quiet + 1) * cell,
          width: cell,
          height: cell,
          color: rgb(0, 0, 0),
        });
      }
    }
  }

  /** The cursor's height from the bottom of the page, and the left margin. */
  get cursor(): { x: number; y: number } {
    return { x: MARGIN, y: this.y };
  }

  moveTo(y: number): void {
    this.y = y;
  }

  async save(): Promise<Uint8Array> {
    return this.doc.save({ useObjectStreams: false });
  }

  private wrap(text: string, size: number, face: Face, width: number): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const word of paragraph.split(' ')) {
        const candidate = line ? `${line} ${word}` : word;
        if (line && this.textWidth(candidate, size, face) > width) {
          lines.push(line);
          line = word;
        } else line = candidate;
      }
      lines.push(line);
    }
    return lines;
  }
}
