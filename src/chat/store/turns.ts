/**
 * The writes a generation makes: one transaction to start a turn (the chat when new, the user's
 * message, the assistant's placeholder), one small UPDATE per saved piece of progress, one to
 * finish, and the sweep that marks answers whose process stopped as interrupted.
 */
import type { Kysely } from 'kysely';
import { AstraError, badRequest, notFound } from '../../core/errors';
import type { Schema } from '../../storage';
import { isUniqueViolation, writeJson } from './rows';

export interface TurnStart {
  chatId: string;
  userId: string;
  /** Create the chat when it does not exist (owned by userId); when it exists it must be the user's, else a 404 AstraError. */
  title?: string;
  models: string[];
  /** The new user message, or null when regenerating an answer to an existing user message (assistant.parentId). */
  userMessage: { id: string; parentId: string | null; content: string } | null;
  assistantMessage: { id: string; parentId: string; model: string };
  processId: string;
}

/** How a generation ended, and what it produced. */
export interface MessageResult {
  status: 'complete' | 'stopped' | 'interrupted' | 'error';
  content: string;
  reasoning: string;
  error?: string;
  usage?: object;
  timings?: object;
  sources?: unknown[];
}

export const defaultChatTitle = 'New Chat';

/**
 * In one transaction: creates the chat when new, adds the user's message (unless regenerating) and
 * the assistant's placeholder (status 'generating', owned by `processId`), and makes the
 * placeholder the chat's current message.
 */
export async function startTurn(db: Kysely<Schema>, turn: TurnStart): Promise<{ createdChat: boolean }> {
  const { chatId, userId, userMessage, assistantMessage } = turn;
  if (userMessage !== null && userMessage.id === assistantMessage.id) {
    throw new AstraError('conflict', `The user message and the answer cannot both have the id "${userMessage.id}"`);
  }
  const now = Date.now();
  try {
    return await db.transaction().execute(async (transaction) => {
      const inserted = await transaction
        .insertInto('chats')
        .values({
          id: chatId,
          user_id: userId,
          title: turn.title ?? defaultChatTitle,
          models: JSON.stringify(turn.models),
          pinned: 0,
          archived: 0,
          share_id: null,
          current_message_id: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      const createdChat = inserted !== undefined;
      if (!createdChat) {
        const owner = await transaction.selectFrom('chats').select('user_id').where('id', '=', chatId).executeTakeFirst();
        if (owner?.user_id !== userId) throw notFound('Chat');
      }

      const newIds = userMessage === null ? [assistantMessage.id] : [userMessage.id, assistantMessage.id];
      const taken = await transaction.selectFrom('messages').select('id').where('id', 'in', newIds).executeTakeFirst();
      if (taken !== undefined) throw duplicateMessage(taken.id);

      if (userMessage?.parentId != null) await requireInChat(transaction, chatId, userMessage.parentId, 'userMessage.parentId');
      if (userMessage !== null) {
        if (assistantMessage.parentId !== userMessage.id) {
          throw badRequest(`assistantMessage.parentId: must be the new user message "${userMessage.id}"`);
        }
      } else {
        await requireInChat(transaction, chatId, assistantMessage.parentId, 'assistantMessage.parentId');
      }

      // Later than every message already in the chat, even if the clock stepped back: siblings are
      // ordered by creation time, so a regenerated answer must sort after the one it replaces.
      const latest = await transaction
        .selectFrom('messages')
        .select((eb) => eb.fn.max('created_at').as('at'))
        .where('chat_id', '=', chatId)
        .executeTakeFirst();
      const createdAt = Math.max(now, Number(latest?.at ?? 0) + 1);
      const common = { chat_id: chatId, reasoning: '', error: null, usage: null, timings: null, sources: null, updated_at: now };
      if (userMessage !== null) {
        await transaction
          .insertInto('messages')
          .values({ ...common, id: userMessage.id, parent_id: userMessage.parentId, role: 'user', model: null, content: userMessage.content, status: 'complete', process_id: null, created_at: createdAt })
          .execute();
      }
      await transaction
        .insertInto('messages')
        // A millisecond after the question, so that rows read oldest first list the question first.
        .values({ ...common, id: assistantMessage.id, parent_id: assistantMessage.parentId, role: 'assistant', model: assistantMessage.model, content: '', status: 'generating', process_id: turn.processId, created_at: createdAt + 1 })
        .execute();

      const models = turn.models.length > 0 && !createdChat ? { models: JSON.stringify(turn.models) } : {};
      await transaction
        .updateTable('chats')
        .set({ current_message_id: assistantMessage.id, updated_at: now, ...models })
        .where('id', '=', chatId)
        .execute();
      return { createdChat };
    });
  } catch (error) {
    // Another request took one of the ids between the check and the insert.
    if (isUniqueViolation(error)) throw new AstraError('conflict', 'A message with one of these ids already exists', { cause: error });
    throw error;
  }
}

/** Stores the answer so far; does nothing once the message is no longer being generated. */
export async function saveProgress(db: Kysely<Schema>, messageId: string, progress: { content: string; reasoning: string }): Promise<void> {
  await db
    .updateTable('messages')
    .set({ content: progress.content, reasoning: progress.reasoning, updated_at: Date.now() })
    .where('id', '=', messageId)
    .where('status', '=', 'generating')
    .execute();
}

/** Stores how the generation ended; the message no longer belongs to a process. */
export async function finishMessage(db: Kysely<Schema>, messageId: string, result: MessageResult): Promise<void> {
  await db
    .updateTable('messages')
    .set({
      status: result.status,
      content: result.content,
      reasoning: result.reasoning,
      error: result.error ?? null,
      usage: writeJson(result.usage),
      timings: writeJson(result.timings),
      sources: writeJson(result.sources),
      process_id: null,
      updated_at: Date.now(),
    })
    .where('id', '=', messageId)
    .execute();
}

/**
 * Marks messages still 'generating' as 'interrupted': those of `processIds` (when given), except
 * those of `exceptProcessIds` (when given). Returns how many were marked.
 */
export async function markInterrupted(db: Kysely<Schema>, filter: { processIds?: string[]; exceptProcessIds?: string[] }): Promise<number> {
  if (filter.processIds !== undefined && filter.processIds.length === 0) return 0;
  let query = db.updateTable('messages').set({ status: 'interrupted', process_id: null, updated_at: Date.now() }).where('status', '=', 'generating');
  if (filter.processIds !== undefined) query = query.where('process_id', 'in', filter.processIds);
  if (filter.exceptProcessIds !== undefined && filter.exceptProcessIds.length > 0) {
    const except = filter.exceptProcessIds;
    query = query.where((eb) => eb.or([eb('process_id', 'is', null), eb('process_id', 'not in', except)]));
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

async function requireInChat(db: Kysely<Schema>, chatId: string, messageId: string, field: string): Promise<void> {
  const found = await db.selectFrom('messages').select('id').where('id', '=', messageId).where('chat_id', '=', chatId).executeTakeFirst();
  if (found === undefined) throw badRequest(`${field}: no message "${messageId}" in this chat`);
}

function duplicateMessage(id: string): AstraError {
  return new AstraError('conflict', `A message with the id "${id}" already exists`);
}
