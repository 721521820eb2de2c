import vue from '@vitejs/plugin-vue';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          // Every folder under test/unit but the renderer's: a new folder of tests runs without being listed.
          include: ['test/unit/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/unit/renderer/**'],
          environment: 'node',
          setupFiles: ['test/support/isolated-config.ts'],
          // Generous: RSA-4096 key generation on a loaded two-core CI machine takes seconds.
          testTimeout: 30_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          include: ['test/unit/renderer/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        // Our output checked by the real tools: openssl, certtool, curl, python, TLS handshakes.
        test: {
          name: 'interop',
          include: ['test/interop/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/isolated-config.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
