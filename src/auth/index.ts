/**
 * Accounts, sessions, API keys, roles, login throttling, and the account settings an administrator
 * changes at run time (sign-up on or off, the role of new accounts).
 * `createAuth` wires the stores to the shared storage; `registerAuth` adds the routes and the
 * per-request authentication to a Fastify app.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import type { Logger } from '../core/logger';
import type { Database, KeyValue, PubSub } from '../storage';
import { AccountService } from './accounts';
import { AccountSettings } from './account-settings';
import { registerAdminConfigRoutes } from './admin-config-routes';
import { ApiKeyStore } from './api-keys';
import { AuthEvents } from './auth-events';
import { Authenticator, type Principal } from './authenticator';
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
export { AccountSettings, accountSettingsChangedChannel, type AccountSettingsValues } from './account-settings';

export interface Auth {
  users: UserStore;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  authenticator: Authenticator;
  accounts: AccountService;
  /** The sign-up switch and the role of new accounts, as the environment or an administrator set them. */
  settings: AccountSettings;
  /** Stops listening for invalidations and settings changes from other processes. */
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
  const settings = new AccountSettings(
    deps.database.db,
    deps.pubSub,
    { enableSignup: deps.config.accounts.enableSignup, defaultUserRole: deps.config.accounts.defaultUserRole },
    deps.logger,
  );
  const accounts = new AccountService({
    users,
    sessions,
    apiKeys,
    authenticator,
    throttle: new LoginThrottle(deps.keyValue),
    settings,
    config: deps.config.accounts,
  });
  await settings.start();
  let stopEvents: () => Promise<void>;
  try {
    stopEvents = await events.start();
  } catch (error) {
    await settings.stop();
    throw error;
  }
  const stop = async (): Promise<void> => {
    await Promise.allSettled([stopEvents(), settings.stop()]);
  };
  return { users, apiKeys, sessions, authenticator, accounts, settings, stop };
}

export function registerAuth(app: FastifyInstance, auth: Auth, config: Config): void {
  registerRequestAuth(app, { authenticator: auth.authenticator, allowedOrigins: config.server.corsAllowOrigins });
  registerAuthsRoutes(app, { accounts: auth.accounts, apiKeys: auth.apiKeys });
  registerAdminConfigRoutes(app, { settings: auth.settings });
  registerUsersRoutes(app, { accounts: auth.accounts, users: auth.users });
}

/** The principal of the credentials a request carries, resolved now (not the one found when it began). */
async function currentPrincipal(auth: Auth, request: FastifyRequest): Promise<Principal | undefined> {
  const credentials = credentialsOf(request);
  return credentials === undefined ? undefined : auth.authenticator.resolve(credentials.token);
}

/**
 * Whether the credentials a request came with still belong to an account that may use Astra (not
 * signed out, deleted or set back to pending): long-lived streams ask this now and then.
 */
export async function stillSignedIn(auth: Auth, request: FastifyRequest): Promise<boolean> {
  const principal = await currentPrincipal(auth, request);
  return principal !== undefined && principal.user.role !== 'pending';
}

/** Whether the request carries the credentials of a signed-in admin (for routes that check it themselves). */
export async function isAdminRequest(auth: Auth, request: FastifyRequest): Promise<boolean> {
  return (await currentPrincipal(auth, request))?.user.role === 'admin';
}
