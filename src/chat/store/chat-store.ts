/**
 * Chats and messages as rows. Every read and change names the user as well as the chat, so a chat
 * is only ever reached by its owner (the one exception: a chat read through its active share id).
 */
import type { Kysely } from 'kysely';
import { badRequest } from '../../core/errors';
import { randomToken } from '../../core/ids';
import type { Database, Schema } from '../../storage';
import { cloneDraft, type ChatDraft } from './chat-draft';
import { searchChats, type SearchPage } from './chat-search';
import { insertChats } from './insert-chats';
import type { ChatRow, ChatWithMessages, MessageRow } from './rows';
import { defaultChatTitle, finishMessage, markInterrupted, saveProgress, startTurn, type AnswerProgress, type MessageResult, type TurnStart } from './turns';

export interface ChatListFilter extends SearchPage {
  /** Leave out archived chats (the default), include them, or list only them. */
  archived?: 'exclude' | 'include' | 'only';
  /** Only pinned (true) or only unpinned (false) chats; both when undefined. */
  pinned?: boolean;
}

/** The changes `POST /api/v1/chats/{id}` may make. */
export interface ChatChanges {
  title?: string;
  models?: string[];
  /** Must be a message of the chat. */
  currentId?: string;
}

/** Chat owners remembered per process: a chat's owner never changes, and every turn asks for it. */
const ownerCacheLimit = 10_000;

export class ChatStore {
  private readonly db: Kysely<Schema>;
  /** Chat id → owner id, for chats seen lately (oldest first). */
  private readonly owners = new Map<string, string>();

  constructor(private readonly database: Database) {
    this.db = database.db;
  }

  async startTurn(turn: TurnStart): Promise<{ createdChat: boolean }> {
    const started = await startTurn(this.db, turn);
    this.rememberOwner(turn.chatId, turn.userId);
    return started;
  }

  saveProgress(messageId: string, progress: AnswerProgress): Promise<void> {
    return saveProgress(this.db, messageId, progress);
  }

  finishMessage(messageId: string, result: MessageResult): Promise<void> {
    return finishMessage(this.db, messageId, result);
  }

  markInterrupted(filter: { processIds?: string[]; exceptProcessIds?: string[] }): Promise<number> {
    return markInterrupted(this.db, filter);
  }

  getMessage(chatId: string, userId: string, messageId: string): Promise<MessageRow | undefined> {
    return this.db
      .selectFrom('messages')
      .innerJoin('chats', 'chats.id', 'messages.chat_id')
      .selectAll('messages')
      .where('messages.id', '=', messageId)
      .where('messages.chat_id', '=', chatId)
      .where('chats.user_id', '=', userId)
      .executeTakeFirst();
  }

