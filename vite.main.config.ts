import { defineConfig } from 'vite';

/**
 * The main process (and, later, the CLI): ES modules for Node. Dependencies
 * stay external and ship in node_modules; argon2 is native and cannot be bundled.
 */
export default defineConfig({
  build: {
    ssr: true,
    outDir: 'out/main',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    minify: false,
    rolldownOptions: {
      input: { main: 'src-main/electron/main.ts' },
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
