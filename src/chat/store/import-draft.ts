/**
 * Turns one checked import record into a `ChatDraft`: its message tree (from `history.messages`, or
 * the plain `messages` list of the oldest exports), each message's status, and times that keep
 * siblings in their original order. Reports, by path, parents that are missing or form a loop.
 */
import { newId } from '../../core/ids';
import type { ChatDraft, MessageDraft } from './chat-draft';
import { buildTree, newestLeaf } from './chat-tree';
import { maxContentParts, type ContentPart } from './message-parts';
import { formatPath, toMilliseconds, type ImportedChat, type ImportedMessage } from './import-schema';
import { defaultChatTitle } from './turns';

interface Entry {
  id: string;
  parentId: string | null;
  message: ImportedMessage;
  /** Where the message is in the input, for error messages. */
  path: string;
  /** Position in the input: the last tie-breaker for sibling order. */
  order: number;
}

/** The draft of `record` (found at `path`), or what is wrong with it. */
export function draftFromRecord(record: ImportedChat, path: string, now: number): { draft: ChatDraft } | { problems: string[] } {
  const chat = record.chat;
  const problems: string[] = [];
  const entries = entriesOf(record, path, problems);
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  for (const entry of entries) {
    if (entry.parentId !== null && !byId.has(entry.parentId)) problems.push(`${entry.path}.parentId: no message "${entry.parentId}" in this chat`);
  }
  const looping = entries.find((entry) => formsLoop(entry, byId));
  if (looping) problems.push(`${looping.path}.parentId: makes a loop (a message cannot descend from itself)`);
  if (problems.length > 0) return { problems };

  const createdAt = optionalTime(record.created_at) ?? optionalTime(chat.timestamp) ?? now;
  const times = siblingTimes(entries, byId, createdAt);
  const messages = entries.map((entry) => messageDraft(entry, times.get(entry.id)!));
  const latestMessage = Math.max(createdAt, ...messages.map((message) => message.createdAt));
  const tree = buildTree([...messages].sort((a, b) => a.createdAt - b.createdAt));
  // A current id that names no message is repaired (as Open WebUI does), not refused.
  const wanted = chat.history?.currentId;
  const currentId = wanted != null && byId.has(wanted) ? wanted : newestLeaf(tree);
  const title = (record.title ?? chat.title ?? '').trim();
  const assistantModels = messages.flatMap((message) => (message.role === 'assistant' && message.model ? [message.model] : []));
  return {
    draft: {
      id: record.id ? record.id : undefined,
      title: title === '' ? defaultChatTitle : title,
      models: chat.models ?? [...new Set(assistantModels)],
      pinned: record.pinned === true,
      archived: record.archived === true,
      currentId,
      createdAt,
      updatedAt: optionalTime(record.updated_at) ?? latestMessage,
      messages,
    },
  };
}

function entriesOf(record: ImportedChat, path: string, problems: string[]): Entry[] {
  const history = record.chat.history;
  if (history) {
    // The map's key is the message's id (Open WebUI writes both, always equal).
    return Object.entries(history.messages).map(([id, message], order) => ({
      id,
      parentId: message.parentId ?? null,
      message,
      path: formatPath(path, ['chat', 'history', 'messages', id]),
      order,
    }));
  }
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (const [order, message] of (record.chat.messages ?? []).entries()) {
    const messagePath = formatPath(path, ['chat', 'messages', order]);
    const id = message.id ?? newId();
    if (seen.has(id)) problems.push(`${messagePath}.id: another message of this chat has the id "${id}"`);
    seen.add(id);
    // A list without parent ids is one linear conversation.
    const parentId = message.parentId !== undefined ? message.parentId : (entries.at(-1)?.id ?? null);
    entries.push({ id, parentId, message, path: messagePath, order });
  }
  return entries;
}

function formsLoop(entry: Entry, byId: Map<string, Entry>): boolean {
  const seen = new Set<string>();
  let current: Entry | undefined = entry;
  while (current !== undefined) {
    if (seen.has(current.id)) return true;
    seen.add(current.id);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return false;
}

/**
 * Creation times (epoch ms) that order each parent's children as the input did: by the parent's
 * `childrenIds`, then timestamp, then position. Exports keep seconds, so siblings written in the
 * same second are spread a millisecond apart.
 */
function siblingTimes(entries: Entry[], byId: Map<string, Entry>, fallback: number): Map<string, number> {
  const groups = new Map<string | null, Entry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.parentId);
    if (group) group.push(entry);
    else groups.set(entry.parentId, [entry]);
  }
  const times = new Map<string, number>();
  for (const [parentId, children] of groups) {
    const listed = parentId === null ? [] : (byId.get(parentId)?.message.childrenIds ?? []);
    const rank = (entry: Entry): number => {
      const index = listed.indexOf(entry.id);
      return index === -1 ? Number.MAX_SAFE_INTEGER : index;
    };
    const time = (entry: Entry): number => optionalTime(entry.message.timestamp) ?? fallback;
    children.sort((a, b) => rank(a) - rank(b) || time(a) - time(b) || a.order - b.order);
    let previous = -Infinity;
    for (const child of children) {
      previous = Math.max(time(child), previous + 1);
      times.set(child.id, previous);
    }
  }
  return times;
}

function messageDraft(entry: Entry, createdAt: number): MessageDraft {
  const { message } = entry;
  const error = errorText(message.error);
  return {
    id: entry.id,
    parentId: entry.parentId,
    role: message.role,
    model: message.model ?? null,
    content: message.content ?? '',
    reasoning: message.reasoning ?? '',
    status: statusOf(message, error),
    error,
    usage: message.usage ?? null,
    timings: message.timings ?? null,
    sources: message.sources ?? null,
    toolCalls: message.tool_calls ?? null,
    contentParts: message.content_parts ?? imageParts(message.files),
    createdAt,
    updatedAt: createdAt,
  };
}

const finishedStatuses = ['complete', 'stopped', 'interrupted', 'error'] as const;

function statusOf(message: ImportedMessage, error: string | null): MessageDraft['status'] {
  const finished = finishedStatuses.find((status) => status === message.status);
  if (finished) return finished;
  // Nothing generates an imported answer any more.
  if (message.status === 'generating') return 'interrupted';
  if (error !== null) return 'error';
  return message.role === 'assistant' && message.done === false ? 'interrupted' : 'complete';
}

function errorText(error: unknown): string | null {
  if (error === undefined || error === null || error === false) return null;
  if (typeof error === 'string') return error;
  const content = (error as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  return error === true ? 'The answer failed' : JSON.stringify(error);
}

function optionalTime(time: number | null | undefined): number | undefined {
  return time === null || time === undefined ? undefined : toMilliseconds(time);
}

/**
 * Open WebUI's image files of a message (`{type: 'image', url}`, the url a data: URL or an address)
 * as image parts; its other files point at uploads Astra does not have, and are left out.
 */
function imageParts(files: unknown[] | null | undefined): ContentPart[] | null {
  const parts: ContentPart[] = [];
  for (const file of files ?? []) {
    const { type, url } = (typeof file === 'object' && file !== null ? file : {}) as { type?: unknown; url?: unknown };
    if (type === 'image' && typeof url === 'string' && url !== '') parts.push({ type: 'image_url', image_url: { url } });
  }
  return parts.length === 0 ? null : parts.slice(0, maxContentParts);
}
