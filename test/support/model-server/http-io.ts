/** Small helpers for reading request bodies and writing whole responses on plain node:http. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Larger bodies are cut off; the stand-in never needs them. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface RequestBody {
  /** Parsed JSON; undefined when the body was empty; the raw text when it was not JSON. */
  value: unknown;
  isJson: boolean;
  /** The body as it arrived. */
  text: string;
}

export function readBody(request: IncomingMessage): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') {
        resolve({ value: undefined, isJson: false, text });
        return;
      }
      try {
        resolve({ value: JSON.parse(text) as unknown, isJson: true, text });
      } catch {
        resolve({ value: text, isJson: false, text });
      }
    });
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  sendText(response, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
}

export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
  headers: OutgoingHttpHeaders = {},
): void {
  response.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
