/**
 * The browser app's build: Svelte 5 compiled by Vite into dist/web/ (served by the Astra server at
 * `/`). Hashed files go to assets/ (cached for good), index.html is served uncached. `npm run
 * dev:web` serves the app with hot reload and forwards the API to a server on port 8080.
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const apiTarget = process.env.ASTRA_URL ?? 'http://localhost:8080';
const proxied = ['/api', '/ollama', '/openai', '/health', '/ready', '/metrics'];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // Every browser the app supports preloads modules itself.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: apiTarget, changeOrigin: false }])),
  },
});
