import { optional, storeDir } from './values';
import type { CommandContext } from './command';
import { CliOperations } from './operations';
import { openIntermediateTokenIfGiven } from './intermediate-token-args';

/** Runs `use` with the store unlocked for this command alone, and locks it again whatever happens. */
export async function withSession<T>(
  context: CommandContext,
  use: (operations: CliOperations) => Promise<T>,
  before?: () => Promise<void>,
): Promise<T> {
  const operations = new CliOperations(storeDir(context.values, context.io), context.io);
  await before?.();
  try {
    await operations.unlock(context.passphrases, optional(context.values, 'operator-passin'));
    await openIntermediateTokenIfGiven(context, operations);
    return await use(operations);
  } finally {
    await operations.close();
  }
}

/** Runs `use` without unlocking: for what needs no passphrase. */
export function withoutSession<T>(context: CommandContext, use: (operations: CliOperations) => Promise<T>): Promise<T> {
  return use(new CliOperations(storeDir(context.values, context.io), context.io));
}
