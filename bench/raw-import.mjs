/**
 * `--import ./bench/raw-import.mjs` after tsx: Vite's `?raw` imports (the
 * trust kit's shell scripts) as Node loads them when a bench task runs the
 * sources directly, without Vite.
 */
import { register } from 'node:module';

register('./raw-hooks.mjs', import.meta.url);
