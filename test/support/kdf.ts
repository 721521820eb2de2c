/**
 * The low-cost argon2id setting tests use so a store opens in milliseconds.
 * It lives here, under test/, and production entry points (the host, the
 * CLI) never pass a policy, so no production path can select it.
 */
import type { KdfCost, KdfPolicy } from '../../src-main/vault/kdf';
import { PRODUCTION_KDF_POLICY } from '../../src-main/vault/kdf';

export const TEST_KDF_COST: KdfCost = { memoryKiB: 1024, passes: 1, parallelism: 1 };

export const TEST_KDF_POLICY: KdfPolicy = {
  floor: TEST_KDF_COST,
  ceiling: PRODUCTION_KDF_POLICY.ceiling,
};
