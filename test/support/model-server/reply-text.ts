/**
 * The deterministic "model": what the stand-in says for a given request, so tests can check exact
 * output. By default the reply is `tokenCount` tokens "Token1 ", "Token2 ", …; `replyText` gives a
 * fixed text; `echo` repeats the last user message word by word (each token ending with whitespace),
 * then filler tokens up to tokenCount.
 */
import type { Behavior } from './behavior';

export type FinishReason = 'stop' | 'length';

export interface Reply {
  tokens: string[];
  finishReason: FinishReason;
}

/** The reply tokens for a request. `maxTokens` (max_tokens / num_predict) truncates and makes the finish reason "length". */
export function replyFor(behavior: Behavior, lastUserText: string, maxTokens?: number): Reply {
  let tokens: string[];
  if (behavior.replyText !== null) {
    tokens = splitIntoWordTokens(behavior.replyText);
  } else {
    const echoed = behavior.echo ? splitIntoWordTokens(lastUserText) : [];
    // Like the filler tokens, every echoed token ends with whitespace: "hello world" → "hello ", "world ".
    const last = echoed.length - 1;
    if (last >= 0 && !/\s$/.test(echoed[last] ?? '')) echoed[last] = `${echoed[last] ?? ''} `;
    tokens = echoed;
    for (let index = echoed.length; index < behavior.tokenCount; index += 1) tokens.push(fillerToken(index + 1));
  }
  if (maxTokens !== undefined && maxTokens >= 0 && tokens.length > maxTokens) {
    return { tokens: tokens.slice(0, maxTokens), finishReason: 'length' };
  }
  return { tokens, finishReason: 'stop' };
}

/**
 * A token with its send time: "Token3 " → "Token3@1234.567 " (performance.now() in milliseconds,
 * inserted before the trailing whitespace), so a client in the same process can tell how long the
 * token took to reach it.
 */
export function stampToken(token: string, nowMs: number = performance.now()): string {
  const trailing = /\s*$/.exec(token)?.[0] ?? '';
  return `${token.slice(0, token.length - trailing.length)}@${nowMs.toFixed(3)}${trailing}`;
}

/** "Token<n> ": the n-th default reply token (1-based). */
export function fillerToken(position: number): string {
  return `Token${position} `;
}

/** The default reply text for `tokenCount` tokens: "Token1 Token2 … TokenN ". */
export function defaultReplyText(tokenCount: number): string {
  let text = '';
  for (let position = 1; position <= tokenCount; position += 1) text += fillerToken(position);
  return text;
}

/** Reasoning tokens "Thought1 ", "Thought2 ", …. */
export function thinkingTokens(count: number): string[] {
  const tokens: string[] = [];
  for (let position = 1; position <= count; position += 1) tokens.push(`Thought${position} `);
  return tokens;
}

/** Splits text into tokens of one word plus its trailing whitespace; joining them gives the text back. */
export function splitIntoWordTokens(text: string): string[] {
  const leading = /^\s*/.exec(text)?.[0] ?? '';
  const tokens = text.slice(leading.length).match(/\S+\s*/g) ?? [];
  if (tokens.length === 0) return text === '' ? [] : [text];
  tokens[0] = leading + tokens[0];
  return tokens;
}

/** The text of a message's content: a string, or OpenAI-style parts `[{type:"text", text}]`. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string') {
      text += (part as { text: string }).text;
    }
  }
  return text;
}

function messageList(messages: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(messages)) return [];
  return messages.filter((message): message is Record<string, unknown> => typeof message === 'object' && message !== null);
}

/** The text of the last message with role "user" ('' when there is none). */
export function lastUserText(messages: unknown): string {
  const list = messageList(messages);
  for (let index = list.length - 1; index >= 0; index -= 1) {
    const message = list[index];
    if (message !== undefined && message.role === 'user') return contentText(message.content);
  }
  return '';
}

/** A rough prompt size in "tokens": the number of words in all messages. */
export function promptWordCount(messages: unknown): number {
  let count = 0;
  for (const message of messageList(messages)) count += countWords(contentText(message.content));
  return count;
}

export function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** A tool call happens when the request offers tools and the last user message says "call tool". */
export function wantsToolCall(tools: unknown, userText: string): boolean {
  return Array.isArray(tools) && tools.length > 0 && /call tool/i.test(userText);
}

export interface PlannedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * The call the stand-in makes: the first offered tool, with an argument for each required property
 * (all properties when none are required) filled with a placeholder of the declared type.
 */
export function plannedToolCall(tools: unknown): PlannedToolCall {
  const first: unknown = Array.isArray(tools) ? tools[0] : undefined;
  const definition = (first as { function?: Record<string, unknown> } | undefined)?.function ?? {};
  const name = typeof definition.name === 'string' ? definition.name : 'tool';
  const parameters = (definition.parameters ?? {}) as { properties?: Record<string, { type?: unknown }>; required?: unknown };
  const properties = parameters.properties ?? {};
  const required = Array.isArray(parameters.required) ? parameters.required.filter((key): key is string => typeof key === 'string') : [];
  const keys = required.length > 0 ? required : Object.keys(properties);
  const argumentsObject: Record<string, unknown> = {};
  for (const key of keys) argumentsObject[key] = placeholderFor(properties[key]?.type);
  return { name, arguments: argumentsObject };
}

function placeholderFor(type: unknown): unknown {
  switch (Array.isArray(type) ? type[0] : type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return 'test';
  }
}
