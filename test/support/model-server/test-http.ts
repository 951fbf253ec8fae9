/** HTTP helpers for the stand-in's own tests: raw requests with undici and chunk arrival times. */
import { Agent, request, type Dispatcher } from 'undici';
import { BEHAVIOR_HEADER, type Behavior } from './behavior';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface TimedResponse extends RawResponse {
  /** Milliseconds from sending to the response headers. */
  headersAfterMs: number;
  /** Each body chunk as it arrived, with milliseconds since sending. */
  chunks: Array<{ atMs: number; text: string }>;
}

export function behaviorHeader(behavior: Partial<Behavior>): Record<string, string> {
  return { [BEHAVIOR_HEADER]: JSON.stringify(behavior) };
}

/** POSTs JSON (or GETs when body is undefined) and reads the whole body, timing each chunk. */
export async function send(
  url: string,
  body?: unknown,
  options: { headers?: Record<string, string>; dispatcher?: Dispatcher; signal?: AbortSignal } = {},
): Promise<TimedResponse> {
  const started = performance.now();
  const response = await request(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: options.dispatcher,
    signal: options.signal,
  });
  const headersAfterMs = performance.now() - started;
  const chunks: TimedResponse['chunks'] = [];
  for await (const chunk of response.body) chunks.push({ atMs: performance.now() - started, text: Buffer.from(chunk as Uint8Array).toString('utf8') });
  return { status: response.statusCode, headers: response.headers, text: chunks.map((chunk) => chunk.text).join(''), headersAfterMs, chunks };
}

/** An undici Agent with short timeouts, for fault tests. */
export function agentWithTimeouts(timeouts: { headersTimeout?: number; bodyTimeout?: number }): Agent {
  return new Agent({ headersTimeout: timeouts.headersTimeout ?? 5000, bodyTimeout: timeouts.bodyTimeout ?? 5000 });
}

/** Reads a streamed body until it ends or fails; returns what arrived and the error, if any. */
export async function readUntilFailure(url: string, body: unknown, dispatcher: Dispatcher, headers: Record<string, string> = {}): Promise<{ status: number; text: string; error: unknown }> {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), dispatcher });
  let text = '';
  try {
    for await (const chunk of response.body) text += Buffer.from(chunk as Uint8Array).toString('utf8');
    return { status: response.statusCode, text, error: undefined };
  } catch (error) {
    return { status: response.statusCode, text, error };
  }
}

/** The error code of an undici/Node error or its cause. */
export function errorCode(error: unknown): string | undefined {
  const withCode = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof withCode?.code === 'string') return withCode.code;
  if (typeof withCode?.cause?.code === 'string') return withCode.cause.code;
  return undefined;
}
