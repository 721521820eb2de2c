/**
 * The IPC contract: every operation the renderer may ask of the main side,
 * with its channel and the schemas of its request and response. The preload,
 * the main-side handlers and the browser test harness are all generated from
 * this one table, so they cannot drift apart.
 *
 * Response schemas are strict objects: the main side validates every reply
 * before sending it, so a field that is not declared here (a key, say) can
 * never reach the renderer by accident.
 */
import * as v from 'valibot';
import { AppStatusSchema } from './domain/app-status';

type AnySchema = v.GenericSchema;

export interface OperationSpec {
  /** The IPC channel; one handler is registered per channel. */
  readonly channel: `rootkeeper:${string}`;
  /** One sentence for documentation and logs. */
  readonly summary: string;
  readonly request: AnySchema;
  readonly response: AnySchema;
}

const EmptyRequest = v.strictObject({});

export const contract = {
  appStatus: {
    channel: 'rootkeeper:app-status',
    summary: "The app's version, where the store lives, what the folder holds and whether a session is open.",
    request: EmptyRequest,
    response: AppStatusSchema,
  },
} as const satisfies Record<string, OperationSpec>;

export type Contract = typeof contract;
export type OperationName = keyof Contract;
export type RequestOf<N extends OperationName> = v.InferInput<Contract[N]['request']>;
export type ResponseOf<N extends OperationName> = v.InferOutput<Contract[N]['response']>;

export const operationNames = Object.keys(contract) as OperationName[];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}
