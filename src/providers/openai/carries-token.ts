/**
 * Whether one SSE data payload from an OpenAI-compatible server carries the first real output:
 * non-empty content, reasoning or refusal, a tool call, a finish reason, a final usage chunk, an
 * error, or `[DONE]`. It stops the "first token" timer. The role-only first chunk
 * (`{"delta":{"role":"assistant","content":""}}`) does not count.
 *
 * Most payloads are answered by one pass over their keys, without parsing: it hops from quote to
 * quote, and a string followed by a colon is a key. When a value has a form the pass does not
 * expect, the payload is parsed after all. A content chunk costs a small fraction of a
 * JSON.parse, the role chunk (the worst case: every key looked at) somewhat less than one.
 */

const quote = 34;
const backslash = 92;
const colon = 58;
const openBracket = 91;
const closeBracket = 93;
const openBrace = 123;
const letterN = 110;

export function chunkCarriesToken(data: string): boolean {
  const start = skipWhitespace(data, 0);
  if (data.charCodeAt(start) !== openBrace) return data.startsWith('[DONE]', start);
  // The common case first: a content chunk written compactly.
  const content = data.indexOf('"content":"');
  if (content !== -1 && data.charCodeAt(content + 11) !== quote) return true;
  let parseToBeSure = false;
  let usage = false;
  let choices = false;
  // One pass from string to string; a string followed by a colon is a key. Quotes inside strings
  // are escaped, so text can never be taken for a key.
  let position = start + 1;
  for (;;) {
    const open = data.indexOf('"', position);
    if (open === -1) break;
    const close = stringEnd(data, open + 1);
    if (close === -1) break;
    position = close + 1;
    const afterKey = skipWhitespace(data, position);
    if (data.charCodeAt(afterKey) !== colon) continue;
    const valueAt = skipWhitespace(data, afterKey + 1);
    const first = data.charCodeAt(valueAt);
    if (first === letterN) continue; // null
    const emptyString = first === quote && data.charCodeAt(valueAt + 1) === quote;
    switch (keyAt(data, open + 1, close)) {
      case textKey:
        if (first === quote) {
          if (!emptyString) return true;
        } else if (first !== openBracket) {
          // `logprobs.content` is an array and is skipped; any other form is unexpected.
          parseToBeSure = true;
        }
        break;
      case listKey:
        if (first === openBracket) {
          if (data.charCodeAt(skipWhitespace(data, valueAt + 1)) !== closeBracket) return true;
        } else {
          parseToBeSure = true;
        }
        break;
      case presentKey:
        if (!emptyString) return true;
        break;
      case usageKey:
        usage = true;
        break;
      case choicesKey:
        if (first === openBracket && data.charCodeAt(skipWhitespace(data, valueAt + 1)) !== closeBracket) choices = true;
        break;
      default:
        break;
    }
  }
  // A usage object counts only on the final usage chunk, which has no choices: some servers attach
  // running usage to every chunk, the role chunk included.
  if (usage && !choices) return true;
  return parseToBeSure ? parsedCarriesToken(data) : false;
}

// What a key's value must be to count.
const otherKey = 0;
/** A non-empty string: content, reasoning_content, reasoning, refusal. */
const textKey = 1;
/** A non-empty array: tool_calls. */
const listKey = 2;
/** Anything but null or an empty string: finish_reason, function_call, error. */
const presentKey = 3;
const usageKey = 4;
const choicesKey = 5;

/** Which of the keys that matter sits between `start` and `end`, compared in place. */
function keyAt(data: string, start: number, end: number): number {
  switch (end - start) {
    case 5:
      if (data.startsWith('error', start)) return presentKey;
      return data.startsWith('usage', start) ? usageKey : otherKey;
    case 7:
      if (data.startsWith('content', start) || data.startsWith('refusal', start)) return textKey;
      return data.startsWith('choices', start) ? choicesKey : otherKey;
    case 9:
      return data.startsWith('reasoning', start) ? textKey : otherKey;
    case 10:
      return data.startsWith('tool_calls', start) ? listKey : otherKey;
    case 13:
      return data.startsWith('finish_reason', start) || data.startsWith('function_call', start) ? presentKey : otherKey;
    case 17:
      return data.startsWith('reasoning_content', start) ? textKey : otherKey;
    default:
      return otherKey;
  }
}

/** The index of the quote that closes a string starting at `from`, or -1. */
function stringEnd(data: string, from: number): number {
  let at = data.indexOf('"', from);
  while (at !== -1) {
    let backslashes = 0;
    while (data.charCodeAt(at - 1 - backslashes) === backslash) backslashes += 1;
    if (backslashes % 2 === 0) return at;
    at = data.indexOf('"', at + 1);
  }
  return -1;
}

function skipWhitespace(data: string, position: number): number {
  let index = position;
  for (;;) {
    const code = data.charCodeAt(index);
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) return index;
    index += 1;
  }
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): boolean => typeof value === 'string' && value !== '';

/** The same question answered on the parsed payload: the fallback, and the reference in tests. */
export function parsedCarriesToken(data: string): boolean {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return data.trimStart().startsWith('[DONE]');
  }
  if (!isObject(chunk)) return false;
  if (chunk.error !== undefined && chunk.error !== null && chunk.error !== '') return true;
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    if (nonEmptyString(choice.finish_reason)) return true;
    const delta = choice.delta;
    if (!isObject(delta)) continue;
    if (nonEmptyString(delta.content) || nonEmptyString(delta.reasoning_content) || nonEmptyString(delta.reasoning) || nonEmptyString(delta.refusal)) {
      return true;
    }
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
    if (delta.function_call !== undefined && delta.function_call !== null) return true;
  }
  return isObject(chunk.usage) && choices.length === 0;
}
