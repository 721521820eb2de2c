/** argon2id at the store's default cost, native (node-argon2) or WASM (hash-wasm): time and peak memory of this process. */
import argon2 from 'argon2';
import { argon2id } from 'hash-wasm';
import { DEFAULT_KDF_COST } from '../../src-main/vault/kdf';
import { print } from './common';

// The salt comes from the caller: both implementations must derive the same key, which proves they did the same work.
const [implementation, runs, saltHex] = process.argv.slice(2) as ['native' | 'wasm', string, string];
const { memoryKiB, passes, parallelism } = DEFAULT_KDF_COST;
const times: number[] = [];
let first = '';
const salt = Buffer.from(saltHex, 'hex');
for (let run = 0; run < Number(runs); run++) {
  const started = performance.now();
  const key =
    implementation === 'native'
      ? (
          await argon2.hash('bench passphrase for argon2id', {
            type: argon2.argon2id,
            memoryCost: memoryKiB,
            timeCost: passes,
            parallelism,
            hashLength: 32,
            salt,
            raw: true,
          })
        ).toString('hex')
      : await argon2id({
          password: 'bench passphrase for argon2id',
          salt,
          parallelism,
          iterations: passes,
          memorySize: memoryKiB,
          hashLength: 32,
          outputType: 'hex',
        });
  times.push(performance.now() - started);
  first ||= key;
}
print({ times, maxRssKiB: process.resourceUsage().maxRSS, key: first, memoryKiB, passes, parallelism });
