/**
 * Faults and delays for whole-body answers: error statuses and hangs before a response starts,
 * one-shot replies (stream:false, embeddings) that stall, reset or arrive malformed, and the
 * model-list knobs. Streamed replies break in token-stream.ts.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from './exchange';
import { sendJson } from './http-io';

export type ErrorStatus = 429 | 500 | 503;

/** Each protocol's own error body for a status. */
export type ErrorBodyFor = (status: ErrorStatus) => unknown;

/**
 * Applies the faults that act before any response: 'hang-before-headers' (answer nothing) and the
 * error statuses. Returns true when the request is handled (the route must not answer).
 */
export function applyPreflightFault(exchange: Exchange, errorBody: ErrorBodyFor): boolean {
  const { behavior, response } = exchange;
  switch (behavior.fault) {
    case 'hang-before-headers':
      return true;
    case 'status-429':
      sendJson(response, 429, errorBody(429), { 'Retry-After': String(behavior.retryAfterSeconds) });
      return true;
    case 'status-500':
      sendJson(response, 500, errorBody(500));
      return true;
    case 'status-503':
      sendJson(response, 503, errorBody(503));
      return true;
    default:
      return false;
  }
}

/**
 * Sends a whole JSON body after `delayMs`, honouring the in-response faults: 'hang-after-headers'
 * (headers, then nothing), 'stall-mid-stream' (half the body, then silence), 'reset-mid-stream'
 * (half the body, then a reset), 'malformed-chunk' (a complete response whose body is cut JSON) and
 * 'error-mid-stream' (the generation fails: a 500 with the protocol's error body).
 */
export function deliverOneShot(
  exchange: Exchange,
  /** Built when sent, so timing fields are real. */
  body: () => unknown,
  delayMs: number,
  errorBody: ErrorBodyFor,
  headers: OutgoingHttpHeaders = {},
): void {
  const { behavior, response } = exchange;
  const contentType = 'application/json; charset=utf-8';
  if (behavior.fault === 'hang-after-headers') {
    response.writeHead(200, { ...headers, 'Content-Type': contentType });
    response.flushHeaders();
    return;
  }
  exchange.after(delayMs, () => {
    const text = JSON.stringify(body());
    const half = text.slice(0, Math.floor(text.length / 2));
    switch (behavior.fault) {
      case 'stall-mid-stream':
        response.writeHead(200, { ...headers, 'Content-Type': contentType });
        response.write(half);
        return;
      case 'reset-mid-stream':
        response.writeHead(200, { ...headers, 'Content-Type': contentType });
        response.write(half);
        exchange.resetConnection();
        return;
      case 'error-mid-stream':
        sendJson(response, 500, errorBody(500), headers);
        return;
      case 'malformed-chunk':
        response.writeHead(200, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(half) });
        response.end(half);
        return;
      default:
        response.writeHead(200, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
        response.end(text);
    }
  });
}

/** Model-list and metadata answers: `listModelsDelayMs`, then `listModelsFault` ('hang' never answers). */
export function answerMetadata(exchange: Exchange, errorBody: ErrorBodyFor, answer: () => void): void {
  const { behavior, response } = exchange;
  if (behavior.listModelsFault === 'hang') return;
  const respond = (): void => {
    if (behavior.listModelsFault === 'status-500') sendJson(response, 500, errorBody(500));
    else answer();
  };
  if (behavior.listModelsDelayMs > 0) exchange.after(behavior.listModelsDelayMs, respond);
  else respond();
}
