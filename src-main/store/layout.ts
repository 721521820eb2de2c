/** The files of a store folder. Everything but the certificates is encrypted (docs/vault.md). */
export { STORE_MARKER_FILE as STORE_FILE } from './folder';
export const JOURNAL_FILE = 'journal.rkj';
export const JOURNAL_HEAD_FILE = 'journal-head.json';
export const INTERMEDIATE_KEY_FILE = 'intermediate-key.json';
export const PENDING_KEY_FILE = 'pending-intermediate-key.json';
export { LOCK_FILE } from './lock';

/** Every file a store may hold (the lock aside): what a backup carries and a restore writes back. */
export const STORE_FILES = [
  'rootkeeper-store.json',
  JOURNAL_FILE,
  JOURNAL_HEAD_FILE,
  INTERMEDIATE_KEY_FILE,
  PENDING_KEY_FILE,
] as const;

/** The key file of one intermediate generation: a name no other generation uses, so a rotation overwrites nothing. */
export function generationKeyFile(serial: string): string {
  return `intermediate-key-${serial}.json`;
}

const GENERATION_KEY_FILE = /^intermediate-key-[0-9a-f]{1,40}\.json$/;

/** Whether a file name is one a store holds: the fixed ones and the generations' key files. */
export function isStoreFile(name: string): boolean {
  return (STORE_FILES as readonly string[]).includes(name) || GENERATION_KEY_FILE.test(name);
}
