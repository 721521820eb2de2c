import type { RequestOf } from '../../../shared/contract';

/** One custodian's share as typed in the root dialog: the words (or a share file's text), and the PIN if it has one. */
export type ShareEntry = RequestOf<'verifyShare'>['share'];

/**
 * What a root dialog hands its screen for one root operation: the root
 * passphrase, the custodians' shares or the token's PIN, and the ceremony record if one was
 * asked for. Spread into the request; the screen keeps none of it.
 */
export interface RootCredential {
  rootPassphrase?: string;
  /** For a root on a PKCS#11 token: its PIN. */
  rootTokenPin?: string;
  rootShares?: ShareEntry[];
  /** The record's folder and witnesses; the wizard adds the steps it confirmed, with their times. */
  ceremony?: { destination: string; witnesses: string[]; checklist?: { at: string; step: string }[] };
}

/** Witness names as typed: one per line or separated by commas, blanks dropped. */
export function witnessNames(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
