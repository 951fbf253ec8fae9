/**
 * A non-streamed Ollama `/api/chat` answer as an OpenAI `chat.completion` (thinking as
 * `reasoning_content`, tool calls with ids `call_<n>`, `done_reason` as `finish_reason`, eval
 * counts as usage), or as an OpenAI error body when the answer is an error or not finished.
 */
import type { OpenAiChatCompletion, OpenAiErrorBody } from '../openai';
import { encodeCompletion } from '../openai';
import { createOllamaChatDecoder } from './chat-chunk-to-events';

export interface OllamaCompletionOptions {
  /** The completion id to report, e.g. `chatcmpl-…`. */
  id: string;
  /** The model name to report; defaults to the one in the answer. */
  model?: string;
  /** Seconds since the epoch; defaults to the answer's `created_at`. */
  created?: number;
}

export function ollamaChatToOpenAiCompletion(response: unknown, options: OllamaCompletionOptions): OpenAiChatCompletion | OpenAiErrorBody {
  const fields = typeof response === 'object' && response !== null ? (response as { model?: unknown; created_at?: unknown }) : {};
  const model = options.model ?? (typeof fields.model === 'string' ? fields.model : '');
  const created = options.created ?? createdSeconds(fields.created_at);
  return encodeCompletion({ id: options.id, model, created }, createOllamaChatDecoder().decode(response));
}

function createdSeconds(createdAt: unknown): number {
  const milliseconds = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
  return Math.floor((Number.isNaN(milliseconds) ? Date.now() : milliseconds) / 1000);
}
