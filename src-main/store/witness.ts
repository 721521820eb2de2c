/**
 * The witness: one small per-user file, outside every store, that the app
 * and the CLI alike move forward after every successful write — for each
 * store id, the journal's sequence and chain hash as last seen. A store whose
 * journal is older than that (a whole folder put back from an earlier copy)
 * no longer opens silently: "this store was rolled back to record N; the
 * last seen was record M". It cannot catch a rollback of the whole laptop,
 * the witness with it (docs/vault.md).
 *
 * Scratch copies (a backup being verified) never read or move it. Going
 * back on purpose moves it back: `restore`, or `audit accept-rollback`.
 */
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import type { JournalHead } from '../../shared/domain/journal';
import { RootkeeperError } from '../../shared/errors';
import { writeFileAtomic } from './atomic-write';

export const WITNESS_FILE = 'witness.json';
/** A witness is a few hundred bytes per store; anything far larger is not one. */
const MAX_WITNESS_BYTES = 1024 * 1024;

/** The per-user configuration folder each platform expects (the list; Linux honours XDG_CONFIG_HOME). */
export function witnessPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'win32')
    return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'rootkeeper', WITNESS_FILE);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'rootkeeper', WITNESS_FILE);
  const config =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(config, 'rootkeeper', WITNESS_FILE);
}

const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const EntrySchema = v.strictObject({
  sequence: v.pipe(v.number(), v.integer(), v.minValue(0)),
  chainHash: Hex64,
  at: v.pipe(v.string(), v.isoTimestamp()),
});
const WitnessSchema = v.strictObject({
  format: v.literal('rootkeeper-witness'),
  version: v.literal(1),
  stores: v.record(v.pipe(v.string(), v.uuid()), EntrySchema),
});

export type WitnessEntry = v.InferOutput<typeof EntrySchema>;
type WitnessFile = v.InferOutput<typeof WitnessSchema>;

export class Witness {
  constructor(readonly file: string) {}

  /** The user's witness, at the platform's path. */
  static forUser(env: NodeJS.ProcessEnv = process.env): Witness {
    return new Witness(witnessPath(env));
  }

  /** What was last seen of `storeId`, or null. An unreadable witness file reads as empty (docs/vault.md). */
  async read(storeId: string): Promise<WitnessEntry | null> {
    return (await this.load()).stores[storeId] ?? null;
  }

  /**
   * Moves the witness to `head`: forward only, unless `back` (a restore or
   * an accepted rollback). Best effort: a witness that cannot be written
   * (a read-only home) must not turn a completed operation into a failure.
   */
  async record(storeId: string, head: JournalHead, options: { back?: boolean } = {}): Promise<void> {
    try {
      const witness = await this.load();
      const seen = witness.stores[storeId];
      if (seen && !options.back && seen.sequence > head.sequence) return;
      if (seen?.sequence === head.sequence && seen.chainHash === head.chainHash) return;
      witness.stores[storeId] = { sequence: head.sequence, chainHash: head.chainHash, at: new Date().toISOString() };
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, `${JSON.stringify(witness)}\n`);
    } catch {
      // The store is the record; the witness is a second line of defence.
    }
  }

  private async load(): Promise<WitnessFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return empty();
    }
    if (text.length > MAX_WITNESS_BYTES) return empty();
    try {
      const parsed = v.safeParse(WitnessSchema, JSON.parse(text));
      return parsed.success ? parsed.output : empty();
    } catch {
      return empty();
    }
  }
}

function empty(): WitnessFile {
  return { format: 'rootkeeper-witness', version: 1, stores: {} };
}

/** The refusal when a store's journal is behind (or beside) what the witness saw. */
export function witnessRollback(sequence: number, seen: WitnessEntry, rewritten: boolean): RootkeeperError {
  const what = rewritten
    ? `this store was rolled back and written again: the last seen was record ${seen.sequence}, and this journal's record ${seen.sequence} is another one (it now ends at record ${sequence})`
    : `this store was rolled back to record ${sequence}; the last seen was record ${seen.sequence}`;
  return new RootkeeperError(
    'STORE_DAMAGED',
    `${capitalised(what)}. Nothing was written. If this older copy is wanted on purpose, run "rootkeeper audit accept-rollback" (it needs the operator passphrase and the root — its passphrase, a quorum of its shares or its token — and is journaled).`,
  );
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