  /** The chat's latest answer (by creation): its id, the message it answers, and whether it still generates. */
  async latestAnswer(chatId: string): Promise<{ messageId: string; userMessageId: string; processId: string | null; running: boolean } | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .select(['id', 'parent_id', 'process_id', 'status'])
      .where('chat_id', '=', chatId)
      .where('role', '=', 'assistant')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return { messageId: row.id, userMessageId: row.parent_id ?? '', processId: row.process_id, running: row.status === 'generating' };
  }

  /**
   * The id of the chat's owner; undefined when there is no such chat. Remembered once known, so a
   * turn in a chat this process has seen asks the database nothing before its upstream request. (A
   * chat deleted by another process may be remembered after it is gone; its id is then refused to
   * others, which is what its owner's id would be anyway.)
   */
  async chatOwner(chatId: string): Promise<string | undefined> {
    const remembered = this.owners.get(chatId);
    if (remembered !== undefined) return remembered;
    const owner = (await this.db.selectFrom('chats').select('user_id').where('id', '=', chatId).executeTakeFirst())?.user_id;
    if (owner !== undefined) this.rememberOwner(chatId, owner);
    return owner;
  }

  private rememberOwner(chatId: string, userId: string): void {
    if (this.owners.has(chatId)) return;
    if (this.owners.size >= ownerCacheLimit) this.owners.delete(this.owners.keys().next().value!);
    this.owners.set(chatId, userId);
  }

  async ownsChat(chatId: string, userId: string): Promise<boolean> {
    return (await this.find(chatId, userId)) !== undefined;
  }

  find(chatId: string, userId: string): Promise<ChatRow | undefined> {
    return this.db.selectFrom('chats').selectAll().where('id', '=', chatId).where('user_id', '=', userId).executeTakeFirst();
  }

  /** The user's chats, most recently updated first. */
  list(userId: string, filter: ChatListFilter): Promise<ChatRow[]> {
    let query = this.db.selectFrom('chats').selectAll().where('user_id', '=', userId);
    if (filter.archived !== 'include') query = query.where('archived', '=', filter.archived === 'only' ? 1 : 0);
    if (filter.pinned !== undefined) query = query.where('pinned', '=', filter.pinned ? 1 : 0);
    return query.orderBy('updated_at', 'desc').orderBy('id', 'desc').offset(filter.offset).limit(filter.limit).execute();
  }

  search(userId: string, text: string, page: SearchPage): Promise<ChatRow[]> {
    return searchChats(this.database.kind, this.db, userId, text, page);
  }

  async read(chatId: string, userId: string): Promise<ChatWithMessages | undefined> {
    const chat = await this.find(chatId, userId);
    return chat === undefined ? undefined : { chat, messages: await this.messagesOf(chat.id) };
  }

  /** The chat behind an active share link, for anyone signed in. */
  async readShared(shareId: string): Promise<ChatWithMessages | undefined> {
    const chat = await this.db.selectFrom('chats').selectAll().where('share_id', '=', shareId).executeTakeFirst();
    return chat === undefined ? undefined : { chat, messages: await this.messagesOf(chat.id) };
  }

  /** Writes whole chats (new, imported) in one transaction; ids already taken are replaced. */
  create(userId: string, drafts: ChatDraft[]): Promise<ChatRow[]> {
    return insertChats(this.db, userId, drafts);
  }

  async update(chatId: string, userId: string, changes: ChatChanges): Promise<ChatWithMessages | undefined> {
    if ((await this.find(chatId, userId)) === undefined) return undefined;
    if (changes.currentId !== undefined) {
      const message = await this.db.selectFrom('messages').select('id').where('id', '=', changes.currentId).where('chat_id', '=', chatId).executeTakeFirst();
      if (message === undefined) throw badRequest(`chat.currentId: no message "${changes.currentId}" in this chat`);
    }
    const edited = changes.title !== undefined || changes.models !== undefined;
    const values = {
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.models !== undefined ? { models: JSON.stringify(changes.models) } : {}),
      ...(changes.currentId !== undefined ? { current_message_id: changes.currentId } : {}),
      // Moving along the tree is reading, not editing: the chat keeps its place in the list.
      ...(edited ? { updated_at: Date.now() } : {}),
    };
    if (Object.keys(values).length > 0) {
      await this.db.updateTable('chats').set(values).where('id', '=', chatId).where('user_id', '=', userId).execute();
    }
    return this.read(chatId, userId);
  }

  /**
   * Gives the chat `title` only if it still has the default one (a generated title never
   * overwrites the user's own); returns the chat as it is then, or undefined when nothing changed.
   */
  setTitleIfDefault(chatId: string, userId: string, title: string): Promise<ChatRow | undefined> {
    return this.db
      .updateTable('chats')
      .set({ title })
      .where('id', '=', chatId)
      .where('user_id', '=', userId)
      .where('title', '=', defaultChatTitle)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(chatId: string, userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('chats').where('id', '=', chatId).where('user_id', '=', userId).executeTakeFirst();
    const deleted = Number(result.numDeletedRows) > 0;
    if (deleted) this.owners.delete(chatId);
    return deleted;
  }

  /** Deletes every chat of the user; returns how many. */
  async deleteAll(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('chats').where('user_id', '=', userId).executeTakeFirst();
    for (const [chatId, owner] of this.owners) if (owner === userId) this.owners.delete(chatId);
    return Number(result.numDeletedRows);
  }

  /** Flips `pinned` or `archived`; returns the chat as it is now. */
  async toggle(chatId: string, userId: string, flag: 'pinned' | 'archived'): Promise<ChatWithMessages | undefined> {
    const result = await this.db
      .updateTable('chats')
      .set((eb) => {
        const flipped = eb(eb.val(1), '-', eb.ref(flag));
        return flag === 'pinned' ? { pinned: flipped } : { archived: flipped };
      })
      .where('id', '=', chatId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 0 ? undefined : this.read(chatId, userId);
  }

  /** A copy of the chat with new ids, titled "Clone of …", neither pinned, archived nor shared. */
  async clone(chatId: string, userId: string): Promise<ChatRow | undefined> {
    const original = await this.read(chatId, userId);
    if (original === undefined) return undefined;
    const [copy] = await insertChats(this.db, userId, [cloneDraft(original, Date.now())]);
    return copy;
  }

  /** The chat's share id, made (random, 192 bits) when it has none. */
  async share(chatId: string, userId: string): Promise<string | undefined> {
    const row = await this.db
      .updateTable('chats')
      .set((eb) => ({ share_id: eb.fn.coalesce('share_id', eb.val(randomToken(24))) }))
      .where('id', '=', chatId)
      .where('user_id', '=', userId)
      .returning('share_id')
      .executeTakeFirst();
    return row?.share_id ?? undefined;
  }

  /** Revokes the share link; false when the chat is not the user's. */
  async unshare(chatId: string, userId: string): Promise<boolean> {
    const result = await this.db.updateTable('chats').set({ share_id: null }).where('id', '=', chatId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Every chat of the user with its messages, most recently updated first: two queries in all. */
  async exportAll(userId: string): Promise<ChatWithMessages[]> {
    const chats = await this.db.selectFrom('chats').selectAll().where('user_id', '=', userId).orderBy('updated_at', 'desc').orderBy('id', 'desc').execute();
    const messages = await this.db
      .selectFrom('messages')
      .innerJoin('chats', 'chats.id', 'messages.chat_id')
      .selectAll('messages')
      .where('chats.user_id', '=', userId)
      .orderBy('messages.created_at')
      .orderBy('messages.id')
      .execute();
    const byChat = new Map(chats.map((chat) => [chat.id, [] as MessageRow[]]));
    for (const message of messages) byChat.get(message.chat_id)?.push(message);
    return chats.map((chat) => ({ chat, messages: byChat.get(chat.id) ?? [] }));
  }

  private messagesOf(chatId: string): Promise<MessageRow[]> {
    return this.db.selectFrom('messages').selectAll().where('chat_id', '=', chatId).orderBy('created_at').orderBy('id').execute();
  }
}
