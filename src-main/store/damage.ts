/** The one error for a store that fails an integrity check: it names the file and, for the journal, the record. */
import { RootkeeperError } from '../../shared/errors';

export class StoreDamagedError extends RootkeeperError {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly record?: number,
  ) {
    const where = record === undefined ? file : `${file}, record ${record}`;
    super(
      'STORE_DAMAGED',
      `The store is damaged or has been tampered with: ${where}: ${detail}. Nothing was written. Restore the store from a backup.`,
    );
  }
}
