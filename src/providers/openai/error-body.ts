/**
 * The message in a model server's error body, short enough to show a person: OpenAI's
 * `{"error":{"message":…}}`, Ollama's `{"error":"…"}`, FastAPI's `{"detail":…}`, vLLM's
 * `{"object":"error","message":…}`, an HTML error page from a proxy (its title), or plain text.
 * Whitespace is collapsed and long messages are cut. An empty body gives an empty string.
 */

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

const defaultMaxLength = 300;

export function parseUpstreamErrorBody(body: string | Uint8Array, maxLength: number = defaultMaxLength): string {
  const text = (typeof body === 'string' ? body : new TextDecoder().decode(body)).trim();
  if (text === '') return '';
  let message: string | undefined;
  const first = text.charCodeAt(0);
  if (first === 123 /* { */ || first === 91 /* [ */ || first === 34 /* " */) {
    try {
      message = messageOf(JSON.parse(text), 0);
    } catch {
      // Not JSON after all: the text itself.
    }
  } else if (first === 60 /* < */) {
    message = htmlMessage(text);
  }
  return shorten(collapseWhitespace(message ?? text), maxLength);
}

function messageOf(value: unknown, depth: number): string | undefined {
  if (depth > 3) return undefined;
  if (nonEmptyString(value)) return value;
  if (Array.isArray(value)) {
    // FastAPI validation errors: [{"loc": [...], "msg": "…"}]
    const messages = value.map((item) => messageOf(item, depth + 1)).filter((item): item is string => item !== undefined);
    return messages.length > 0 ? messages.join('; ') : undefined;
  }
  if (!isObject(value)) return undefined;
  for (const key of ['error', 'message', 'detail', 'msg', 'error_description', 'title']) {
    const found = messageOf(value[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function htmlMessage(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
  const text = (title ?? html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')).replace(/<[^>]*>/g, ' ');
  return decodeBasicEntities(text);
}

function decodeBasicEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

const collapseWhitespace = (text: string): string => text.replace(/\s+/g, ' ').trim();

function shorten(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, Math.max(0, maxLength - 1)).trimEnd()}…`;
}
