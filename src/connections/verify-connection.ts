/**
 * Reaching a model server the way the model list does (Ollama: GET /api/tags; OpenAI-compatible:
 * GET /models with the key), within AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST, and saying exactly what
 * failed and in which phase when it does not work.
 */
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { describeFailure, describeTimeout, type FailurePhase, type RequestProgress } from './describe-failure';
import type { ConnectionKind } from './types';

export interface VerifyTarget {
  kind: ConnectionKind;
  baseUrl: string;
  apiKey: string;
}

export type VerifyResult =
  | { ok: true; latencyMs: number; modelCount: number }
  | { ok: false; latencyMs: number; error: string; phase: FailurePhase };

/** A model list larger than this is not a model list. */
const maxBodyBytes = 32 * 1024 * 1024;

export function modelListUrl(target: Pick<VerifyTarget, 'kind' | 'baseUrl'>): string {
  return target.kind === 'ollama' ? `${target.baseUrl}/api/tags` : `${target.baseUrl}/models`;
}

export async function verifyConnection(target: VerifyTarget, options: { dispatcher: Dispatcher; timeoutMs: number }): Promise<VerifyResult> {
  const url = modelListUrl(target);
  const started = performance.now();
  const latency = (): number => Math.round(performance.now() - started);
  const progress: RequestProgress = { connected: false, answered: false };
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort(new Error('verification timed out'));
  }, options.timeoutMs);
  const fail = (error: string, phase: FailurePhase): VerifyResult => ({
    ok: false,
    latencyMs: latency(),
    error: scrub(error, target.apiKey),
    phase,
  });
  try {
    const response = await request(url, {
      method: 'GET',
      dispatcher: options.dispatcher.compose(watchProgress(progress)),
      headers: { accept: 'application/json', ...(target.apiKey === '' ? {} : { authorization: `Bearer ${target.apiKey}` }) },
      signal: abort.signal,
    });
    progress.answered = true;
    const body = await readBody(response.body);
    if (response.statusCode < 200 || response.statusCode > 299) {
      return fail(`HTTP ${response.statusCode} from ${url}${upstreamMessage(body)}`, 'status');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      const contentType = headerValue(response.headers['content-type']) ?? 'no content type';
      return fail(`response was not JSON from ${url} (${contentType}): ${snippet(body) || '(empty body)'}`, 'body');
    }
    const models = modelsIn(parsed, target.kind);
    if (models === undefined) {
      const field = target.kind === 'ollama' ? '"models"' : '"data"';
      return fail(`response from ${url} has no ${field} list of models: ${snippet(body)}`, 'body');
    }
    return { ok: true, latencyMs: latency(), modelCount: models.length };
  } catch (error) {
    if (timedOut) return fail(describeTimeout(options.timeoutMs, url, progress), phaseOf(progress));
    const failure = describeFailure(error, url, progress);
    return fail(failure.message, failure.phase);
  } finally {
    clearTimeout(timer);
  }
}

function phaseOf(progress: RequestProgress): FailurePhase {
  return progress.answered ? 'body' : progress.connected ? 'response' : 'connect';
}

/**
 * Marks `progress.connected` when the request is handed to a connected socket (after any TLS
 * handshake). The handler is wrapped in a Proxy rather than a class so that it keeps whichever
 * handler interface (undici's older or newer one) the original has.
 */
function watchProgress(progress: RequestProgress): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (options, handler) =>
    dispatch(
      options,
      new Proxy(handler, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property);
          if (typeof value !== 'function') return value;
          const method = value as (...args: unknown[]) => unknown;
          if (property === 'onConnect' || property === 'onRequestStart') {
            return (...args: unknown[]) => {
              progress.connected = true;
              return method.apply(target, args);
            };
          }
          return method.bind(target);
        },
      }),
    );
}

async function readBody(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBodyBytes) {
      body.destroy();
      throw Object.assign(new Error(`the response is larger than ${maxBodyBytes / 1024 / 1024} MB`), { code: 'ASTRA_BODY_TOO_LARGE' });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function modelsIn(parsed: unknown, kind: ConnectionKind): unknown[] | undefined {
  if (kind === 'openai' && Array.isArray(parsed)) return parsed;
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const list = (parsed as Record<string, unknown>)[kind === 'ollama' ? 'models' : 'data'];
  return Array.isArray(list) ? list : undefined;
}

/** `: <what the server said>` from an error body (OpenAI's, Ollama's or FastAPI's shape, or text), or ''. */
function upstreamMessage(body: string): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown> | null;
    const error = parsed?.error;
    const candidates = [
      error !== null && typeof error === 'object' ? (error as Record<string, unknown>).message : error,
      parsed?.detail,
      parsed?.message,
    ];
    const found = candidates.find((candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '');
    if (found !== undefined) text = found;
  } catch {
    // Not JSON: the text itself is the message.
  }
  const shown = snippet(text);
  return shown === '' ? '' : `: ${shown}`;
}

function snippet(text: string, length = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A server may echo the key in its error; it never goes back to the caller whole. */
function scrub(text: string, apiKey: string): string {
  return apiKey.length < 4 ? text : text.split(apiKey).join('****');
}
