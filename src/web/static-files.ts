/**
 * The built browser app on disk (dist/web/), listed once at start-up: each file's path, size, type
 * and validator, and the Brotli/gzip copies the build wrote beside it. Only files in this list are
 * ever served, so no request path can reach outside the folder.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Encoding = 'br' | 'gzip';

export interface FileVariant {
  path: string;
  size: number;
}

export interface StaticFile extends FileVariant {
  contentType: string;
  etag: string;
  lastModified: string;
  /** Precompressed copies, by content encoding. */
  encoded: Partial<Record<Encoding, FileVariant>>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const encodingSuffixes: Record<string, Encoding> = { '.br': 'br', '.gz': 'gzip' };

export function contentTypeOf(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Where the built app is: next to the server bundle (dist/main.js → dist/web/), or, when the
 * server runs from source (tests, tsx), in dist/web/ of the checkout. Undefined when not built.
 */
export function findBuiltApp(moduleUrl: string = import.meta.url): string | undefined {
  const candidates = [new URL('./web/', moduleUrl), new URL('../../dist/web/', moduleUrl)].map((url) => fileURLToPath(url));
  return candidates.find((directory) => existsSync(join(directory, 'index.html')));
}

/** Lists the files under `root` by URL path (`/assets/index-1a2b.js`). */
export function listStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const variants: Array<[string, Encoding, FileVariant]> = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      if (!entry.isFile()) continue;
      const stats = statSync(path);
      const urlPath = `/${relative(root, path).split(sep).join('/')}`;
      const encoding = encodingSuffixes[extname(entry.name)];
      if (encoding !== undefined) {
        variants.push([urlPath.slice(0, -extname(entry.name).length), encoding, { path, size: stats.size }]);
        continue;
      }
      files.set(urlPath, {
        path,
        size: stats.size,
        contentType: contentTypeOf(path),
        etag: `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
        lastModified: stats.mtime.toUTCString(),
        encoded: {},
      });
    }
  };
  walk(root);
  for (const [urlPath, encoding, variant] of variants) {
    const file = files.get(urlPath);
    // A compressed copy that is not smaller is not worth sending.
    if (file !== undefined && variant.size < file.size) file.encoded[encoding] = variant;
  }
  return files;
}

/** The encoding to send: Brotli, then gzip, when the client takes it and a copy exists. */
export function chooseEncoding(acceptEncoding: string | undefined, file: StaticFile): Encoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name = '', ...parameters] = part.trim().split(';');
    const quality = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined);
    accepted.set(name.trim(), quality === undefined ? 1 : Number(quality));
  }
  const takes = (encoding: string): boolean => (accepted.get(encoding) ?? accepted.get('*') ?? 0) > 0;
  if (file.encoded.br !== undefined && takes('br')) return 'br';
  if (file.encoded.gzip !== undefined && takes('gzip')) return 'gzip';
  return undefined;
}
