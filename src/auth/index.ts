/**
 * Accounts, sessions, API keys, roles and login throttling.
 * `createAuth` wires the stores to the shared storage; `registerAuth` adds the routes and the
 * per-request authentication to a Fastify app.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import type { Logger } from '../core/logger';
import type { Database, KeyValue, PubSub } from '../storage';
import { AccountService } from './accounts';
import { ApiKeyStore } from './api-keys';
import { AuthEvents } from './auth-events';
import { Authenticator } from './authenticator';
import { registerAuthsRoutes } from './auths-routes';
import { LoginThrottle } from './login-throttle';
import { credentialsOf, registerRequestAuth } from './request-auth';
import { SessionStore } from './sessions';
import { UserStore } from './users';
import { registerUsersRoutes } from './users-routes';

export type { Principal } from './authenticator';
export type { Access } from './request-auth';
export { principalOf } from './request-auth';
export type { UserRow, Role } from './users';
export { userView } from './user-view';

export interface Auth {
  users: UserStore;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  authenticator: Authenticator;
  accounts: AccountService;
  /** Stops listening for invalidations from other processes. */
  stop(): Promise<void>;
}

export async function createAuth(deps: {
  config: Config;
  database: Database;
  keyValue: KeyValue;
  pubSub: PubSub;
  secretKey: string;
  logger: Logger;
}): Promise<Auth> {
  const users = new UserStore(deps.database.db);
  const apiKeys = new ApiKeyStore(deps.database.db);
  const sessions = new SessionStore(deps.keyValue, deps.secretKey, deps.config.accounts.sessionTtlSeconds);
  const events = new AuthEvents(deps.pubSub);
  // Cached answers are trusted for a minute when every change reaches this process (one process,
  // or Redis between many); otherwise for one second, the promised bound for a change to apply.
  const changesReachUs = deps.pubSub.spansProcesses || deps.config.server.workers <= 1;
  const authenticator = new Authenticator({
    users,
    sessions,
    apiKeys,
    events,
    enableApiKeys: deps.config.accounts.enableApiKeys,
    cacheTtlMs: changesReachUs ? 60_000 : 1_000,
    logger: deps.logger,
  });
  const accounts = new AccountService({
    users,
    sessions,
    apiKeys,
    authenticator,
    throttle: new LoginThrottle(deps.keyValue),
    config: deps.config.accounts,
  });
  const stop = await events.start();
  return { users, apiKeys, sessions, authenticator, accounts, stop };
}

export function registerAuth(app: FastifyInstance, auth: Auth, config: Config): void {
  registerRequestAuth(app, { authenticator: auth.authenticator, allowedOrigins: config.server.corsAllowOrigins });
  registerAuthsRoutes(app, { accounts: auth.accounts, apiKeys: auth.apiKeys });
  registerUsersRoutes(app, { accounts: auth.accounts, users: auth.users });
}

/**
 * Whether the credentials a request came with still belong to an account that may use Astra (not
 * signed out, deleted or set back to pending): long-lived streams ask this now and then.
 */
export async function stillSignedIn(auth: Auth, request: FastifyRequest): Promise<boolean> {
  const credentials = credentialsOf(request);
  if (credentials === undefined) return false;
  const principal = await auth.authenticator.resolve(credentials.token);
  return principal !== undefined && principal.user.role !== 'pending';
}

/** Whether the request carries the credentials of a signed-in admin (for routes that check it themselves). */
export async function isAdminRequest(auth: Auth, request: FastifyRequest): Promise<boolean> {
  const credentials = credentialsOf(request);
  if (credentials === undefined) return false;
  const principal = await auth.authenticator.resolve(credentials.token);
  return principal?.user.role === 'admin';
}
