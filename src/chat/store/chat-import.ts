/**
 * Reads chats sent to Astra whole: an import (Astra's export or Open WebUI's) and a new chat with
 * its first messages. Every record is checked before anything is written; one bad record rejects
 * the request with a 400 naming each problem by path (`chats[3].chat.history.messages.abc.role: …`).
 */
import { badRequest } from '../../core/errors';
import { checkInput } from '../../core/validation';
import type { ChatDraft } from './chat-draft';
import { draftFromRecord } from './import-draft';
import { formatPath, importedChat, importedChatBody } from './import-schema';

/** The version of Astra's export format (`GET /api/v1/chats/export`). */
export const exportVersion = 1;

/** More chats than this in one import is refused (the body limit bounds their size). */
export const maxImportedChats = 10_000;

const problemsShown = 10;

/** The drafts of every chat in an import body, or a 400 listing what is wrong (nothing is imported). */
export function parseChatImport(body: unknown, now = Date.now()): ChatDraft[] {
  const records = recordsOf(body);
  if (records.length > maxImportedChats) throw badRequest(`chats: at most ${maxImportedChats} chats can be imported at once`);
  const problems: string[] = [];
  const drafts: ChatDraft[] = [];
  for (const [index, record] of records.entries()) {
    const result = parseRecord(record, formatPath('chats', [index]), now);
    if ('draft' in result) drafts.push(result.draft);
    else problems.push(...result.problems);
  }
  if (problems.length > 0) throw importRefused(problems);
  return drafts;
}

/** The draft of the `chat` of `POST /api/v1/chats/new` (title, models, optional messages). */
export function parseNewChat(chat: unknown, now = Date.now()): ChatDraft {
  const checked = checkInput(importedChatBody, chat);
  const result =
    'data' in checked
      ? draftFromRecord({ chat: { ...checked.data, timestamp: null } }, '', now)
      : { problems: checked.problems.map((problem) => `${formatPath('chat', problem.path)}: ${problem.description}`) };
  if ('problems' in result) throw badRequest(result.problems.slice(0, problemsShown).join('; '));
  return { ...result.draft, createdAt: now, updatedAt: now };
}

function recordsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null && Array.isArray((body as { chats?: unknown }).chats)) {
    const version = (body as { version?: unknown }).version;
    if (version !== undefined && version !== exportVersion) throw badRequest(`version: must be ${exportVersion} (this export is of a format this Astra does not know)`);
    return (body as { chats: unknown[] }).chats;
  }
  throw badRequest('body: must be a chat export: an array of chats (Open WebUI) or {"version": 1, "chats": [...]} (Astra)');
}

function parseRecord(record: unknown, path: string, now: number): { draft: ChatDraft } | { problems: string[] } {
  // Open WebUI's importer also takes a bare chat (`{title, history, messages}`) without its wrapper.
  const wrapped = typeof record === 'object' && record !== null && !('chat' in record) ? { title: (record as { title?: unknown }).title, chat: record } : record;
  const checked = checkInput(importedChat, wrapped);
  if ('problems' in checked) return { problems: checked.problems.map((problem) => `${formatPath(path, problem.path)}: ${problem.description}`) };
  return draftFromRecord(checked.data, path, now);
}

function importRefused(problems: string[]): Error {
  const more = problems.length > problemsShown ? `; and ${problems.length - problemsShown} more` : '';
  return badRequest(`Nothing was imported: ${problems.slice(0, problemsShown).join('; ')}${more}`);
}
