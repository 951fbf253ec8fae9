// Bundles the server into dist/ with esbuild, npm packages left external. A bundle starts faster
// than hundreds of small ES modules, and the build takes well under a second. Code behind a dynamic
// import() (PostgreSQL, Redis) becomes its own chunk, loaded only when configured.
//
// Then builds the browser app (web/, Svelte + Vite) into dist/web/, which the server serves at `/`,
// and writes a Brotli and a gzip copy beside each text file so the server sends them as they are.
// `--server-only` skips the browser app (for a quick server rebuild).
//
// Everything is built into a fresh folder that then replaces dist/ in one rename, so a server or a
// test starting meanwhile never finds dist/ half-written (and old hashed chunks do not pile up).
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const staging = `dist.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });

try {
  await build({
    entryPoints: { main: 'src/main.ts' },
    outdir: staging,
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
  if (!process.argv.includes('--server-only')) await buildWebApp(resolve(staging, 'web'));
  publish(staging, 'dist');
} catch (error) {
  rmSync(staging, { recursive: true, force: true });
  throw error;
}

async function buildWebApp(outDir) {
  // The app is always built for production, also when the build runs under a test runner
  // (NODE_ENV=test would give Svelte's larger development build).
  process.env.NODE_ENV = 'production';
  let vite;
  try {
    vite = await import('vite');
  } catch {
    // An install without dev dependencies has no Vite: the server then says the app was not built.
    console.warn('build: Vite is not installed, so the web app was not built (run npm install)');
    return;
  }
  await vite.build({ configFile: 'web/vite.config.ts', logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  precompress(outDir);
}

/** Writes `name.br` and `name.gz` beside each compressible file worth compressing. */
function precompress(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      precompress(path);
      continue;
    }
    if (!/\.(js|mjs|css|html|svg|json|txt|webmanifest)$/.test(entry.name) || statSync(path).size < 1024) continue;
    const content = readFileSync(path);
    writeFileSync(`${path}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
  }
}

/** Puts `built` in place of `target`; another build finishing at the same moment simply wins or loses the race. */
function publish(built, target) {
  for (let attempt = 0; ; attempt += 1) {
    const previous = `${target}.old-${process.pid}-${attempt}`;
    try {
      renameSync(target, previous);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    try {
      renameSync(built, target);
      return;
    } catch (error) {
      // Another build put its dist/ in place between the two renames: move that one aside too.
      if ((error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') || attempt >= 5) throw error;
    } finally {
      rmSync(previous, { recursive: true, force: true });
    }
  }
}
