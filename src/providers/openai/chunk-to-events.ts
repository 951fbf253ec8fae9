/**
 * One OpenAI `chat.completion.chunk` (already parsed from its SSE `data:` line) as events. Only the
 * first choice is read: Astra asks for one. Within a chunk, reasoning comes before text, and
 * `usage` before `end`. Stateless: see `createOpenAiStreamDecoder` for a whole stream.
 */
import type { ChatEvent, ChatEventOf, Usage } from '../events';
import { mapOpenAiFinishReason } from './map-openai-finish-reason';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

export function openAiChunkToEvents(chunk: unknown): ChatEvent[] {
  const events: ChatEvent[] = [];
  if (!isObject(chunk)) return events;
  if (chunk.error !== undefined && chunk.error !== null) {
    events.push(openAiErrorToEvent(chunk.error));
    return events;
  }
  let finish: ChatEvent | undefined;
  const choices = chunk.choices;
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      if (!isObject(choice) || (choice.index !== undefined && choice.index !== 0)) continue;
      if (isObject(choice.delta)) deltaToEvents(choice.delta, events);
      const finishReason = mapOpenAiFinishReason(choice.finish_reason);
      if (finishReason !== undefined) finish = { type: 'end', finishReason };
    }
  }
  if (isObject(chunk.usage)) events.push({ type: 'usage', usage: openAiUsageToUsage(chunk.usage) });
  if (finish !== undefined) events.push(finish);
  return events;
}

function deltaToEvents(delta: JsonObject, events: ChatEvent[]): void {
  // DeepSeek, vLLM and llama.cpp say `reasoning_content`; OpenRouter and newer vLLM say `reasoning`.
  // Some send both with the same text, so one is taken.
  const reasoning = nonEmptyString(delta.reasoning_content) ? delta.reasoning_content : delta.reasoning;
  if (nonEmptyString(reasoning)) events.push({ type: 'reasoning-delta', text: reasoning });
  if (nonEmptyString(delta.content)) events.push({ type: 'text-delta', text: delta.content });
  if (nonEmptyString(delta.refusal)) events.push({ type: 'text-delta', text: delta.refusal });
  const toolCalls = delta.tool_calls;
  if (Array.isArray(toolCalls)) {
    for (let position = 0; position < toolCalls.length; position += 1) {
      const call: unknown = toolCalls[position];
      if (!isObject(call)) continue;
      const index = typeof call.index === 'number' ? call.index : position;
      pushToolCall(events, index, call.id, isObject(call.function) ? call.function : undefined);
    }
  } else if (isObject(delta.function_call)) {
    // The deprecated single-function form.
    pushToolCall(events, 0, undefined, delta.function_call);
  }
}

function pushToolCall(events: ChatEvent[], index: number, id: unknown, functionPart: JsonObject | undefined): void {
  const rawArguments = functionPart?.arguments;
  const argumentsDelta =
    typeof rawArguments === 'string' ? rawArguments : rawArguments === undefined || rawArguments === null ? '' : JSON.stringify(rawArguments);
  const name = functionPart?.name;
  if (argumentsDelta === '' && !nonEmptyString(id) && !nonEmptyString(name)) return;
  const event: ChatEventOf<'tool-call'> = { type: 'tool-call', index, argumentsDelta };
  if (nonEmptyString(id)) event.id = id;
  if (nonEmptyString(name)) event.name = name;
  events.push(event);
}

/** OpenAI's usage object; missing counts are 0 and a missing total is their sum. */
export function openAiUsageToUsage(usage: JsonObject): Usage {
  const promptTokens = typeof usage.prompt_tokens === 'number' ? usage.prompt_tokens : 0;
  const completionTokens = typeof usage.completion_tokens === 'number' ? usage.completion_tokens : 0;
  const totalTokens = typeof usage.total_tokens === 'number' ? usage.total_tokens : promptTokens + completionTokens;
  return { promptTokens, completionTokens, totalTokens };
}

/** An error a server sent inside a stream (`{"error": {...}}` or `{"error": "…"}`). */
export function openAiErrorToEvent(error: unknown): ChatEvent {
  let message = 'the model server reported an error';
  if (nonEmptyString(error)) message = error;
  else if (isObject(error) && nonEmptyString(error.message)) message = error.message;
  return { type: 'error', code: 'upstream_failed', message };
}
