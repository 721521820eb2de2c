import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

let cached: Promise<string> | undefined;

/** Bundles bridge-entry.ts into one classic script for page.addInitScript (in memory, once per worker). */
export function bridgeScript(): Promise<string> {
  cached ??= bundle();
  return cached;
}

async function bundle(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: {
        entry: fileURLToPath(new URL('./bridge-entry.ts', import.meta.url)),
        formats: ['iife'],
        name: 'rootkeeperHarnessBridge',
      },
    },
  });
  const result = (Array.isArray(output) ? output[0] : output) as Rolldown.RolldownOutput;
  const chunk = result.output.find((item) => item.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('The harness bridge did not bundle.');
  return chunk.code;
}
