/**
 * Storage: the database (SQLite or PostgreSQL, migrated at start-up), the KeyValue store and the
 * PubSub bus (in this process, in the database, or on Redis). Other folders import from here only.
 */
export { openDatabase, type OpenDatabaseOptions } from './open-database';
export { openKeyValue, type OpenKeyValueOptions } from './open-key-value';
export { openPubSub, type OpenPubSubOptions } from './open-pub-sub';
export { createMemoryKeyValue } from './memory-key-value';
export { createMemoryPubSub } from './memory-pub-sub';
export { createDatabasePubSub, type DatabasePubSubOptions } from './database-pub-sub';
export { searchedContentLength } from './migrations/0004-chats';
export type {
  ApiKeyTable,
  AppStateTable,
  ChatTable,
  ConnectionTable,
  Database,
  DatabaseKind,
  KeyValue,
  KeyValueSetTable,
  KeyValueTable,
  MessageRole,
  MessageStatus,
  MessageTable,
  PubSub,
  PubSubMessageTable,
  Schema,
  Unsubscribe,
  UserTable,
} from './types';
