/**
 * A page whose window API answers from fixed data instead of a live store:
 * for the layout tests, whose screenshots must come out the same on every
 * run (no random serials, keys or temporary folders). The answers still go
 * through the real dispatcher, so each request and each scripted reply is
 * checked against the contract: fixed data cannot drift from what the main
 * side may send.
 */
import type { Page } from '@playwright/test';
import { operationNames, type OperationName, type RequestOf, type ResponseOf } from '../../../shared/contract';
import { RootkeeperError } from '../../../shared/errors';
import { createDispatcher, type OperationHandlers } from '../../../src-main/operations/dispatch';
import { answerWith, serveFromBundle } from './wiring';

export type ScriptedAnswers = {
  readonly [N in OperationName]?: (request: RequestOf<N>) => ResponseOf<N>;
};

/** Serves the built renderer to `page` with `answers` behind its window API; returns the dispatcher's complaints. */
export async function scriptedPage(page: Page, answers: ScriptedAnswers): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  const handlers = Object.fromEntries(
    operationNames.map((name) => [
      name,
      async (request: never) => {
        const answer = answers[name] as ((request: never) => unknown) | undefined;
        if (!answer) throw new RootkeeperError('INTERNAL', `The layout script has no answer for ${name}.`);
        return answer(request);
      },
    ]),
  ) as unknown as OperationHandlers;
  const dispatch = createDispatcher(handlers, { error: (message) => problems.push(message) });
  await serveFromBundle(page, problems);
  await answerWith(page, async (operation, request) => {
    const result = await dispatch(operation, request);
    if (!result.ok && result.error.code !== 'INTERNAL') problems.push(`${operation}: ${result.error.message}`);
    return result;
  });
  return { problems };
}
