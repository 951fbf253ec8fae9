/**
 * The storage seams: `Database` (SQLite or PostgreSQL behind one typed Kysely query layer),
 * `KeyValue` (in-memory, the database or Redis; with expiry) and `PubSub` (in-process, the
 * database or Redis). Times are integers of epoch milliseconds in every table.
 */
import type { Kysely } from 'kysely';
import type { WriteCounts } from './write-counter';

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

/** One message of the database PubSub; kept about a minute, for every process to read. */
export interface PubSubMessageTable {
  id: string;
  channel: string;
  message: string;
  created_at: number;
}

/** A model server Astra talks to; see connections/. */
export interface ConnectionTable {
  id: string;
  kind: 'ollama' | 'openai';
  name: string;
  base_url: string; // no trailing slash
  api_key: string; // '' when the server needs none
  enabled: number; // 0 or 1: an integer, stored alike by SQLite and PostgreSQL
  prefix_id: string; // '' = no prefix on the connection's model ids
  position: number; // list order, ascending
  created_at: number;
  updated_at: number;
}

/** Who may use a model (models/access.ts). */
export interface ModelSettingTable {
  model_id: string;
  access: string; // 'everyone' | 'admins' | 'users'
  user_ids: string; // JSON array of user ids
  updated_at: number;
}

/** One conversation; its messages are rows of `messages`, never a document rewritten per message. */
export interface ChatTable {
  id: string;
  user_id: string;
  title: string;
  models: string; // JSON array of model ids
  pinned: number; // 0 or 1
  archived: number; // 0 or 1
  share_id: string | null; // the random id of the active share link, if any
  current_message_id: string | null; // the message the chat shows (the end of the branch in view)
  created_at: number;
  updated_at: number;
}

export type MessageRole = 'user' | 'assistant' | 'system';
export type MessageStatus = 'complete' | 'generating' | 'stopped' | 'interrupted' | 'error';

/** One message of a chat: a node of the chat's tree (siblings share a parent: edits, regenerations). */
export interface MessageTable {
  id: string;
  chat_id: string;
  parent_id: string | null;
  role: MessageRole;
  model: string | null;
  content: string;
  reasoning: string;
  status: MessageStatus;
  error: string | null;
  usage: string | null; // JSON object
  timings: string | null; // JSON object
  sources: string | null; // JSON array
  tool_calls: string | null; // JSON array: an answer's tool calls, OpenAI's shape
  content_parts: string | null; // JSON array: a message's parts other than text (images…), OpenAI's shape
  process_id: string | null; // the process running the message's generation
  created_at: number;
  updated_at: number;
}

export interface Schema {
  users: UserTable;
  chats: ChatTable;
  messages: MessageTable;
  api_keys: ApiKeyTable;
  model_settings: ModelSettingTable;
  app_state: AppStateTable;
  kv_entries: KeyValueTable;
  kv_set_members: KeyValueSetTable;
  pubsub_messages: PubSubMessageTable;
  connections: ConnectionTable;
}

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Schema>;
  /** Where the data lives, safe to log (no password). */
  readonly description: string;
  /** Resolves when a trivial query succeeds; rejects with a clear error otherwise. */
  ping(signal?: AbortSignal): Promise<void>;
  /** Write statements and committed transactions since it was opened (see write-counter.ts). */
  readonly writes: WriteCounts;
  close(): Promise<void>;
}

export interface KeyValue {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Adds 1 (creating the key at 1 with `ttlMs` expiry when absent); returns the count and ms left.
   * Atomic across processes. The expiry is set only when the counter is created (or found without
   * one), never pushed back by later increments, so a rate-limit window ends on time.
   */
  increment(key: string, options: { ttlMs: number }): Promise<{ value: number; ttlMs: number }>;
  /** Milliseconds until the key expires; undefined when absent or without expiry. */
  ttl(key: string): Promise<number | undefined>;
  /**
   * A set expires as a whole, like a Redis key: `ttlMs` (re)starts the whole set's expiry; without
   * it the set keeps the expiry it had. Use a key either for a value or for a set, not both.
   */
  addToSet(key: string, member: string, options?: { ttlMs?: number }): Promise<void>;
  removeFromSet(key: string, member: string): Promise<void>;
  setMembers(key: string): Promise<string[]>;
  ping(): Promise<void>;
  /** Stops background work and closes connections this KeyValue opened (never the shared Database). */
  close(): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;

export interface PubSub {
  /**
   * Delivers `message` to every subscriber of `channel`, in this process and (Redis, the database)
   * in others. Other processes may hear it up to about a second later (the database PubSub polls).
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Resolves once messages published from then on will be delivered. A handler that throws is
   * reported and does not stop delivery to the others.
   */
  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe>;
  /** True when messages reach other processes (Redis, the database), false when they stay in this one. */
  readonly spansProcesses: boolean;
  close(): Promise<void>;
}
