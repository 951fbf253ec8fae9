/**
 * A whole chat to be written at once (a new chat with its first messages, an imported chat, a
 * clone): the ids it would like to keep, its settings and its message tree. Times in epoch ms.
 */
import type { MessageRole, MessageStatus } from '../../storage';
import type { ContentPart, ToolCall } from './message-parts';
import { readJson, type ChatWithMessages } from './rows';

export interface MessageDraft {
  id: string;
  parentId: string | null;
  role: MessageRole;
  model: string | null;
  content: string;
  reasoning: string;
  status: Exclude<MessageStatus, 'generating'>;
  error: string | null;
  usage: Record<string, unknown> | null;
  timings: Record<string, unknown> | null;
  sources: unknown[] | null;
  toolCalls: ToolCall[] | null;
  contentParts: ContentPart[] | null;
  createdAt: number;
  updatedAt: number;
}

export interface ChatDraft {
  /** Kept when free; a new id is given otherwise. */
  id?: string;
  title: string;
  models: string[];
  pinned: boolean;
  archived: boolean;
  /** A message of `messages`, or null for none. */
  currentId: string | null;
  createdAt: number;
  updatedAt: number;
  /** Message ids are kept when free; taken ones are replaced (and references to them updated). */
  messages: MessageDraft[];
}

/**
 * A copy of a stored chat, titled "Clone of …", neither pinned nor archived. Its ids are all taken
 * (by the original), so writing it gives every message a new id.
 */
export function cloneDraft({ chat, messages }: ChatWithMessages, now: number): ChatDraft {
  return {
    title: `Clone of ${chat.title}`,
    models: readJson<string[]>(chat.models) ?? [],
    pinned: false,
    archived: false,
    currentId: chat.current_message_id,
    createdAt: now,
    updatedAt: now,
    messages: messages.map((message) => ({
      id: message.id,
      parentId: message.parent_id,
      role: message.role,
      model: message.model,
      content: message.content,
      reasoning: message.reasoning,
      // The copy has no generation running for it.
      status: message.status === 'generating' ? 'interrupted' : message.status,
      error: message.error,
      usage: readJson<Record<string, unknown>>(message.usage) ?? null,
      timings: readJson<Record<string, unknown>>(message.timings) ?? null,
      sources: readJson<unknown[]>(message.sources) ?? null,
      toolCalls: readJson<ToolCall[]>(message.tool_calls) ?? null,
      contentParts: readJson<ContentPart[]>(message.content_parts) ?? null,
      createdAt: message.created_at,
      updatedAt: message.updated_at,
    })),
  };
}
