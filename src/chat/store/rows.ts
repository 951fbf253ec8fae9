/**
 * The row types of the chat tables, and the few helpers every query module shares: reading and
 * writing JSON columns, recognising a unique-key violation, and splitting long id lists for
 * `in (…)` queries.
 */
import type { Selectable } from 'kysely';
import type { ChatTable, MessageTable } from '../../storage';

export type ChatRow = Selectable<ChatTable>;
export type MessageRow = Selectable<MessageTable>;

/** A chat with all its messages, oldest first (by `created_at`, then id). */
export interface ChatWithMessages {
  chat: ChatRow;
  messages: MessageRow[];
}

/** The value of a JSON column, or undefined when empty or (never expected) not valid JSON. */
export function readJson<T>(text: string | null): T | undefined {
  if (text === null || text === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** A JSON column's text for `value`, or null when there is nothing to store. */
export function writeJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** A JSON array column's text for `list`, or null when the list is absent or empty. */
export function writeJsonList(list: readonly unknown[] | null | undefined): string | null {
  return list === undefined || list === null || list.length === 0 ? null : JSON.stringify(list);
}

/** Whether a database error is a primary-key or unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** `items` in slices of at most `size`: queries stay under both databases' parameter limits. */
export function inChunks<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
