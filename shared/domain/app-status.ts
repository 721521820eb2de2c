import * as v from 'valibot';

/**
 * What a store folder holds, as far as can be told without a passphrase.
 * - missing: the folder does not exist yet (a new store may be created there);
 * - empty: it exists and holds nothing of note (a new store may be created there);
 * - initialized: it holds a Rootkeeper store;
 * - foreign: it holds other files, so Rootkeeper will not write into it.
 */
export const StoreFolderStateSchema = v.picklist(['missing', 'empty', 'initialized', 'foreign']);
export type StoreFolderState = v.InferOutput<typeof StoreFolderStateSchema>;

export const AppStatusSchema = v.strictObject({
  version: v.string(),
  store: v.strictObject({
    location: v.string(),
    state: StoreFolderStateSchema,
  }),
  session: v.strictObject({
    locked: v.boolean(),
    /** When the idle timeout will lock the open session; null when locked. */
    locksAt: v.nullable(v.string()),
  }),
});
export type AppStatus = v.InferOutput<typeof AppStatusSchema>;
