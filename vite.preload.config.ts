import { defineConfig } from 'vite';

/**
 * The preload runs in a sandboxed renderer, where `require` knows only
 * `electron` and a few Node shims: it must be one CommonJS file with every
 * other dependency inlined.
 */
export default defineConfig({
  build: {
    outDir: 'out/preload',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: false,
    lib: {
      entry: 'src-main/electron/preload.ts',
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rolldownOptions: {
      external: ['electron'],
    },
  },
});
