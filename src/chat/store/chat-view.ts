/**
 * What the API shows of chats, in Open WebUI's shapes: the list item, and the whole chat with its
 * `history` (every message, each with its `childrenIds`: siblings are a parent's children) and
 * `messages` (the branch in view, root to `currentId`). Derived from rows; times in epoch seconds.
 */
import { epochSeconds } from '../../core/ids';
import type { MessageRole, MessageStatus } from '../../storage';
import { branchTo, buildTree, newestLeaf } from './chat-tree';
import type { ContentPart, ToolCall } from './message-parts';
import { readJson, type ChatRow, type ChatWithMessages, type MessageRow } from './rows';

export interface ChatListItem {
  id: string;
  title: string;
  updated_at: number;
  created_at: number;
  pinned: boolean;
  archived: boolean;
}

export interface MessageView {
  id: string;
  parentId: string | null;
  childrenIds: string[];
  role: MessageRole;
  content: string;
  model?: string;
  timestamp: number;
  /** False while the answer is being generated. */
  done: boolean;
  status: MessageStatus;
  /** Open WebUI's shape for a failed answer. */
  error?: { content: string };
  usage?: Record<string, unknown>;
  timings?: Record<string, unknown>;
  sources?: unknown[];
  reasoning?: string;
  /** An answer's tool calls, in OpenAI's shape. */
  tool_calls?: ToolCall[];
  /** A message's parts other than text (images, audio, files), in OpenAI's shape; the text is `content`. */
  content_parts?: ContentPart[];
}

export interface ChatView {
  id: string;
  user_id: string;
  title: string;
  chat: {
    title: string;
    models: string[];
    history: { messages: Record<string, MessageView>; currentId: string | null };
    messages: MessageView[];
  };
  updated_at: number;
  created_at: number;
  share_id: string | null;
  archived: boolean;
  pinned: boolean;
}

export function chatListItem(chat: ChatRow): ChatListItem {
  return {
    id: chat.id,
    title: chat.title,
    updated_at: epochSeconds(chat.updated_at),
    created_at: epochSeconds(chat.created_at),
    pinned: chat.pinned === 1,
    archived: chat.archived === 1,
  };
}

export function chatView({ chat, messages }: ChatWithMessages): ChatView {
  const tree = buildTree(messages.map((row) => ({ id: row.id, parentId: row.parent_id, row })));
  const views: Record<string, MessageView> = {};
  for (const { row } of tree.byId.values()) views[row.id] = messageView(row, tree.children.get(row.id) ?? []);
  // A current id naming no message (never written so; a safety net) shows the newest branch instead.
  const currentId = chat.current_message_id !== null && tree.byId.has(chat.current_message_id) ? chat.current_message_id : newestLeaf(tree);
  return {
    id: chat.id,
    user_id: chat.user_id,
    title: chat.title,
    chat: {
      title: chat.title,
      models: readJson<string[]>(chat.models) ?? [],
      history: { messages: views, currentId },
      messages: branchTo(tree, currentId).map((message) => views[message.id]!),
    },
    updated_at: epochSeconds(chat.updated_at),
    created_at: epochSeconds(chat.created_at),
    share_id: chat.share_id,
    archived: chat.archived === 1,
    pinned: chat.pinned === 1,
  };
}

function messageView(row: MessageRow, childrenIds: string[]): MessageView {
  const view: MessageView = {
    id: row.id,
    parentId: row.parent_id,
    childrenIds,
    role: row.role,
    content: row.content,
    timestamp: epochSeconds(row.created_at),
    done: row.status !== 'generating',
    status: row.status,
  };
  if (row.model !== null) view.model = row.model;
  if (row.error !== null) view.error = { content: row.error };
  const usage = readJson<Record<string, unknown>>(row.usage);
  if (usage !== undefined) view.usage = usage;
  const timings = readJson<Record<string, unknown>>(row.timings);
  if (timings !== undefined) view.timings = timings;
  const sources = readJson<unknown[]>(row.sources);
  if (sources !== undefined) view.sources = sources;
  if (row.reasoning !== '') view.reasoning = row.reasoning;
  const toolCalls = readJson<ToolCall[]>(row.tool_calls);
  if (toolCalls !== undefined) view.tool_calls = toolCalls;
  const contentParts = readJson<ContentPart[]>(row.content_parts);
  if (contentParts !== undefined) view.content_parts = contentParts;
  return view;
}
