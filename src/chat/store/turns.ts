/**
 * The writes a generation makes: one transaction to start a turn (the chat when new, the user's
 * message, the assistant's placeholder), one small UPDATE per saved piece of progress, one to
 * finish, and the sweep that marks answers whose process stopped as interrupted.
 */
import type { Kysely } from 'kysely';
import { AstraError, badRequest, notFound } from '../../core/errors';
import type { Schema } from '../../storage';
import type { ContentPart, ToolCall } from './message-parts';
import { isUniqueViolation, writeJson, writeJsonList } from './rows';

export interface TurnStart {
  chatId: string;
  userId: string;
  /** Create the chat when it does not exist (owned by userId); when it exists it must be the user's, else a 404 AstraError. */
  title?: string;
  models: string[];
  /**
   * The new user message, or null when regenerating an answer to an existing user message
   * (assistant.parentId). `content` is its text; `contentParts` its other parts (images…), if any.
   */
  userMessage: { id: string; parentId: string | null; content: string; contentParts?: ContentPart[] | null } | null;
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
  /** The answer's tool calls, when it made any. */
  toolCalls?: ToolCall[];
}

/** An answer so far, as saved while it streams. */
export interface AnswerProgress {
  content: string;
  reasoning: string;
  /** The tool calls so far; the stored ones are left as they are when absent or empty. */
  toolCalls?: ToolCall[];
}

export const defaultChatTitle = 'New Chat';

/**
 * In one transaction: creates the chat when new, adds the user's message (unless regenerating) and
 * the assistant's placeholder (status 'generating', owned by `processId`), and makes the
 * placeholder the chat's current message. This runs before the model server is asked, so it is
 * kept to four statements: the chat's owner, the chat's latest message time with whether the parent
 * is in it (two index lookups, however long the chat), one insert of both messages, the chat's
 * current message. A message id that is taken is found by the insert failing, not by a read before it.
 */
export async function startTurn(db: Kysely<Schema>, turn: TurnStart): Promise<{ createdChat: boolean }> {
  const { chatId, userMessage, assistantMessage } = turn;
  if (userMessage !== null && userMessage.id === assistantMessage.id) {
    throw new AstraError('conflict', `The user message and the answer cannot both have the id "${userMessage.id}"`);
  }
  if (userMessage !== null && assistantMessage.parentId !== userMessage.id) {
    throw badRequest(`assistantMessage.parentId: must be the new user message "${userMessage.id}"`);
  }
  const now = Date.now();
  try {
    return await db.transaction().execute(async (transaction) => {
      const createdChat = await claimChat(transaction, turn, now);
      // The message the turn follows: the user message's parent, or the user message to answer again.
      const parentId = userMessage === null ? assistantMessage.parentId : userMessage.parentId;
      const parentField = userMessage === null ? 'assistantMessage.parentId' : 'userMessage.parentId';
      let latestAt = 0;
      if (!createdChat) {
        // Two index lookups, whatever the chat's length: the newest message by (chat_id, created_at),
        // the parent by its id.
        const chat = await transaction
          .selectNoFrom((eb) => [
            eb.selectFrom('messages').select((inner) => inner.fn.max('created_at').as('at')).where('chat_id', '=', chatId).as('at'),
            eb
              .selectFrom('messages')
              .select('id')
              .where('id', '=', parentId ?? '')
              .where('chat_id', '=', chatId)
              .as('parent'),
          ])
          .executeTakeFirst();
        latestAt = Number(chat?.at ?? 0);
        if (parentId != null && chat?.parent == null) throw badRequest(`${parentField}: no message "${parentId}" in this chat`);
      } else if (parentId != null) {
        throw badRequest(`${parentField}: no message "${parentId}" in this chat`);
      }

      // Later than every message already in the chat, even if the clock stepped back: siblings are
      // ordered by creation time, so a regenerated answer must sort after the one it replaces.
      const createdAt = Math.max(now, latestAt + 1);
      const common = { chat_id: chatId, reasoning: '', error: null, usage: null, timings: null, sources: null, tool_calls: null, updated_at: now };
      const assistantRow = {
        ...common,
        id: assistantMessage.id,
        parent_id: assistantMessage.parentId,
        role: 'assistant' as const,
        model: assistantMessage.model,
        content: '',
        content_parts: null,
        status: 'generating' as const,
        process_id: turn.processId,
        // A millisecond after the question, so that rows read oldest first list the question first.
        created_at: createdAt + 1,
      };
      const rows =
        userMessage === null
          ? [assistantRow]
          : [
              {
                ...common,
                id: userMessage.id,
                parent_id: userMessage.parentId,
                role: 'user' as const,
                model: null,
                content: userMessage.content,
                content_parts: writeJsonList(userMessage.contentParts),
                status: 'complete' as const,
                process_id: null,
                created_at: createdAt,
              },
              assistantRow,
            ];
      await transaction.insertInto('messages').values(rows).execute();

      const models = turn.models.length > 0 && !createdChat ? { models: JSON.stringify(turn.models) } : {};
      await transaction
        .updateTable('chats')
        .set({ current_message_id: assistantMessage.id, updated_at: now, ...models })
        .where('id', '=', chatId)
        .execute();
      return { createdChat };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // One of the ids is taken (by an earlier message, or by another request just now): name it.
    const ids = userMessage === null ? [assistantMessage.id] : [userMessage.id, assistantMessage.id];
    const taken = await db.selectFrom('messages').select('id').where('id', 'in', ids).executeTakeFirst();
    if (taken !== undefined) throw duplicateMessage(taken.id);
    throw new AstraError('conflict', 'A message with one of these ids already exists', { cause: error });
  }
}

/**
 * The chat the turn goes into: true when this call created it (owned by the caller), false when it
 * exists and is the caller's; a 404 when it is someone else's.
 */
async function claimChat(transaction: Kysely<Schema>, turn: TurnStart, now: number): Promise<boolean> {
  const { chatId, userId } = turn;
  const owner = await transaction.selectFrom('chats').select('user_id').where('id', '=', chatId).executeTakeFirst();
  if (owner !== undefined) {
    if (owner.user_id !== userId) throw notFound('Chat');
    return false;
  }
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
  if (inserted !== undefined) return true;
  // Created by another request between the read and the insert.
  const racedOwner = await transaction.selectFrom('chats').select('user_id').where('id', '=', chatId).executeTakeFirst();
  if (racedOwner?.user_id !== userId) throw notFound('Chat');
  return false;
}

/** Stores the answer so far; does nothing once the message is no longer being generated. */
export async function saveProgress(db: Kysely<Schema>, messageId: string, progress: AnswerProgress): Promise<void> {
  const toolCalls = writeJsonList(progress.toolCalls);
  await db
    .updateTable('messages')
    .set({ content: progress.content, reasoning: progress.reasoning, ...(toolCalls === null ? {} : { tool_calls: toolCalls }), updated_at: Date.now() })
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
      tool_calls: writeJsonList(result.toolCalls),
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

function duplicateMessage(id: string): AstraError {
  return new AstraError('conflict', `A message with the id "${id}" already exists`);
}
