import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerErrorHandling, registerSecurityHeaders } from '../ops';
import { chooseEncoding, findBuiltApp, listStaticFiles } from './static-files';
import { immutableCache, registerWebApp } from './static-routes';

const indexHtml = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="app"></div></body></html>';
const script = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

describe('serving the web app', () => {
  let directory: string;
  let root: string;
  let app: FastifyInstance;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'astra-web-'));
    root = join(directory, 'web');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), indexHtml);
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'assets', 'app-1a2b3c.js'), script);
    writeFileSync(join(root, 'assets', 'app-1a2b3c.js.br'), brotliCompressSync(script));
    writeFileSync(join(root, 'assets', 'app-1a2b3c.js.gz'), gzipSync(script));
    writeFileSync(join(root, 'assets', 'style-9f8e7d.css'), 'body{margin:0}');
    // A file beside the app's folder that no request may reach.
    writeFileSync(join(directory, 'secret.txt'), 'top secret');
  });

  afterEach(async () => {
    await app?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  async function start(options: { root: string }): Promise<FastifyInstance> {
    app = Fastify();
    registerSecurityHeaders(app);
    registerErrorHandling(app, { bodyLimitBytes: 1024 });
    app.get('/api/config', async () => ({ status: true }));
    registerWebApp(app, options);
    await app.ready();
    return app;
  }

  it('serves index.html at / uncached, with the security headers', async () => {
    await start({ root });
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toBe(indexHtml);
  });

  it('serves hashed assets cached for good, precompressed when the client takes it', async () => {
    await start({ root });
    const plain = await app.inject({ method: 'GET', url: '/assets/app-1a2b3c.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['cache-control']).toBe(immutableCache);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(plain.body).toBe(script);

    const brotli = await app.inject({ method: 'GET', url: '/assets/app-1a2b3c.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.rawPayload).toEqual(brotliCompressSync(script));
    expect(Number(brotli.headers['content-length'])).toBe(brotli.rawPayload.length);

    const gzip = await app.inject({ method: 'GET', url: '/assets/app-1a2b3c.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.rawPayload).toEqual(gzipSync(script));

    const css = await app.inject({ method: 'GET', url: '/assets/style-9f8e7d.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers.vary).toBeUndefined();
  });

  it('answers 304 when the client has the current copy, and HEAD without a body', async () => {
    await start({ root });
    const first = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(first.headers['content-type']).toBe('image/svg+xml');
    expect(first.headers['cache-control']).toBe('no-cache');
    const etag = String(first.headers.etag);
    const again = await app.inject({ method: 'GET', url: '/favicon.svg', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const head = await app.inject({ method: 'HEAD', url: '/assets/app-1a2b3c.js' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(script)));
    expect(head.body).toBe('');
  });

  it('answers the app’s own addresses with index.html, and API paths and missing assets with the JSON 404', async () => {
    await start({ root });
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const chat = await app.inject({ method: 'GET', url: '/c/some-chat-id', headers: html });
    expect(chat.statusCode).toBe(200);
    expect(chat.body).toBe(indexHtml);
    expect(chat.headers['cache-control']).toBe('no-cache');

    for (const url of ['/api/v1/nothing', '/ollama/api/nothing', '/openai/nothing', '/health/nothing', '/assets/gone-123.js']) {
      const response = await app.inject({ method: 'GET', url, headers: html });
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toMatchObject({ code: 'not_found' });
    }
    // A script asking for data at an unknown path gets the 404, not a page.
    const data = await app.inject({ method: 'GET', url: '/c/some-chat-id', headers: { accept: 'application/json' } });
    expect(data.statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/config' })).json()).toEqual({ status: true });
  });

  it('never serves a file outside the app’s folder', async () => {
    await start({ root });
    for (const url of ['/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%5c..%5csecret.txt']) {
      const response = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(response.body, url).not.toContain('top secret');
    }
  });

  it('says how to build the app when it was not built', async () => {
    await start({ root: join(directory, 'missing') });
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('npm run build');
    const deep = await app.inject({ method: 'GET', url: '/c/1', headers: { accept: 'text/html' } });
    expect(deep.body).toContain('npm run build');
    expect((await app.inject({ method: 'GET', url: '/assets/app.js' })).statusCode).toBe(404);
  });

  it('finds the build next to the server bundle', () => {
    mkdirSync(join(directory, 'dist', 'web'), { recursive: true });
    writeFileSync(join(directory, 'dist', 'web', 'index.html'), indexHtml);
    expect(findBuiltApp(pathToFileURL(join(directory, 'dist', 'main.js')).href)).toBe(join(directory, 'dist', 'web') + '/');
    expect(findBuiltApp(pathToFileURL(join(directory, 'elsewhere', 'main.js')).href)).toBeUndefined();
  });

  it('chooses Brotli, then gzip, honouring q=0', () => {
    const file = listStaticFiles(root).get('/assets/app-1a2b3c.js')!;
    expect(chooseEncoding('br;q=0, gzip', file)).toBe('gzip');
    expect(chooseEncoding('*', file)).toBe('br');
    expect(chooseEncoding('identity', file)).toBeUndefined();
    expect(chooseEncoding(undefined, file)).toBeUndefined();
  });
});
