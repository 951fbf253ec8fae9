/**
 * Writes whole chats (new with messages, imported, cloned) in one transaction: all of them or none.
 * Ids already taken, in the database or earlier in the same batch, are replaced by new ones.
 */
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../../core/ids';
import type { Schema } from '../../storage';
import type { ChatDraft } from './chat-draft';
import { inChunks, writeJson, writeJsonList, type ChatRow, type MessageRow } from './rows';

/** Rows per INSERT: 17 columns × 200 stays far below SQLite's and PostgreSQL's parameter limits. */
const rowsPerInsert = 200;

/** Inserts `drafts` as chats of `userId`; returns the chat rows written, in the order given. */
export async function insertChats(db: Kysely<Schema>, userId: string, drafts: ChatDraft[]): Promise<ChatRow[]> {
  if (drafts.length === 0) return [];
  return db.transaction().execute(async (transaction) => {
    const takenChats = await existingIds(transaction, 'chats', drafts.flatMap((draft) => (draft.id === undefined ? [] : [draft.id])));
    const takenMessages = await existingIds(transaction, 'messages', drafts.flatMap((draft) => draft.messages.map((message) => message.id)));
    const chats: ChatRow[] = [];
    const messages: MessageRow[] = [];
    for (const draft of drafts) {
      const chatId = draft.id === undefined ? newId() : freshId(draft.id, takenChats);
      const ids = new Map(draft.messages.map((message) => [message.id, freshId(message.id, takenMessages)]));
      const idOf = (id: string | null): string | null => (id === null ? null : (ids.get(id) ?? null));
      chats.push({
        id: chatId,
        user_id: userId,
        title: draft.title,
        models: JSON.stringify(draft.models),
        pinned: draft.pinned ? 1 : 0,
        archived: draft.archived ? 1 : 0,
        share_id: null,
        current_message_id: idOf(draft.currentId),
        created_at: draft.createdAt,
        updated_at: draft.updatedAt,
      });
      for (const message of draft.messages) {
        messages.push({
          id: ids.get(message.id)!,
          chat_id: chatId,
          parent_id: idOf(message.parentId),
          role: message.role,
          model: message.model,
          content: message.content,
          reasoning: message.reasoning,
          status: message.status,
          error: message.error,
          usage: writeJson(message.usage),
          timings: writeJson(message.timings),
          sources: writeJson(message.sources),
          tool_calls: writeJsonList(message.toolCalls),
          content_parts: writeJsonList(message.contentParts),
          process_id: null,
          created_at: message.createdAt,
          updated_at: message.updatedAt,
        });
      }
    }
    for (const chunk of inChunks(chats, rowsPerInsert)) await transaction.insertInto('chats').values(chunk).execute();
    for (const chunk of inChunks(messages, rowsPerInsert)) await transaction.insertInto('messages').values(chunk).execute();
    return chats;
  });
}

/** `id` when nobody has it yet (and claims it), else a new id. */
function freshId(id: string, taken: Set<string>): string {
  const chosen = taken.has(id) ? newId() : id;
  taken.add(chosen);
  return chosen;
}

async function existingIds(transaction: Transaction<Schema>, table: 'chats' | 'messages', ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of inChunks([...new Set(ids)], 500)) {
    const rows = await transaction.selectFrom(table).select('id').where('id', 'in', chunk).execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}
