/**
 * The storage seams: `Database` (SQLite or PostgreSQL behind one typed Kysely query layer),
 * `KeyValue` (in-memory, SQLite or Redis; with expiry) and `PubSub` (in-process or Redis).
 * Times are integers of epoch milliseconds in every table.
 */
import type { Kysely } from 'kysely';

export interface UserTable {
  id: string;
  email: string; // normalised: trimmed, lower-cased
  name: string;
  role: 'admin' | 'user' | 'pending';
  password_hash: string;
  profile_image_url: string;
  created_at: number;
  updated_at: number;
  last_active_at: number;
}

export interface SessionTable {
  token_hash: string; // HMAC of the opaque token; the token itself is never stored
  user_id: string;
  created_at: number;
  expires_at: number | null; // null: never expires (JWT_EXPIRES_IN=-1)
  last_used_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface ApiKeyTable {
  user_id: string; // one key per user, as in Open WebUI
  key_hash: string; // SHA-256 of the key
  key_hint: string; // "sk-ab…wxyz", to recognise a key without revealing it
  created_at: number;
  last_used_at: number | null;
}

/** Small facts about the installation, e.g. that the first admin has been claimed. */
export interface AppStateTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface KeyValueTable {
  key: string;
  value: string;
  expires_at: number | null;
}

export interface KeyValueSetTable {
  key: string;
  member: string;
  expires_at: number | null;
}

export interface Schema {
  users: UserTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  app_state: AppStateTable;
  kv_entries: KeyValueTable;
  kv_set_members: KeyValueSetTable;
}

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Schema>;
  /** Where the data lives, safe to log (no password). */
  readonly description: string;
  /** Resolves when a trivial query succeeds; rejects with a clear error otherwise. */
  ping(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface KeyValue {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds 1 (creating the key at 1 with `ttlMs` expiry when absent); returns the count and ms left. */
  increment(key: string, options: { ttlMs: number }): Promise<{ value: number; ttlMs: number }>;
  /** Milliseconds until the key expires; undefined when absent or without expiry. */
  ttl(key: string): Promise<number | undefined>;
  addToSet(key: string, member: string, options?: { ttlMs?: number }): Promise<void>;
  removeFromSet(key: string, member: string): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;

export interface PubSub {
  /** Delivers `message` to every subscriber of `channel`, in this process and (Redis) in others. */
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe>;
  /** True when messages reach other processes (Redis), false when they stay in this one. */
  readonly spansProcesses: boolean;
  close(): Promise<void>;
}
