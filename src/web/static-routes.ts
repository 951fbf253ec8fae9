/**
 * Serves the browser app built into dist/web/ at `/`:
 * - `/assets/…` (file names carry a content hash) with `Cache-Control: public, max-age=31536000,
 *   immutable`;
 * - `index.html` and the other top-level files with `no-cache` (revalidated by ETag), so a new
 *   build is picked up on the next load;
 * - the Brotli or gzip copy written at build time when the client takes it;
 * - for any other GET that wants HTML and is not an API path, `index.html` (the app's own
 *   addresses, like `/c/{id}`); everything else gets the usual JSON 404.
 * When the app was not built, `/` says so and how to build it.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { chooseEncoding, findBuiltApp, listStaticFiles, type StaticFile } from './static-files';

export interface WebAppOptions {
  /** The built app's folder; found next to the server bundle by default. */
  root?: string;
}

export const immutableCache = 'public, max-age=31536000, immutable';
export const revalidateCache = 'no-cache';

/** Paths that belong to the server, never to the app: they answer 404 as JSON, not with the app. */
const serverPaths = /^\/(api|ollama|openai|health|ready|metrics|assets)(\/|$)/;

const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Astra: the web app is not built</title></head>
<body>
<h1>The web app is not built</h1>
<p>This Astra server is running, but the browser app was not built, so there is nothing to show here yet.</p>
<p>Build it with <code>npm run build</code> (or start the server with <code>npm start</code>, which builds it), then reload this page.</p>
<p>The API answers as usual under <code>/api</code>.</p>
</body>
</html>
`;

export function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): void {
  const root = options.root ?? findBuiltApp();
  const files = root === undefined || !existsSync(root) ? new Map<string, StaticFile>() : listStaticFiles(root);
  const index = files.get('/index.html');
  // index.html is small and sent on every visit: kept in memory with its compressed copies.
  const indexBodies = index === undefined ? undefined : loadBodies(index);

  const sendIndex = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (index === undefined || indexBodies === undefined) {
      return reply.code(200).header('cache-control', revalidateCache).type('text/html; charset=utf-8').send(notBuiltPage);
    }
    if (notModified(request, reply, index, revalidateCache)) return reply;
    const encoding = chooseEncoding(request.headers['accept-encoding'], index);
    if (encoding !== undefined) reply.header('content-encoding', encoding);
    return reply.type(index.contentType).send(indexBodies[encoding ?? 'identity']);
  };

  const sendFile = (request: FastifyRequest, reply: FastifyReply, file: StaticFile, cacheControl: string): FastifyReply => {
    if (notModified(request, reply, file, cacheControl)) return reply;
    const encoding = chooseEncoding(request.headers['accept-encoding'], file);
    const variant = encoding === undefined ? file : file.encoded[encoding]!;
    if (encoding !== undefined) reply.header('content-encoding', encoding);
    reply.type(file.contentType).header('content-length', variant.size);
    // Fastify drops a HEAD answer's body but keeps its headers: an empty stream keeps content-length.
    if (request.method === 'HEAD') return reply.send(Readable.from([]));
    return reply.send(createReadStream(variant.path));
  };

  const pathOf = (request: FastifyRequest): string | undefined => {
    const path = request.url.split('?')[0] ?? '/';
    try {
      return decodeURIComponent(path);
    } catch {
      return undefined;
    }
  };

  const open = { access: 'public' as const };
  app.get('/', { config: open }, (request, reply) => sendIndex(request, reply));

  // Hashed files: many per page load, so not logged one by one.
  app.get('/assets/*', { config: { ...open, quiet: true } }, (request, reply) => {
    const path = pathOf(request);
    const file = path === undefined ? undefined : files.get(path);
    if (file === undefined) return reply.callNotFound();
    return sendFile(request, reply, file, immutableCache);
  });

  app.get('/*', { config: open }, (request, reply) => {
    const path = pathOf(request);
    if (path === undefined || serverPaths.test(path)) return reply.callNotFound();
    const file = files.get(path);
    if (file !== undefined) return path === '/index.html' ? sendIndex(request, reply) : sendFile(request, reply, file, revalidateCache);
    if (!wantsHtml(request)) return reply.callNotFound();
    return sendIndex(request, reply);
  });
}

function loadBodies(file: StaticFile): Record<'identity' | 'br' | 'gzip', Buffer> {
  const identity = readFileSync(file.path);
  return {
    identity,
    br: file.encoded.br === undefined ? identity : readFileSync(file.encoded.br.path),
    gzip: file.encoded.gzip === undefined ? identity : readFileSync(file.encoded.gzip.path),
  };
}

/** Sets the caching headers; answers 304 when the client's copy is current. */
function notModified(request: FastifyRequest, reply: FastifyReply, file: StaticFile, cacheControl: string): boolean {
  reply.header('cache-control', cacheControl).header('etag', file.etag).header('last-modified', file.lastModified);
  if (file.encoded.br !== undefined || file.encoded.gzip !== undefined) reply.header('vary', 'accept-encoding');
  const tags = request.headers['if-none-match'];
  if (tags === undefined || !tags.split(',').some((tag) => tag.trim() === file.etag || tag.trim() === '*')) return false;
  void reply.code(304).send();
  return true;
}

/** A browser navigating (Accept names text/html), not a script asking for data. */
function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return accept !== undefined && accept.includes('text/html');
}
