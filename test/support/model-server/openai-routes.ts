/**
 * The OpenAI-compatible API under /v1: GET /v1/models, GET /v1/models/{id},
 * POST /v1/chat/completions, POST /v1/embeddings. With an `apiKey`, every route requires
 * `Authorization: Bearer <apiKey>` (401 otherwise). Errors use OpenAI's error body.
 */
import { embeddingVector, float32Base64 } from './embeddings';
import type { Exchange } from './exchange';
import { answerMetadata, applyPreflightFault, deliverOneShot } from './faults';
import { sendJson } from './http-io';
import { handleOpenaiChat } from './openai-chat';
import { openaiError, openaiModelNotFound, openaiStatusError } from './openai-errors';
import { countWords } from './reply-text';
import type { StandInState } from './state';

/** A fixed creation time, so model lists are deterministic. */
const MODEL_CREATED = 1715367049;

function modelObject(id: string): Record<string, unknown> {
  return { id, object: 'model', created: MODEL_CREATED, owned_by: 'system' };
}

function isAuthorized(exchange: Exchange, state: StandInState): boolean {
  if (state.apiKey === undefined) return true;
  const header = exchange.request.headers.authorization;
  if (header === `Bearer ${state.apiKey}`) return true;
  const message =
    header === undefined
      ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
      : `Incorrect API key provided: ${header.replace(/^Bearer\s+/i, '').slice(0, 8)}****. You can find your API key at https://platform.openai.com/account/api-keys.`;
  sendJson(exchange.response, 401, openaiError(message, 'invalid_request_error', header === undefined ? null : 'invalid_api_key'));
  return false;
}

/** The requested model when it exists; otherwise answers 400/404 and returns undefined. */
function requireModel(exchange: Exchange, state: StandInState): string | undefined {
  const body = exchange.record.body;
  const model = typeof body === 'object' && body !== null ? (body as { model?: unknown }).model : undefined;
  if (typeof model !== 'string' || model === '') {
    sendJson(exchange.response, 400, openaiError('you must provide a model parameter', 'invalid_request_error', null));
    return undefined;
  }
  if (!state.openaiModels.includes(model)) {
    sendJson(exchange.response, 404, openaiModelNotFound(model));
    return undefined;
  }
  return model;
}

export function routeOpenai(exchange: Exchange, state: StandInState): void {
  const { record, response } = exchange;
  if (!isAuthorized(exchange, state)) return;
  const { method, path } = record;

  if (method === 'GET' && path === '/v1/models') {
    answerMetadata(exchange, openaiStatusError, () => {
      sendJson(response, 200, { object: 'list', data: state.openaiModels.map(modelObject) });
    });
    return;
  }
  if (method === 'GET' && path.startsWith('/v1/models/')) {
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    answerMetadata(exchange, openaiStatusError, () => {
      if (state.openaiModels.includes(id)) sendJson(response, 200, modelObject(id));
      else sendJson(response, 404, openaiModelNotFound(id));
    });
    return;
  }
  if (method === 'POST' && path === '/v1/chat/completions') {
    const model = requireModel(exchange, state);
    if (model === undefined || applyPreflightFault(exchange, openaiStatusError)) return;
    if (!Array.isArray((record.body as { messages?: unknown }).messages)) {
      sendJson(response, 400, openaiError("Missing required parameter: 'messages'.", 'invalid_request_error', 'missing_required_parameter', 'messages'));
      return;
    }
    handleOpenaiChat(exchange, state, model);
    return;
  }
  if (method === 'POST' && path === '/v1/embeddings') {
    const model = requireModel(exchange, state);
    if (model === undefined || applyPreflightFault(exchange, openaiStatusError)) return;
    answerEmbeddings(exchange, model);
    return;
  }
  sendJson(response, 404, openaiError(`Invalid URL (${method} ${path})`, 'invalid_request_error', null));
}

function answerEmbeddings(exchange: Exchange, model: string): void {
  const body = exchange.record.body as { input?: unknown; encoding_format?: unknown; dimensions?: unknown };
  const inputs = (Array.isArray(body.input) ? body.input : [body.input]).map((item) => (typeof item === 'string' ? item : JSON.stringify(item ?? '')));
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? body.dimensions : exchange.behavior.embeddingDimensions;
  const base64 = body.encoding_format === 'base64';
  let promptTokens = 0;
  const data = inputs.map((text, index) => {
    promptTokens += countWords(text);
    const vector = embeddingVector(text, dimensions);
    return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
  });
  deliverOneShot(
    exchange,
    () => ({ object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }),
    exchange.behavior.firstTokenDelayMs,
    openaiStatusError,
  );
}
