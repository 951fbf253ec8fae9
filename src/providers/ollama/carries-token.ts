/**
 * Whether one line of an Ollama `/api/chat` (or `/api/generate`) stream carries the first real
 * output: non-empty content, thinking or response text, a tool call, the last object
 * (`"done":true`), or an error. It stops the "first token" timer.
 *
 * Ollama writes compact JSON, which a scan for a few exact patterns answers without parsing; a
 * line written some other way (spaces after colons) is parsed. A quote inside a JSON string is
 * always escaped, so the patterns cannot match inside text.
 */

const quote = 34;

const textKeys = ['"content":"', '"thinking":"', '"response":"'];

export function ollamaLineCarriesToken(line: string): boolean {
  for (const key of textKeys) {
    let at = line.indexOf(key);
    while (at !== -1) {
      if (line.charCodeAt(at + key.length) !== quote) return true;
      at = line.indexOf(key, at + key.length);
    }
  }
  if (line.includes('"done":true') || line.includes('"error":')) return true;
  const toolCalls = line.indexOf('"tool_calls":[');
  if (toolCalls !== -1 && line.charCodeAt(toolCalls + 14) !== 93 /* ] */) return true;
  // Compact JSON from Ollama stops here; anything else is parsed to be sure.
  return line.includes('": ') || line.includes('" :') ? parsedLineCarriesToken(line) : false;
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): boolean => typeof value === 'string' && value !== '';

/** The same question answered on the parsed line: the fallback, and the reference in tests. */
export function parsedLineCarriesToken(line: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return false;
  }
  if (!isObject(value)) return false;
  if (value.done === true || (value.error !== undefined && value.error !== null)) return true;
  if (nonEmptyString(value.response) || nonEmptyString(value.thinking)) return true;
  const message = value.message;
  if (!isObject(message)) return false;
  return nonEmptyString(message.content) || nonEmptyString(message.thinking) || (Array.isArray(message.tool_calls) && message.tool_calls.length > 0);
}
