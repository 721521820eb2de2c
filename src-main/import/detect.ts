/**
 * A folder of unknown kind, read as what it is (the GUI's "Import an existing
 * CA…" and its drop target), and the source keys' passphrases matched to the
 * keys they open, so the officer need not say which is which.
 */
import { RootkeeperError } from '../../shared/errors';
import type { SourceDescription } from './description';
import { readEasyRsaSource } from './easy-rsa';
import { readFilesSource } from './files';
import { openSourceKey } from './keys';
import { detectSourceKind, readMkcertSource } from './mkcert';
import { readOpensslSource } from './openssl';
import type { KeyPassphrases } from './verify';

export async function readAnySource(folder: string, passphrases: readonly string[]): Promise<SourceDescription> {
  switch (await detectSourceKind(folder)) {
    case 'mkcert':
      return readMkcertSource(folder);
    case 'easy-rsa':
      return readEasyRsaSource(folder);
    case 'openssl':
      return readOpensslSource({ rootDir: folder });
    case null:
      return readFilesSource([folder], passphrases, folder);
  }
}

/** For each CA key, the first passphrase that opens it (or the first given, so a wrong one is reported as such). */
export async function matchPassphrases(
  description: SourceDescription,
  passphrases: readonly string[],
): Promise<KeyPassphrases> {
  // A files source arrives with its keys already opened.
  if (description.kind === 'files') return { root: '', intermediate: '' };
  const result: { root: string | null; intermediate: string | null } = { root: null, intermediate: null };
  for (const ca of description.cas) {
    if (!ca.key) continue;
    for (const passphrase of ['', ...passphrases]) {
      try {
        (await openSourceKey(ca.key, passphrase)).fill(0);
        result[ca.role] = passphrase;
        break;
      } catch (error) {
        if (!(error instanceof RootkeeperError)) throw error;
      }
    }
    result[ca.role] ??= passphrases[0] ?? null;
  }
  return result;
}
