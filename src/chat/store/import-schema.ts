/**
 * The shapes chat imports are checked against: Astra's export (`{version: 1, chats: [...]}`) and
 * Open WebUI's (an array of `{id, user_id, title, chat: {title, models, history: {messages,
 * currentId}, messages}, created_at, updated_at, pinned, archived, …}`). A user message's image
 * files become its image parts; fields Astra has no use for (other files, tags, params, folders,
 * ratings…) are accepted and dropped.
 */
import { z } from '../../core/validation';
import { importedContentPart, importedToolCall, maxContentParts, maxToolCalls } from './message-parts';

const id = z.string().min(1).max(200);
/** Seconds or milliseconds since the epoch (see `toMilliseconds`). */
const time = z.number().nonnegative().max(1e14);

export const importedMessage = z.object({
  id: id.nullish(),
  parentId: id.nullish(),
  /** Only their order is used: a message's parent is its `parentId`. */
  childrenIds: z.array(z.unknown()).nullish(),
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string().nullish(),
  reasoning: z.string().nullish(),
  model: z.string().max(500).nullish(),
  timestamp: time.nullish(),
  done: z.boolean().nullish(),
  /** Astra's status string; Open WebUI keeps an unrelated progress object here, which is ignored. */
  status: z.unknown().optional(),
  /** A string (Astra's older form), `{content}` (Open WebUI's and Astra's) or `true`. */
  error: z.unknown().optional(),
  usage: z.record(z.string(), z.unknown()).nullish(),
  timings: z.record(z.string(), z.unknown()).nullish(),
  sources: z.array(z.unknown()).nullish(),
  /** Astra's: an answer's tool calls. (Open WebUI writes them into `content` as text.) */
  tool_calls: z.array(importedToolCall).max(maxToolCalls).nullish(),
  /** Astra's: a message's parts other than text. */
  content_parts: z.array(importedContentPart).max(maxContentParts).nullish(),
  /** Open WebUI's: files attached to a user message; its images (`{type: 'image', url}`) become image parts. */
  files: z.array(z.unknown()).nullish(),
});

export const importedChatBody = z.object({
  title: z.string().max(1000).nullish(),
  models: z.array(z.string().max(500)).max(100).nullish(),
  history: z
    .object({
      messages: z.record(id, importedMessage),
      currentId: z.string().max(200).nullish(),
    })
    .nullish(),
  /** The branch in view; the whole chat when there is no `history` (Open WebUI's oldest exports). */
  messages: z.array(importedMessage).nullish(),
  timestamp: time.nullish(),
});

export const importedChat = z.object({
  // Open WebUI's new-chat form sends an empty id.
  id: z.string().max(200).nullish(),
  title: z.string().max(1000).nullish(),
  chat: importedChatBody,
  created_at: time.nullish(),
  updated_at: time.nullish(),
  pinned: z.boolean().nullish(),
  archived: z.boolean().nullish(),
});

export type ImportedMessage = z.output<typeof importedMessage>;
export type ImportedChatBody = z.output<typeof importedChatBody>;
export type ImportedChat = z.output<typeof importedChat>;

/** Epoch milliseconds from a time in seconds (Open WebUI's usual unit) or milliseconds. */
export function toMilliseconds(time: number): number {
  return Math.round(time >= 1e11 ? time : time * 1000);
}

/** `chats[3].chat.history.messages.abc`: indexes in brackets, odd keys quoted. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(String(key))) text += text === '' ? String(key) : `.${String(key)}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}
