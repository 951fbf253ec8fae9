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

  it('sets every header on every page and file of the web app, errors included', async () => {
    const app = Fastify();
    registerSecurityHeaders(app);
    app.get('/ok', async () => ({ ok: true }));
    app.get('/fails', async () => {
      throw new Error('boom');
    });
    try {
      for (const url of ['/ok', '/fails', '/missing', '/apix', '/c/some-chat']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.headers['content-security-policy'], url).toBe(contentSecurityPolicy);
        expect(response.headers['x-content-type-options'], url).toBe('nosniff');
        expect(response.headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin');
        expect(response.headers['x-frame-options'], url).toBe('DENY');
        expect(response.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      }
    } finally {
      await app.close();
    }
  });

  it("gives the API's answers a policy that loads and frames nothing, and nosniff, errors included", async () => {
    const app = Fastify();
    registerSecurityHeaders(app);
    app.get('/api/ok', async () => ({ ok: true }));
    app.post('/ollama/api/chat', async () => {
      throw new Error('boom');
    });
    try {
      for (const [method, url] of [['GET', '/api/ok'], ['POST', '/ollama/api/chat'], ['GET', '/openai/missing'], ['GET', '/api/v1/missing?x=1']] as const) {
        const response = await app.inject({ method, url });
        expect(response.headers['content-security-policy'], url).toBe(apiContentSecurityPolicy);
        expect(response.headers['x-content-type-options'], url).toBe('nosniff');
        expect(response.headers['referrer-policy'], url).toBeUndefined();
      }
      expect(directives(apiContentSecurityPolicy).get('default-src')).toEqual(["'none'"]);
      expect(directives(apiContentSecurityPolicy).get('frame-ancestors')).toEqual(["'none'"]);
    } finally {
      await app.close();
    }
  });

  it('tells API paths from the web app by their prefix', () => {
    for (const url of ['/api/chat/completions', '/api/v1/chats/?page=1', '/ollama/api/tags', '/openai/models', '/api', '/ollama']) expect(isApiPath(url), url).toBe(true);
    for (const url of ['/', '/index.html', '/assets/app-1234.js', '/apix', '/c/123', '/health', '/ready', '/metrics']) expect(isApiPath(url), url).toBe(false);
  });
});
