/**
 * The source of an import is only ever read: every file goes through here,
 * opened read-only, and its SHA-256 is kept for the journal's import event.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface SourceFileHash {
  /** Relative to the source folder when inside it, else absolute. */
  readonly path: string;
  readonly sha256: string;
}

/** Files past this are not part of a CA folder (a CRL of 100,000 entries is a few megabytes). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class SourceFiles {
  private readonly hashes = new Map<string, string>();

  constructor(readonly base: string) {}

  /** The name the report and the journal use for a file. */
  name(file: string): string {
    const relative = path.relative(this.base, file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  }

  async exists(file: string): Promise<boolean> {
    try {
      return (await stat(file)).isFile();
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

  /** Files (not folders) directly in `folder`, sorted; none when it does not exist. */
  async list(folder: string): Promise<string[]> {
    if (!(await this.isFolder(folder))) return [];
    const entries = await readdir(folder, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(folder, entry.name))
      .sort();
  }

  async read(file: string): Promise<Buffer> {
    const info = await stat(file);
    if (info.size > MAX_FILE_BYTES)
      throw new Error(`${this.name(file)} is ${info.size} bytes, too large for a CA file`);
    const bytes = await readFile(file, { flag: 'r' });
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
