/** The passphrase policy, enforced on the main side whatever the renderer showed. */
import { rejected } from '../../shared/errors';
import type { KdfPolicy } from '../vault/kdf';
import { openSlot, type Keyring } from './keyring';

/**
 * Refuses a passphrase the policy rejects, saying why. The estimator is
 * loaded here, on first use: its dictionaries cost every CLI command about
 * 0.3 s of start-up, and only setting a passphrase needs them.
 */
export async function checkPassphraseStrength(
  which: 'root' | 'operator',
  passphrase: string,
  context: readonly string[],
): Promise<void> {
  const { assessPassphrase } = await import('../../shared/validators/passphrase');
  const assessment = assessPassphrase(passphrase, context);
  if (!assessment.acceptable) {
    throw rejected('policy', `The ${which} passphrase is refused. ${assessment.problems.join(' ')}`);
  }
}

/**
 * A new passphrase must meet the policy and must not be the other one: the
 * two are held by different people, or at least kept in different places.
 */
export async function checkNewPassphrase(
  keyring: Keyring,
  which: 'root' | 'operator',
  next: string,
  policy: KdfPolicy | undefined,
  context: readonly string[],
): Promise<void> {
  await checkPassphraseStrength(which, next, context);
  const other = which === 'root' ? 'operator' : 'root';
  const opensOther = await openSlot(
    keyring,
    other === 'root' ? 'root-private-key' : 'operator-data-key',
    next,
    policy,
    other,
  ).then(
    (secret) => {
      secret.fill(0);
      return true;
    },
    () => false,
  );
  if (opensOther) throw rejected('policy', `The new ${which} passphrase must differ from the ${other} passphrase.`);
}
