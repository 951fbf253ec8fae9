/**
 * Authentication for every route, declared per route as `config: { access }`:
 * - `public`: no credentials needed;
 * - `any`: any signed-in account, pending ones included (reading oneself, signing out);
 * - `user` (the default): an approved account — pending accounts get 403;
 * - `admin`: administrators only.
 * The check runs in onRequest, before the body is read. Cookie-authenticated state-changing
 * requests must also pass a CSRF check.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AstraError, forbidden, unauthenticated } from '../core/errors';
import type { Authenticator, Principal } from './authenticator';
import { readCookie } from './cookies';

export type Access = 'public' | 'any' | 'user' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    /** True when the credentials came from the cookie (so a CSRF check applies). */
    authenticatedByCookie: boolean;
  }
}

export const sessionCookieName = 'token';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads the bearer token or the session cookie. */
export function credentialsOf(request: FastifyRequest): { token: string; fromCookie: boolean } | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ? { token: match[1], fromCookie: false } : undefined;
  }
  const cookie = readCookie(request.headers.cookie, sessionCookieName);
  return cookie ? { token: cookie, fromCookie: true } : undefined;
}

export function registerRequestAuth(app: FastifyInstance, options: { authenticator: Authenticator; allowedOrigins: string[] }): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('authenticatedByCookie', false);

  // A callback hook, not an async one: on the hot path (a cached session) the request goes on
  // without a promise or a microtask.
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    if (request.is404) return done();
    const access = request.routeOptions.config.access ?? 'user';
    if (access === 'public') return done();
    const credentials = credentialsOf(request);
    if (credentials === undefined) return done(unauthenticated());
    let cached: Principal | undefined | null;
    try {
      cached = options.authenticator.resolveFromCache(credentials.token);
    } catch (error) {
      return done(error as Error);
    }
    const admit = (principal: Principal | undefined): void => {
      const refusal = checkAccess(request, principal, credentials.fromCookie, access, options.allowedOrigins);
      if (refusal) return done(refusal);
      request.principal = principal;
      request.authenticatedByCookie = credentials.fromCookie;
      done();
    };
    if (cached !== null) return admit(cached);
    options.authenticator.resolve(credentials.token).then(admit, done);
  });
}

/** Why `principal` may not make this request, or undefined when it may. */
function checkAccess(
  request: FastifyRequest,
  principal: Principal | undefined,
  fromCookie: boolean,
  access: Access,
  allowedOrigins: string[],
): AstraError | undefined {
  if (principal === undefined) return unauthenticated('Your session has ended or the API key is not valid; sign in again');
  if (fromCookie && !safeMethods.has(request.method) && !passesCsrfCheck(request, allowedOrigins)) {
    return new AstraError(
      'csrf_failed',
      'Cross-site request refused: send the Origin header of this site, an X-Requested-With header, or use a bearer token',
    );
  }
  const role = principal.user.role;
  if (role === 'pending' && access !== 'any') {
    return new AstraError('account_pending', 'Your account is waiting for an administrator to approve it');
  }
  if (access === 'admin' && role !== 'admin') return forbidden('Only administrators can do this');
  return undefined;
}

/** The signed-in caller of a route whose access is not `public`. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw unauthenticated();
  return request.principal;
}

/**
 * A cross-site page can make the browser send our cookie, but it cannot set a custom header
 * without a CORS preflight (which Astra does not grant), nor fake the Origin header.
 */
function passesCsrfCheck(request: FastifyRequest, allowedOrigins: string[]): boolean {
  if (request.headers['x-requested-with'] !== undefined) return true;
  const origin = request.headers.origin ?? originOf(request.headers.referer);
  if (origin === undefined || origin === 'null') return false;
  return origin === `${request.protocol}://${request.host}` || allowedOrigins.includes(origin);
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
