// Bundles the server into dist/ with esbuild, npm packages left external. A bundle starts faster
// than hundreds of small ES modules, and the build takes well under a second. Code behind a dynamic
// import() (PostgreSQL, Redis) becomes its own chunk, loaded only when configured.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: start clean so old ones do not pile up.
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: { main: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20.18',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
