import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { apiContentSecurityPolicy, contentSecurityPolicy, isApiPath, registerSecurityHeaders } from './security-headers';

/** The policy as a map of directive → sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((directive) => {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('security headers', () => {
  it('lets the web app run from this server only: no inline script or style, no eval', () => {
    const policy = directives(contentSecurityPolicy);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(contentSecurityPolicy).not.toContain('unsafe-inline');
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
  });

  /** The response headers of each request to an app with the security headers, one route that answers and one that throws. */
  async function headersOf(routes: { ok: string; fails: string }, requests: ReadonlyArray<readonly ['GET' | 'POST', string]>) {
    const app = Fastify();
    registerSecurityHeaders(app);
    app.get(routes.ok, async () => ({ ok: true }));
    app.route({
      method: ['GET', 'POST'],
      url: routes.fails,
      handler: async () => {
        throw new Error('boom');
      },
    });
    try {
      const answers: Array<[string, Record<string, unknown>]> = [];
      for (const [method, url] of requests) answers.push([url, (await app.inject({ method, url })).headers]);
      return answers;
    } finally {
      await app.close();
    }
  }

  it('sets every header on every page and file of the web app, errors included', async () => {
    const urls = ['/ok', '/fails', '/missing', '/apix', '/c/some-chat'];
    for (const [url, headers] of await headersOf({ ok: '/ok', fails: '/fails' }, urls.map((url) => ['GET', url] as const))) {
      expect(headers['content-security-policy'], url).toBe(contentSecurityPolicy);
      expect(headers['x-content-type-options'], url).toBe('nosniff');
      expect(headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin');
      expect(headers['x-frame-options'], url).toBe('DENY');
      expect(headers['cross-origin-opener-policy'], url).toBe('same-origin');
    }
  });

  it("gives the API's answers a policy that loads and frames nothing, and nosniff, errors included", async () => {
    const requests = [['GET', '/api/ok'], ['POST', '/ollama/api/chat'], ['GET', '/openai/missing'], ['GET', '/api/v1/missing?x=1']] as const;
    for (const [url, headers] of await headersOf({ ok: '/api/ok', fails: '/ollama/api/chat' }, requests)) {
      expect(headers['content-security-policy'], url).toBe(apiContentSecurityPolicy);
      expect(headers['x-content-type-options'], url).toBe('nosniff');
      expect(headers['referrer-policy'], url).toBeUndefined();
    }
    expect(directives(apiContentSecurityPolicy).get('default-src')).toEqual(["'none'"]);
    expect(directives(apiContentSecurityPolicy).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('tells API paths from the web app by their prefix', () => {
    for (const url of ['/api/chat/completions', '/api/v1/chats/?page=1', '/ollama/api/tags', '/openai/models', '/api', '/ollama']) expect(isApiPath(url), url).toBe(true);
    for (const url of ['/', '/index.html', '/assets/app-1234.js', '/apix', '/c/123', '/health', '/ready', '/metrics']) expect(isApiPath(url), url).toBe(false);
  });
});
