/**
 * The passphrase policy's numbers, apart from the strength estimator: the
 * renderer needs them on every form, the estimator's dictionaries only when
 * a new passphrase is typed.
 */
export const MIN_PASSPHRASE_LENGTH = 12;
export const MAX_PASSPHRASE_LENGTH = 1024;
export const MIN_PASSPHRASE_SCORE = 3;
