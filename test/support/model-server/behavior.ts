/**
 * The knobs that shape how the stand-in answers: pacing, reply length and faults. Set server-wide
 * with `setBehavior`, or per request with the `x-stand-in-behavior: {json}` header (merged over the
 * server-wide behaviour, so parallel tests on one server don't interfere).
 */

/** Header carrying a per-request partial Behavior as JSON. */
export const BEHAVIOR_HEADER = 'x-stand-in-behavior';

export const FAULTS = [
  'none',
  /** Read the request, never answer (no status line, no headers). */
  'hang-before-headers',
  /** Send 200 and the headers, then nothing. */
  'hang-after-headers',
  /** Send `stallAfterTokens` tokens, then go silent with the socket open. */
  'stall-mid-stream',
  /** Send `resetAfterTokens` tokens, then reset the TCP connection. */
  'reset-mid-stream',
  'status-500',
  'status-503',
  /** 429 with a `Retry-After: <retryAfterSeconds>` header. */
  'status-429',
  /** After `malformedAfterTokens` tokens, one chunk of invalid JSON; the stream then continues. */
  'malformed-chunk',
  /** After `errorAfterTokens` tokens, the protocol's in-stream error (OpenAI `data: {"error":…}`, Ollama `{"error":…}` line), then the response ends. */
  'error-mid-stream',
] as const;
export type Fault = (typeof FAULTS)[number];

export const LIST_MODELS_FAULTS = ['none', 'hang', 'status-500'] as const;
export type ListModelsFault = (typeof LIST_MODELS_FAULTS)[number];

export interface Behavior {
  /** Delay before the first chunk of the reply (headers go out at once). One-shot replies (stream:false, embeddings) are sent after this delay plus the token delays. */
  firstTokenDelayMs: number;
  /** Delay between two tokens. 0 still yields to the event loop between tokens. */
  tokenDelayMs: number;
  /** How many reply tokens ("Token1 ", "Token2 ", …). Capped by the request's max_tokens / options.num_predict (finish reason "length"). */
  tokenCount: number;
  /** When set, the reply is exactly this text, split into word tokens; tokenCount is ignored. */
  replyText: string | null;
  /** When true, the reply echoes the last user message word by word, then filler tokens up to tokenCount. */
  echo: boolean;
  /** Reasoning tokens ("Thought1 ", …) before the reply. Ollama also emits them (3 by default) when the request sets `think`. OpenAI emits them as `delta.reasoning_content`. */
  thinkingTokenCount: number;
  /** Embedding vector length (a request's own `dimensions` wins). */
  embeddingDimensions: number;
  fault: Fault;
  stallAfterTokens: number;
  resetAfterTokens: number;
  malformedAfterTokens: number;
  errorAfterTokens: number;
  retryAfterSeconds: number;
  /** Delay and fault for the model-list and metadata endpoints: /v1/models, /api/tags, /api/ps, /api/show, /api/version. */
  listModelsDelayMs: number;
  listModelsFault: ListModelsFault;
  /** When true, each streamed reply token carries the moment it was written: "Token3 " becomes "Token3@<performance.now() in ms> ". For benchmarks in the same process (same clock). */
  stampTokens: boolean;
}

export const DEFAULT_BEHAVIOR: Readonly<Behavior> = Object.freeze({
  firstTokenDelayMs: 0,
  tokenDelayMs: 0,
  tokenCount: 8,
  replyText: null,
  echo: false,
  thinkingTokenCount: 0,
  embeddingDimensions: 8,
  fault: 'none',
  stallAfterTokens: 2,
  resetAfterTokens: 2,
  malformedAfterTokens: 2,
  errorAfterTokens: 2,
  retryAfterSeconds: 1,
  listModelsDelayMs: 0,
  listModelsFault: 'none',
  stampTokens: false,
});

const NUMBER_KEYS = [
  'firstTokenDelayMs',
  'tokenDelayMs',
  'tokenCount',
  'thinkingTokenCount',
  'embeddingDimensions',
  'stallAfterTokens',
  'resetAfterTokens',
  'malformedAfterTokens',
  'errorAfterTokens',
  'retryAfterSeconds',
  'listModelsDelayMs',
] as const satisfies ReadonlyArray<keyof Behavior>;

/** Checks a partial behaviour and returns it typed; throws an Error naming the bad knob. */
export function validateBehavior(partial: unknown): Partial<Behavior> {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    throw new Error('behaviour must be a JSON object');
  }
  const record = partial as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (!(key in DEFAULT_BEHAVIOR)) throw new Error(`unknown behaviour knob "${key}"`);
    if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new Error(`behaviour knob "${key}" must be a number >= 0, got ${JSON.stringify(value)}`);
      }
    }
  }
  if ('fault' in record && !(FAULTS as readonly unknown[]).includes(record.fault)) {
    throw new Error(`unknown fault ${JSON.stringify(record.fault)}; one of ${FAULTS.join(', ')}`);
  }
  if ('listModelsFault' in record && !(LIST_MODELS_FAULTS as readonly unknown[]).includes(record.listModelsFault)) {
    throw new Error(`unknown listModelsFault ${JSON.stringify(record.listModelsFault)}; one of ${LIST_MODELS_FAULTS.join(', ')}`);
  }
  if ('replyText' in record && record.replyText !== null && typeof record.replyText !== 'string') {
    throw new Error('behaviour knob "replyText" must be a string or null');
  }
  if ('echo' in record && typeof record.echo !== 'boolean') throw new Error('behaviour knob "echo" must be a boolean');
  if ('stampTokens' in record && typeof record.stampTokens !== 'boolean') throw new Error('behaviour knob "stampTokens" must be a boolean');
  return record as Partial<Behavior>;
}

/** The behaviour for one request: the server-wide one, overridden by the request's header if any. Throws on a malformed header. */
export function behaviorForRequest(serverWide: Behavior, headerValue: string | string[] | undefined): Behavior {
  if (headerValue === undefined) return serverWide;
  const text = Array.isArray(headerValue) ? headerValue.join(',') : headerValue;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${BEHAVIOR_HEADER} is not valid JSON: ${text}`);
  }
  return { ...serverWide, ...validateBehavior(parsed) };
}
