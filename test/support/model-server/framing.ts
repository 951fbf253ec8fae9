/** Wire framing: OpenAI's Server-Sent Events and Ollama's newline-delimited JSON. */

export const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** One SSE event carrying already-serialised JSON: `data: <json>` and a blank line. */
export function sseEvent(json: string): string {
  return `data: ${json}\n\n`;
}

/** The event that ends an OpenAI stream. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** One NDJSON line carrying already-serialised JSON. */
export function ndjsonLine(json: string): string {
  return `${json}\n`;
}
