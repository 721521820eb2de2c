/**
 * The app's own settings, kept beside the default store in the user-data
 * folder: today only where the store lives, when the officer chose a folder
 * of their own (a USB stick, say). Nothing secret is ever written here.
 */
import path from 'node:path';
import * as v from 'valibot';
import { writeFileAtomic } from './store/atomic-write';
import { readBounded } from './store/bounded-read';

const SettingsSchema = v.object({ storeDir: v.optional(v.pipe(v.string(), v.minLength(1))) });
export type Settings = v.InferOutput<typeof SettingsSchema>;

export const SETTINGS_FILE = 'rootkeeper-settings.json';

/** The settings, or none when the file is missing or unreadable: the default store is always a safe answer. */
export async function readSettings(file: string, log: { error(message: string): void }): Promise<Settings> {
  let text: string;
  try {
    // A few hundred bytes; never read through a link (it is written without following one).
    text = (await readBounded(file, { maxBytes: 64 * 1024, noFollow: true })).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.error(`settings unreadable (${(error as Error).name})`);
    return {};
  }
  try {
    const parsed = v.safeParse(SettingsSchema, JSON.parse(text));
    if (parsed.success && (!parsed.output.storeDir || path.isAbsolute(parsed.output.storeDir))) return parsed.output;
  } catch {
    // reported below
  }
  log.error('settings file malformed; using the default store folder');
  return {};
}

export async function writeSettings(file: string, settings: Settings): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`);
}
