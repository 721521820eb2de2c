import { readFileSync } from 'node:fs';

/** Set by the build (vite.main.config.ts); read from package.json when run from source. */
declare const __ROOTKEEPER_VERSION__: string | undefined;

let cached: string | undefined;

export function version(): string {
  if (typeof __ROOTKEEPER_VERSION__ === 'string') return __ROOTKEEPER_VERSION__;
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return cached;
}
