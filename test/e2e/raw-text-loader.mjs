/**
 * Vite's `?raw` imports for the test processes Playwright runs: the harness
 * runs the real main-side operations, whose script templates (trust kit,
 * server configurations) are imported as text, which Vite and Vitest do
 * natively and Node does not. The module's default export is the file's text,
 * exactly as Vite gives it.
 */
import { readFile } from 'node:fs/promises';

export async function resolve(specifier, context, nextResolve) {
  if (specifier.endsWith('?raw') && context.parentURL) {
    return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:' && parsed.search === '?raw') {
    parsed.search = '';
    const text = await readFile(parsed, 'utf8');
    return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
