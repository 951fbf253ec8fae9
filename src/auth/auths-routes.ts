/** Routes under /api/v1/auths: sign-up, sign-in, sign-out, the current user, password, API key. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AstraError } from '../core/errors';
import { epochSeconds } from '../core/ids';
import { fields, parseInput, z } from '../core/validation';
import type { AccountService, ClientInfo, SignedIn } from './accounts';
import type { ApiKeyStore } from './api-keys';
import { clearedCookie, sessionCookie } from './cookies';
import { principalOf, sessionCookieName } from './request-auth';
import { userView } from './user-view';
import type { UserRow } from './users';

const signUpBody = z.object({ name: fields.name, email: fields.email, password: fields.password });
const signInBody = z.object({ email: fields.email, password: fields.password });
const passwordBody = z.object({ password: fields.password, new_password: fields.password });
const addUserBody = z.object({
  name: fields.name,
  email: fields.email,
  password: fields.password,
  role: fields.role.default('pending'),
  profile_image_url: z.string().max(2048).optional(),
});

/** Browsers keep cookies at most 400 days; a never-expiring session is renewed by signing in. */
const longestCookieMs = 400 * 24 * 60 * 60_000;

export function registerAuthsRoutes(app: FastifyInstance, deps: { accounts: AccountService; apiKeys: ApiKeyStore }): void {
  const { accounts, apiKeys } = deps;
  const prefix = '/api/v1/auths';

  app.post(`${prefix}/signup`, { config: { access: 'public' } }, async (request, reply) => {
    const body = parseInput(signUpBody, request.body);
    return signedInResponse(request, reply, await accounts.signUp(body, clientInfo(request)));
  });

  app.post(`${prefix}/signin`, { config: { access: 'public' } }, async (request, reply) => {
    const body = parseInput(signInBody, request.body);
    return signedInResponse(request, reply, await accounts.signIn(body, clientInfo(request)));
  });

  // The hottest authenticated route: its JSON is built once per cached user row.
  const currentUserBodies = new WeakMap<UserRow, string>();
  app.get(`${prefix}/`, { config: { access: 'any' } }, (request, reply) => {
    const { user } = principalOf(request);
    let body = currentUserBodies.get(user);
    if (body === undefined) {
      body = JSON.stringify({ ...userView(user), token_type: 'Bearer', permissions: {} });
      currentUserBodies.set(user, body);
    }
    reply.type('application/json; charset=utf-8').send(body);
  });

  const signOut = async (request: FastifyRequest, reply: FastifyReply): Promise<{ status: true }> => {
    await accounts.signOut(principalOf(request));
    reply.header('set-cookie', clearedCookie(sessionCookieName, { secure: request.protocol === 'https' }));
    return { status: true };
  };
  app.get(`${prefix}/signout`, { config: { access: 'any' } }, signOut);
  app.post(`${prefix}/signout`, { config: { access: 'any' } }, signOut);

  app.post(`${prefix}/update/password`, async (request) => {
    const body = parseInput(passwordBody, request.body);
    await accounts.changePassword(principalOf(request), body.password, body.new_password);
    return true;
  });

  app.post(`${prefix}/api_key`, async (request) => ({ api_key: await accounts.createApiKey(principalOf(request)) }));

  app.get(`${prefix}/api_key`, async (request) => {
    accounts.requireApiKeys();
    const key = await apiKeys.find(principalOf(request).user.id);
    if (!key) throw new AstraError('not_found', 'You have no API key yet; create one with POST /api/v1/auths/api_key');
    // Keys are stored hashed: the whole key was shown once, at creation.
    return { api_key: key.key_hint, created_at: epochSeconds(key.created_at), last_used_at: key.last_used_at && epochSeconds(key.last_used_at) };
  });

  app.delete(`${prefix}/api_key`, async (request) => {
    await accounts.deleteApiKey(principalOf(request));
    return true;
  });

  app.post(`${prefix}/add`, { config: { access: 'admin' } }, async (request) => {
    const body = parseInput(addUserBody, request.body);
    const user = await accounts.addUser(body);
    return { ...userView(user), token: '', token_type: 'Bearer' };
  });
}

function clientInfo(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

function signedInResponse(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn): object {
  const expires = new Date(signedIn.expiresAt ?? Date.now() + longestCookieMs);
  reply.header('set-cookie', sessionCookie(sessionCookieName, signedIn.token, { expires, secure: request.protocol === 'https' }));
  return {
    token: signedIn.token,
    token_type: 'Bearer',
    expires_at: signedIn.expiresAt === null ? null : epochSeconds(signedIn.expiresAt),
    ...userView(signedIn.user),
    permissions: {},
  };
}
