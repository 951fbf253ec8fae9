/**
 * Account operations and their rules: sign-up, sign-in, sign-out, password changes and admin user
 * management. Every change that affects who may do what is broadcast at once (Authenticator).
 */
import type { AccountsConfig } from '../config';
import { AstraError, notFound } from '../core/errors';
import type { AccountSettings } from './account-settings';
import type { Authenticator, Principal } from './authenticator';
import type { ApiKeyStore } from './api-keys';
import type { LoginThrottle } from './login-throttle';
import { checkPasswordRules, hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import type { SessionStore } from './sessions';
import { normaliseEmail, type Role, type UserRow, type UserStore } from './users';

export interface SignedIn {
  token: string;
  expiresAt: number | null;
  user: UserRow;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

const invalidCredentials = (): AstraError =>
  new AstraError('invalid_credentials', 'The email or password is incorrect');

export class AccountService {
  constructor(
    private readonly deps: {
      users: UserStore;
      sessions: SessionStore;
      apiKeys: ApiKeyStore;
      authenticator: Authenticator;
      throttle: LoginThrottle;
      /** Whether sign-up is on and the role it gives: an administrator may change them at run time. */
      settings: AccountSettings;
      config: AccountsConfig;
    },
  ) {}

  async signUp(input: { name: string; email: string; password: string }, client: ClientInfo): Promise<SignedIn> {
    // Read afresh: sign-up is rare, and must stop the moment an administrator turns it off anywhere.
    const settings = await this.deps.settings.read();
    if (!settings.enableSignup) {
      throw new AstraError('signup_disabled', 'Sign-up is disabled on this server; ask an administrator for an account');
    }
    checkPasswordRules(input.password);
    if (await this.deps.users.findByEmail(input.email)) {
      throw new AstraError('email_taken', 'An account with this email already exists');
    }
    const user = await this.deps.users.insert({
      email: input.email,
      name: input.name,
      passwordHash: await hashPassword(input.password),
      role: { firstAdminOr: settings.defaultUserRole },
    });
    return this.startSession(user, client);
  }

  async signIn(input: { email: string; password: string }, client: ClientInfo): Promise<SignedIn> {
    const email = normaliseEmail(input.email);
    await this.deps.throttle.check(email, client.ip);
    const user = await this.deps.users.findByEmail(email);
    const valid = user ? await verifyPassword(user.password_hash, input.password) : await verifyAgainstDummy(input.password);
    if (!user || !valid) {
      await this.deps.throttle.recordFailure(email, client.ip);
      throw invalidCredentials();
    }
    await this.deps.throttle.recordSuccess(email, client.ip);
    return this.startSession(user, client);
  }

  async signOut(principal: Principal): Promise<void> {
    if (principal.tokenHash === undefined) return;
    await this.deps.sessions.delete(principal.tokenHash);
    await this.deps.authenticator.invalidate({ type: 'session-ended', tokenHash: principal.tokenHash });
  }

  /** Changes the caller's password and ends their other sessions; this one stays signed in. */
  async changePassword(principal: Principal, password: string, newPassword: string): Promise<void> {
    checkPasswordRules(newPassword, 'new_password');
    if (!(await verifyPassword(principal.user.password_hash, password))) {
      throw new AstraError('invalid_credentials', 'password: the current password is incorrect');
    }
    await this.setPassword(principal.user.id, newPassword, principal.tokenHash);
  }

  /** Sets a password (admin, CLI) and ends the user's sessions, except `keepTokenHash`. */
  async setPassword(userId: string, password: string, keepTokenHash?: string): Promise<void> {
    checkPasswordRules(password);
    await this.deps.users.update(userId, { password_hash: await hashPassword(password) });
    await this.endSessions(userId, keepTokenHash);
    await this.deps.authenticator.invalidate({ type: 'user-changed', userId });
  }

  /** An admin creates an account (no session is started for it). */
  async addUser(input: { name: string; email: string; password: string; role: Role }): Promise<UserRow> {
    checkPasswordRules(input.password);
    if (await this.deps.users.findByEmail(input.email)) {
      throw new AstraError('email_taken', 'An account with this email already exists');
    }
    return this.deps.users.insert({ ...input, passwordHash: await hashPassword(input.password) });
  }

  async updateUser(
    actor: Principal,
    userId: string,
    changes: { name?: string; email?: string; role?: Role; password?: string; profile_image_url?: string },
  ): Promise<UserRow> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw notFound('User');
    if (changes.role !== undefined && changes.role !== 'admin' && user.role === 'admin') {
      await this.keepOneAdmin('change the role of');
    }
    if (changes.email !== undefined && normaliseEmail(changes.email) !== user.email) {
      if (await this.deps.users.findByEmail(changes.email)) {
        throw new AstraError('email_taken', 'email: another account already uses this email');
      }
    }
    if (changes.password !== undefined) checkPasswordRules(changes.password);
    const { password, ...fields } = changes;
    const updated = await this.deps.users.update(userId, {
      ...fields,
      ...(password !== undefined ? { password_hash: await hashPassword(password) } : {}),
    });
    if (!updated) throw notFound('User');
    // A new password from an admin ends every session of that user.
    if (password !== undefined) await this.endSessions(userId);
    await this.deps.authenticator.invalidate({ type: 'user-changed', userId });
    return updated;
  }

  async deleteUser(actor: Principal, userId: string): Promise<void> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw notFound('User');
    if (user.id === actor.user.id) {
      throw new AstraError('forbidden', 'You cannot delete your own account here; ask another administrator');
    }
    if (user.role === 'admin') await this.keepOneAdmin('delete');
    await this.endSessions(userId);
    await this.deps.users.delete(userId);
    await this.deps.authenticator.invalidate({ type: 'user-changed', userId });
    await this.deps.authenticator.invalidate({ type: 'api-key-changed', userId });
  }

  async createApiKey(principal: Principal): Promise<string> {
    this.requireApiKeys();
    const key = await this.deps.apiKeys.create(principal.user.id);
    await this.deps.authenticator.invalidate({ type: 'api-key-changed', userId: principal.user.id });
    return key;
  }

  async deleteApiKey(principal: Principal): Promise<boolean> {
    const deleted = await this.deps.apiKeys.delete(principal.user.id);
    await this.deps.authenticator.invalidate({ type: 'api-key-changed', userId: principal.user.id });
    return deleted;
  }

  requireApiKeys(): void {
    if (!this.deps.config.enableApiKeys) {
      throw new AstraError('api_keys_disabled', 'API keys are disabled on this server (ENABLE_API_KEYS=false)');
    }
  }

  private async startSession(user: UserRow, client: ClientInfo): Promise<SignedIn> {
    const { token, record } = await this.deps.sessions.create(user.id, { userAgent: client.userAgent, ip: client.ip });
    return { token, expiresAt: record.expiresAt, user };
  }

  private async endSessions(userId: string, keepTokenHash?: string): Promise<void> {
    const ended = await this.deps.sessions.deleteAllForUser(userId, keepTokenHash);
    await Promise.all(ended.map((tokenHash) => this.deps.authenticator.invalidate({ type: 'session-ended', tokenHash })));
  }

  /** Refuses to remove the last admin: a server without one cannot be managed. */
  private async keepOneAdmin(action: string): Promise<void> {
    if ((await this.deps.users.countAdmins()) <= 1) {
      throw new AstraError('conflict', `Cannot ${action} the only administrator; make another account admin first`);
    }
  }
}
