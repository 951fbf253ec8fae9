/**
 * Turns a bearer token or cookie into a user. On the hot path this is one keyed hash and two Map lookups;
 * the stores are read only on a cache miss. Every change to a session, user or API key is
 * broadcast (AuthEvents) so that every process drops its cached copy at once.
 */
import type { Logger } from '../core/logger';
import { AstraError } from '../core/errors';
import { ExpiringCache } from '../core/expiring-cache';
import type { ApiKeyStore } from './api-keys';
import type { AuthEvent, AuthEvents } from './auth-events';
import { hashApiKey, isApiKey } from './credentials';
import { RecentTokenHashes } from './recent-token-hashes';
import type { SessionStore } from './sessions';
import type { UserRow, UserStore } from './users';

export interface Principal {
  user: UserRow;
  via: 'session' | 'api-key';
  /** The session's token hash, when authenticated by a session. */
  tokenHash: string | undefined;
}

interface CachedSession {
  userId: string;
  expiresAt: number | null;
  lastUsedAt: number;
}

/** Last-use times are written at most this often per session or user: never a write per request. */
const touchIntervalMs = 5 * 60_000;

export class Authenticator {
  private readonly sessionCache: ExpiringCache<string, CachedSession>;
  private readonly userCache: ExpiringCache<string, UserRow>;
  private readonly apiKeyCache: ExpiringCache<string, string>;
  /** What the caches are keyed by: the hash of the session token or API key. */
  private readonly tokenHashes: RecentTokenHashes;

  constructor(
    private readonly deps: {
      users: UserStore;
      sessions: SessionStore;
      apiKeys: ApiKeyStore;
      events: AuthEvents;
      enableApiKeys: boolean;
      /** How long a cached answer is trusted without hearing of a change. */
      cacheTtlMs: number;
      logger: Logger;
    },
  ) {
    this.sessionCache = new ExpiringCache(deps.cacheTtlMs);
    this.userCache = new ExpiringCache(deps.cacheTtlMs);
    this.apiKeyCache = new ExpiringCache(deps.cacheTtlMs);
    this.tokenHashes = new RecentTokenHashes((token) => (isApiKey(token) ? hashApiKey(token) : deps.sessions.hash(token)));
    deps.events.listen((event) => this.forget(event));
  }

  /**
   * The answer from memory alone, without awaiting anything: the principal, `undefined` for a
   * token known to be invalid or expired, or `null` when the stores must be asked (`resolve`).
   */
  resolveFromCache(token: string): Principal | undefined | null {
    const now = Date.now();
    if (isApiKey(token)) {
      this.requireApiKeys();
      const userId = this.apiKeyCache.get(this.tokenHashes.of(token), now);
      const user = userId === undefined ? undefined : this.userCache.get(userId, now);
      return user === undefined ? null : { user, via: 'api-key', tokenHash: undefined };
    }
    const tokenHash = this.tokenHashes.of(token);
    const session = this.sessionCache.get(tokenHash, now);
    if (session === undefined) return null;
    if (session.expiresAt !== null && session.expiresAt <= now) {
      this.sessionCache.delete(tokenHash);
      return undefined;
    }
    const user = this.userCache.get(session.userId, now);
    if (user === undefined) return null;
    if (now - session.lastUsedAt > touchIntervalMs) {
      session.lastUsedAt = now;
      this.background(this.deps.sessions.touch(tokenHash, now), 'session last use');
      this.background(this.deps.users.touch(user.id, now), 'user last activity');
    }
    return { user, via: 'session', tokenHash };
  }

  /** The principal for a token, reading the stores when memory does not know it. */
  async resolve(token: string): Promise<Principal | undefined> {
    const cached = this.resolveFromCache(token);
    if (cached !== null) return cached;
    if (isApiKey(token)) return this.loadApiKey(token);
    const tokenHash = this.tokenHashes.of(token);
    const now = Date.now();
    if (this.sessionCache.get(tokenHash, now) === undefined) {
      const record = await this.deps.sessions.read(tokenHash);
      if (record === undefined) return undefined;
      this.sessionCache.set(tokenHash, { userId: record.userId, expiresAt: record.expiresAt, lastUsedAt: record.lastUsedAt }, now);
    }
    const session = this.sessionCache.get(tokenHash, now);
    if (session === undefined || (await this.user(session.userId, now)) === undefined) return undefined;
    return this.resolveFromCache(token) ?? undefined;
  }

  /** Applies a change here at once and tells the other processes. */
  async invalidate(event: AuthEvent): Promise<void> {
    this.forget(event);
    await this.deps.events.publish(event);
  }

  private async loadApiKey(key: string): Promise<Principal | undefined> {
    const userId = await this.deps.apiKeys.ownerOf(key);
    if (userId === undefined) return undefined;
    this.apiKeyCache.set(this.tokenHashes.of(key), userId);
    const user = await this.user(userId, Date.now());
    return user && { user, via: 'api-key', tokenHash: undefined };
  }

  private requireApiKeys(): void {
    if (!this.deps.enableApiKeys) {
      throw new AstraError('api_keys_disabled', 'API keys are disabled on this server (ENABLE_API_KEYS=false)');
    }
  }

  private async user(userId: string, now: number): Promise<UserRow | undefined> {
    const cached = this.userCache.get(userId, now);
    if (cached !== undefined) return cached;
    const user = await this.deps.users.findById(userId);
    if (user !== undefined) this.userCache.set(userId, user, now);
    return user;
  }

  private forget(event: AuthEvent): void {
    if (event.type === 'session-ended') this.sessionCache.delete(event.tokenHash);
    else if (event.type === 'user-changed') this.userCache.delete(event.userId);
    // Key changes are rare: dropping the whole (small) key cache is simpler than indexing it by user.
    else this.apiKeyCache.clear();
  }

  private background(work: Promise<unknown>, what: string): void {
    work.catch((error: unknown) => this.deps.logger.warn({ err: error }, `could not record ${what}`));
  }
}
