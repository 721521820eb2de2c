/**
 * The source of an import is only ever read: every file goes through here,
 * opened read-only with the same bounded, type-checked read the rest of the
 * CLI uses (store/bounded-read.ts: a FIFO, a device or a folder where a file
 * is expected, or a file over the cap, is refused at once by its type and
 * size, before a byte is read), and its SHA-256 is kept for the journal's
 * import event.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { kindOf, readBounded } from '../store/bounded-read';

export interface SourceFileHash {
  /** Relative to the source folder when inside it, else absolute. */
  readonly path: string;
  readonly sha256: string;
}

/** Files past this are not part of a CA folder (a CRL of 100,000 entries is a few megabytes). */
export const MAX_SOURCE_FILE_BYTES = 64 * 1024 * 1024;

export class SourceFiles {
  private readonly hashes = new Map<string, string>();

  constructor(readonly base: string) {}

  /** The name the report and the journal use for a file. */
  name(file: string): string {
    const relative = path.relative(this.base, file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  }

  /**
   * Whether something is at `file`. Anything that is there counts, whatever
   * it is: a FIFO or a folder named index.txt is then refused by `read` for
   * what it is, rather than passed over as missing.
   */
  async exists(file: string): Promise<boolean> {
    try {
      await stat(file);
      return true;
    } catch {
      return false;
    }
  }

  async isFolder(folder: string): Promise<boolean> {
    try {
      return (await stat(folder)).isDirectory();
    } catch {
      return false;
    }
  }

  /** Entries directly in `folder` that are not folders (so a FIFO among them is refused when read), sorted. */
  async list(folder: string): Promise<string[]> {
    if (!(await this.isFolder(folder))) return [];
    const entries = await readdir(folder, { withFileTypes: true });
    const out: string[] = [];
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() || (entry.isSymbolicLink() && (await this.isFolder(full)))) continue;
      out.push(full);
    }
    return out.sort();
  }

  async read(file: string): Promise<Buffer> {
    const bytes = await readBounded(file, { maxBytes: MAX_SOURCE_FILE_BYTES, shown: this.name(file) });
    this.hashes.set(this.name(file), createHash('sha256').update(bytes).digest('hex'));
    return bytes;
  }

  async readText(file: string): Promise<string> {
    return (await this.read(file)).toString('utf8');
  }

  /** Every file read so far, with its SHA-256, in name order. */
  hashed(): SourceFileHash[] {
    return [...this.hashes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, sha256]) => ({ path: name, sha256 }));
  }
}

/** A source folder given by the officer: it must be there and be a folder (checked before any prompt). */
export async function checkSourceFolder(folder: string, shown: string): Promise<void> {
  let info;
  try {
    info = await stat(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw rejected('not-found', `${shown}: there is no such folder.`);
    throw error;
  }
  if (!info.isDirectory()) throw rejected('wrong-kind', `${shown}: this is ${kindOf(info)}, not a folder.`);
}
