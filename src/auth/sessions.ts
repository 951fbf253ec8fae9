/**
 * Sessions: opaque tokens whose keyed hash is stored in KeyValue (the database by default, Redis when
 * REDIS_URL is set), so logins survive restarts and are shared by every process.
 */
import type { KeyValue } from '../storage';
import { hashSessionToken, newSessionToken } from './credentials';

export interface SessionRecord {
  userId: string;
  createdAt: number;
  /** Epoch ms; null when sessions never expire (JWT_EXPIRES_IN=-1). */
  expiresAt: number | null;
  lastUsedAt: number;
  userAgent: string | null;
  ip: string | null;
}

const sessionKey = (tokenHash: string): string => `session:${tokenHash}`;
const userSessionsKey = (userId: string): string => `user-sessions:${userId}`;

export class SessionStore {
  constructor(
    private readonly keyValue: KeyValue,
    private readonly secretKey: string,
    private readonly ttlSeconds: number | null,
  ) {}

  hash(token: string): string {
    return hashSessionToken(this.secretKey, token);
  }

  /** Creates a session and returns its token: the only time the token exists outside the client. */
  async create(userId: string, meta: { userAgent: string | null; ip: string | null }): Promise<{ token: string; tokenHash: string; record: SessionRecord }> {
    const token = newSessionToken();
    const tokenHash = this.hash(token);
    const now = Date.now();
    const record: SessionRecord = {
      userId,
      createdAt: now,
      expiresAt: this.ttlSeconds === null ? null : now + this.ttlSeconds * 1000,
      lastUsedAt: now,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip,
    };
    await this.write(tokenHash, record);
    await this.keyValue.addToSet(userSessionsKey(userId), tokenHash, this.ttlOptions(record));
    return { token, tokenHash, record };
  }

  async read(tokenHash: string): Promise<SessionRecord | undefined> {
    const text = await this.keyValue.get(sessionKey(tokenHash));
    if (text === undefined) return undefined;
    const record = JSON.parse(text) as SessionRecord;
    if (record.expiresAt !== null && record.expiresAt <= Date.now()) return undefined;
    return record;
  }

  /** Records the last use; callers do this at most every few minutes per session, off the hot path. */
  async touch(tokenHash: string, at: number): Promise<void> {
    const record = await this.read(tokenHash);
    if (record) await this.write(tokenHash, { ...record, lastUsedAt: at });
  }

  async delete(tokenHash: string): Promise<void> {
    const record = await this.read(tokenHash);
    await this.keyValue.delete(sessionKey(tokenHash));
    if (record) await this.keyValue.removeFromSet(userSessionsKey(record.userId), tokenHash);
  }

  /** Ends every session of the user except `exceptTokenHash`; returns the ended token hashes. */
  async deleteAllForUser(userId: string, exceptTokenHash?: string): Promise<string[]> {
    const hashes = await this.keyValue.setMembers(userSessionsKey(userId));
    const ended = hashes.filter((hash) => hash !== exceptTokenHash);
    await Promise.all(
      ended.map(async (hash) => {
        await this.keyValue.delete(sessionKey(hash));
        await this.keyValue.removeFromSet(userSessionsKey(userId), hash);
      }),
    );
    return ended;
  }

  private write(tokenHash: string, record: SessionRecord): Promise<void> {
    return this.keyValue.set(sessionKey(tokenHash), JSON.stringify(record), this.ttlOptions(record));
  }

  private ttlOptions(record: SessionRecord): { ttlMs?: number } {
    return record.expiresAt === null ? {} : { ttlMs: Math.max(1, record.expiresAt - Date.now()) };
  }
}
