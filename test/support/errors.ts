import { expect } from 'vitest';
import { RootkeeperError } from '../../shared/errors';

/** The RootkeeperError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<RootkeeperError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RootkeeperError);
  return error as RootkeeperError;
}
