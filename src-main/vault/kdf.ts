/**
 * Passphrase → 32-byte key with argon2id (RFC 9106). New stores get 256 MiB,
 * 3 passes, 1 lane: about a second here, and a cost that scales badly on the
 * GPUs an attacker with a copied USB stick would use. The parameters live in
 * the store's header; a floor applies when a store is created and a ceiling
 * when one is opened, so a doctored header cannot exhaust memory or time.
 */
import argon2 from 'argon2';
import { rejected } from '../../shared/errors';

export interface KdfParams {
  readonly algorithm: 'argon2id';
  /** Memory in KiB. */
  readonly memoryKiB: number;
  readonly passes: number;
  readonly parallelism: number;
  /** 16 random bytes, base64. */
  readonly salt: string;
}

export type KdfCost = Omit<KdfParams, 'algorithm' | 'salt'>;

export const DEFAULT_KDF_COST: KdfCost = { memoryKiB: 256 * 1024, passes: 3, parallelism: 1 };

/** What a KDF cost must meet: production stores have one policy; tests bring their own (test/support/kdf.ts). */
export interface KdfPolicy {
  readonly floor: KdfCost;
  readonly ceiling: KdfCost;
}

export const PRODUCTION_KDF_POLICY: KdfPolicy = {
  floor: { memoryKiB: 64 * 1024, passes: 2, parallelism: 1 },
  ceiling: { memoryKiB: 4 * 1024 * 1024, passes: 64, parallelism: 16 },
};

export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

/** Refuses a cost under the floor when creating a store. */
export function checkKdfFloor(cost: KdfCost, policy: KdfPolicy): void {
  const { floor } = policy;
  if (cost.memoryKiB < floor.memoryKiB) {
    throw rejected(
      'invalid-option',
      `argon2id memory must be at least ${floor.memoryKiB / 1024} MiB; ${cost.memoryKiB / 1024} MiB was asked for.`,
    );
  }
  if (cost.passes < floor.passes) {
    throw rejected('invalid-option', `argon2id needs at least ${floor.passes} passes; ${cost.passes} was asked for.`);
  }
  if (cost.parallelism < floor.parallelism) {
    throw rejected('invalid-option', `argon2id parallelism must be at least ${floor.parallelism}.`);
  }
  checkKdfCeiling(cost, policy);
}

/** Refuses, before any work is done, a header asking for more than the ceiling. */
export function checkKdfCeiling(cost: KdfCost, policy: KdfPolicy = PRODUCTION_KDF_POLICY): void {
  const { ceiling } = policy;
  const whole = (value: number) => Number.isSafeInteger(value) && value > 0;
  if (![cost.memoryKiB, cost.passes, cost.parallelism].every(whole)) {
    throw new KdfCeilingError('its argon2id parameters are not positive whole numbers');
  }
  if (cost.memoryKiB > ceiling.memoryKiB)
    throw new KdfCeilingError(
      `it asks argon2id for ${cost.memoryKiB / 1024} MiB, over the ${ceiling.memoryKiB / 1024} MiB ceiling`,
    );
  if (cost.passes > ceiling.passes)
    throw new KdfCeilingError(`it asks argon2id for ${cost.passes} passes, over the ceiling of ${ceiling.passes}`);
  if (cost.parallelism > ceiling.parallelism)
    throw new KdfCeilingError(
      `it asks argon2id for ${cost.parallelism} lanes, over the ceiling of ${ceiling.parallelism}`,
    );
}

/** A header whose KDF cost is out of bounds: the store code reports it as damage or tampering. */
export class KdfCeilingError extends Error {
  override readonly name = 'KdfCeilingError';
}

/** Derives the key. The passphrase arrives as bytes so the caller can wipe them afterwards. */
export async function deriveKey(passphrase: Buffer, params: KdfParams): Promise<Buffer> {
  const salt = Buffer.from(params.salt, 'base64');
  if (salt.length !== SALT_BYTES) throw new KdfCeilingError('its salt is not 16 bytes');
  return argon2.hash(passphrase, {
    type: argon2.argon2id,
    memoryCost: params.memoryKiB,
    timeCost: params.passes,
    parallelism: params.parallelism,
    hashLength: KEY_BYTES,
    salt,
    raw: true,
  });
}
