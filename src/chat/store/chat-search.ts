/**
 * Full-text search over one user's chats: a chat matches when its title, or one of its messages,
 * holds every word searched for (whole words, any case). SQLite asks its FTS5 indexes; PostgreSQL
 * its GIN indexes, through the same expressions they were built on (see migration 0004).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { searchedContentLength, type DatabaseKind, type Schema } from '../../storage';
import type { ChatRow } from './rows';

export interface SearchPage {
  offset: number;
  limit: number;
}

/** The user's chats (not archived) matching `text`, most recently updated first. */
export async function searchChats(kind: DatabaseKind, db: Kysely<Schema>, userId: string, text: string, page: SearchPage): Promise<ChatRow[]> {
  const words = searchWords(text);
  if (words.length === 0) return [];
  const matches = kind === 'sqlite' ? sqliteMatch(words) : postgresMatch(words);
  return db
    .selectFrom('chats')
    .selectAll()
    .where('user_id', '=', userId)
    .where('archived', '=', 0)
    .where(matches)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
}

/**
 * The words of a search, as both engines' tokenizers split text: runs of letters and digits. At
 * most 16, so a pasted essay cannot make a huge query.
 */
export function searchWords(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}\p{Co}]+/gu) ?? [])].slice(0, 16);
}

function sqliteMatch(words: string[]): RawBuilder<boolean> {
  // Each word quoted: FTS5 then reads it as a plain term, never as query syntax.
  const query = words.map((word) => `"${word}"`).join(' ');
  return sql<boolean>`(
    chats.rowid in (select rowid from chats_fts where chats_fts match ${query})
    or chats.id in (
      select messages.chat_id from messages_fts join messages on messages.rowid = messages_fts.rowid
      where messages_fts match ${query}
    )
  )`;
}

function postgresMatch(words: string[]): RawBuilder<boolean> {
  const query = sql`plainto_tsquery('simple', ${words.join(' ')})`;
  return sql<boolean>`(
    to_tsvector('simple', chats.title) @@ ${query}
    or chats.id in (
      select messages.chat_id from messages
      where to_tsvector('simple', left(messages.content, ${sql.lit(searchedContentLength)})) @@ ${query}
        and messages.status <> 'generating'
    )
  )`;
}
