/**
 * Ollama `/api/chat` objects (each line of a stream, or a whole non-streamed answer) as events:
 * `thinking` → reasoning-delta, `content` → text-delta, each of `tool_calls` → one whole tool-call
 * event (arguments as JSON text, id `call_<n>` unless the server gave one), and the last object
 * (`done: true`) → usage, then end. An `error` field → an error event.
 *
 * A decoder keeps the count of tool calls across a stream: the ids stay unique and the finish
 * reason becomes `tool_calls` when any were made.
 */
import type { ChatEvent } from '../events';
import { mapOllamaDoneReason } from './map-ollama-done-reason';

export interface OllamaChatDecoder {
  decode(chunk: unknown): ChatEvent[];
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function createOllamaChatDecoder(): OllamaChatDecoder {
  let toolCallCount = 0;

  return {
    decode(chunk) {
      const events: ChatEvent[] = [];
      if (!isObject(chunk)) return events;
      if (chunk.error !== undefined && chunk.error !== null) {
        events.push({ type: 'error', code: 'upstream_failed', message: errorMessage(chunk.error) });
        return events;
      }
      const message = chunk.message;
      if (isObject(message)) {
        if (nonEmptyString(message.thinking)) events.push({ type: 'reasoning-delta', text: message.thinking });
        if (nonEmptyString(message.content)) events.push({ type: 'text-delta', text: message.content });
        if (Array.isArray(message.tool_calls)) {
          for (const call of message.tool_calls) {
            if (!isObject(call) || !isObject(call.function)) continue;
            const functionPart = call.function;
            const index = toolCallCount;
            toolCallCount += 1;
            const rawArguments = functionPart.arguments;
            events.push({
              type: 'tool-call',
              index,
              id: nonEmptyString(call.id) ? call.id : `call_${index}`,
              name: typeof functionPart.name === 'string' ? functionPart.name : '',
              argumentsDelta: typeof rawArguments === 'string' ? rawArguments : JSON.stringify(rawArguments ?? {}),
            });
          }
        }
      }
      if (chunk.done === true) {
        if (chunk.prompt_eval_count !== undefined || chunk.eval_count !== undefined) {
          const promptTokens = count(chunk.prompt_eval_count);
          const completionTokens = count(chunk.eval_count);
          events.push({ type: 'usage', usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens } });
        }
        events.push({ type: 'end', finishReason: toolCallCount > 0 ? 'tool_calls' : mapOllamaDoneReason(chunk.done_reason) });
      }
      return events;
    },
  };
}

function errorMessage(error: unknown): string {
  if (nonEmptyString(error)) return error;
  if (isObject(error) && nonEmptyString(error.message)) return error.message;
  return 'the model server reported an error';
}
