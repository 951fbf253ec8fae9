/**
 * Chat storage: chats and their messages as rows, full-text search, and the readers of imported
 * chats. The generation jobs write through `ChatStore.startTurn`/`saveProgress`/`finishMessage`.
 */
export { ChatStore, type ChatChanges, type ChatListFilter } from './chat-store';
export type { ChatDraft, MessageDraft } from './chat-draft';
export { chatListItem, chatView, type ChatListItem, type ChatView, type MessageView } from './chat-view';
export { exportVersion, parseChatImport, parseNewChat } from './chat-import';
export { defaultChatTitle, type AnswerProgress, type MessageResult, type TurnStart } from './turns';
export { maxContentParts, nonTextParts, type ContentPart, type ToolCall } from './message-parts';
export type { ChatRow, ChatWithMessages, MessageRow } from './rows';
