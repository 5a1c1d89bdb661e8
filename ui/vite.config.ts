// Builds the UI into ui/dist (embedded by the desktop app, served by `cairn serve`) and runs the
// unit tests (vitest).
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [svelte()],
  // Relative asset paths: the same build works at / in the desktop app and under a prefix on a server.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // WebKitGTK and Chromium both load module scripts; no legacy bundle is needed.
    modulePreload: { polyfill: false },
  },
  server: { port: 5173, strictPort: true },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
