/**
 * The passphrase policy for the root and operator passphrases: at least 12
 * characters, and a zxcvbn strength estimate of 3 ("safely unguessable") or
 * better. The renderer shows it live as a meter; the main side enforces it.
 */
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

import { MAX_PASSPHRASE_LENGTH, MIN_PASSPHRASE_LENGTH, MIN_PASSPHRASE_SCORE } from './passphrase-rules';

export { MAX_PASSPHRASE_LENGTH, MIN_PASSPHRASE_LENGTH, MIN_PASSPHRASE_SCORE };

let estimator: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  // Built on first use: the dictionaries are large and only the key ceremony needs them.
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return estimator;
}

export interface PassphraseAssessment {
  readonly acceptable: boolean;
  /** 0 (guessable in seconds) to 4 (very unguessable). */
  readonly score: number;
  /** Why it is refused, as sentences; empty when acceptable. */
  readonly problems: readonly string[];
  /** zxcvbn's advice, for the strength meter. */
  readonly suggestions: readonly string[];
}

/** `context` holds words the passphrase should not lean on: the CA's name, the organisation. */
export function assessPassphrase(passphrase: string, context: readonly string[] = []): PassphraseAssessment {
  const length = [...passphrase].length;
  if (length > MAX_PASSPHRASE_LENGTH) {
    return {
      acceptable: false,
      score: 0,
      problems: [`It is longer than ${MAX_PASSPHRASE_LENGTH} characters.`],
      suggestions: [],
    };
  }
  const result: ZxcvbnResult = zxcvbn().check(passphrase, [...context, 'rootkeeper']);
  const problems: string[] = [];
  if (length < MIN_PASSPHRASE_LENGTH)
    problems.push(`It has ${length} characters; at least ${MIN_PASSPHRASE_LENGTH} are needed.`);
  if (result.score < MIN_PASSPHRASE_SCORE) {
    const warning = result.feedback.warning ? ` ${result.feedback.warning}` : '';
    problems.push(
      `It is too easy to guess (strength ${result.score} of 4; at least ${MIN_PASSPHRASE_SCORE} is needed).${warning}`,
    );
  }
  return { acceptable: problems.length === 0, score: result.score, problems, suggestions: result.feedback.suggestions };
}
