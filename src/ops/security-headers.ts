/**
 * Security headers on every response, set once per request from a constant object. The Content
 * Security Policy of the web app's pages and files: its scripts and styles are files from this
 * server (no inline script or style, no eval), images from this server or data:/blob: URLs,
 * requests to this server only. So HTML that slipped into a model's answer could neither run nor
 * load anything. The API's answers (JSON, event streams) are never a page a browser shows: they get
 * the stricter and shorter policy of an API — nothing may load, nothing may frame it — and nosniff,
 * not the half-kilobyte of page headers on every completion.
 */
import type { FastifyInstance } from 'fastify';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const headers = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), geolocation=(), microphone=(self)',
} as const;

export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

const apiHeaders = {
  'content-security-policy': apiContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
} as const;

/** The API's paths: Astra's own, and Ollama's and OpenAI's under their prefixes. */
export function isApiPath(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/ollama/') || url.startsWith('/openai/') || url === '/api' || url === '/ollama' || url === '/openai';
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isApiPath(request.url) ? apiHeaders : headers);
    done();
  });
}
