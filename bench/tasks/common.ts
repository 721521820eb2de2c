/** A store with an intermediate, made through the real operations, for the benchmark tasks. */
import path from 'node:path';
import type { OperationName, RequestOf, ResponseOf } from '../../shared/contract';
import { createHost, type Host } from '../../src-main/host';

export const ROOT_PASSPHRASE = 'bench-root-granite-lantern-orbit';
export const OPERATOR_PASSPHRASE = 'bench-operator-velvet-harbor-quartz';

export interface BenchStore {
  readonly host: Host;
  call<N extends OperationName>(operation: N, request: RequestOf<N>): Promise<ResponseOf<N>>;
}

export function openHost(storeDir: string): BenchStore {
  const host = createHost({
    version: 'bench',
    storeDir,
    log: { error: (message) => process.stderr.write(`${message}\n`) },
  });
  return {
    host,
    async call(operation, request) {
      const result = await host.dispatch(operation, request);
      if (!result.ok) throw new Error(`${operation}: ${result.error.message}`);
      return result.value as never;
    },
  };
}

/** argon2id at the creation floor (64 MiB, 2 passes): the setup's cost, not what is measured. */
export async function issuingStore(dir: string, key: 'ec-p256' | 'rsa-2048'): Promise<BenchStore> {
  const store = openHost(path.join(dir, 'store'));
  await store.call('createStore', {
    rootSubject: 'CN=Bench Root CA',
    rootPassphrase: ROOT_PASSPHRASE,
    operatorPassphrase: OPERATOR_PASSPHRASE,
    kdfMemoryMiB: 64,
    kdfPasses: 2,
  });
  await store.call('unlock', { passphrase: OPERATOR_PASSPHRASE });
  await store.call('createIntermediate', { subject: 'CN=Bench Issuing CA', key, rootPassphrase: ROOT_PASSPHRASE });
  return store;
}

export function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
