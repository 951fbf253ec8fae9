/**
 * What a generation needs from the chat storage: the turn's rows written in one transaction before
 * the upstream call, the text saved now and then while it streams, and the final state at the end.
 * The chat store satisfies it; tests may count its calls.
 */

import type { AnswerProgress, MessageResult, TurnStart } from '../store';

export type { AnswerProgress, TurnStart };

/** The final state of an answer, as stored. */
export type FinishedMessage = MessageResult;

/** How a generation ended. */
export type FinishedStatus = MessageResult['status'];

/** A stored message as the generation reads it back. */
export interface StoredMessage {
  id: string;
  chat_id: string;
  parent_id: string | null;
  role: string;
  model: string | null;
  content: string;
  reasoning: string;
  status: string;
  error: string | null;
  usage: unknown;
  timings: unknown;
  /** JSON array of the answer's tool calls, or null (absent from stores that keep none). */
  tool_calls?: string | null;
}

/** The chat store's methods a generation uses. */
export interface GenerationStore {
  /** One transaction; 404 when the chat is another user's, 400 for a parent not in the chat, 409 for duplicate ids. */
  startTurn(turn: TurnStart): Promise<{ createdChat: boolean }>;
  saveProgress(messageId: string, progress: AnswerProgress): Promise<void>;
  finishMessage(messageId: string, result: FinishedMessage): Promise<void>;
  /** Marks 'generating' messages of the given processes (or of all but the given ones) 'interrupted'. */
  markInterrupted(filter: { processIds?: string[]; exceptProcessIds?: string[] }): Promise<number>;
  getMessage(chatId: string, userId: string, messageId: string): Promise<StoredMessage | undefined>;
  ownsChat(chatId: string, userId: string): Promise<boolean>;
  /** The chat's latest answer (by creation): its id, the message it answers, and whether it still generates. */
  latestAnswer(chatId: string): Promise<{ messageId: string; userMessageId: string; processId: string | null; running: boolean } | undefined>;
  /** The id of the chat's owner; undefined when there is no such chat. */
  chatOwner(chatId: string): Promise<string | undefined>;
}
