import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** The Vue renderer: static files served as app://bundle/ by the main process. */
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [vue()],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // Chromium supports modulepreload natively; the polyfill would only add code.
    modulePreload: { polyfill: false },
    // Assets are always files: a data: URL for a script or font would need a looser CSP.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
