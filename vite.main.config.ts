import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/** The CLI is run as a program: give it its shebang's execute bit. */
function executableCli(): Plugin {
  return {
    name: 'rootkeeper-executable-cli',
    writeBundle(options) {
      chmodSync(path.join(options.dir ?? 'out/main', 'cli.js'), 0o755);
    },
  };
}

/**
 * The main process and the rootkeeper CLI: ES modules for Node. Dependencies
 * stay external and ship in node_modules; argon2 is native and cannot be bundled.
 */
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  plugins: [executableCli()],
  define: { __ROOTKEEPER_VERSION__: JSON.stringify(version) },
  build: {
    ssr: true,
    outDir: 'out/main',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    minify: false,
    rolldownOptions: {
      // The CSR batch's worker is an entry of its own, beside main.js and cli.js (engine/csr-batch-pool.ts finds it there).
      input: {
        main: 'src-main/electron/main.ts',
        cli: 'src-main/cli/main.ts',
        'csr-batch-worker': 'src-main/engine/csr-batch-worker.ts',
      },
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
      },
    },
  },
});
