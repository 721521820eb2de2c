/**
 * A package required on its first use instead of when the program starts.
 * Every CLI command used to load every library any command might need
 * (token, PKCS#12, plist): module loading was most of a short command's
 * time. Node caches the module after the first call.
 */
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export function lazyRequire<T>(specifier: string): () => T {
  return () => requireHere(specifier) as T;
}
