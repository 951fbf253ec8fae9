/**
 * Ollama's native API: GET /, /api/tags, /api/version, /api/ps; POST /api/show, /api/chat,
 * /api/generate, /api/embed, /api/embeddings. Errors are `{"error": "…"}`; unknown paths get
 * Go's plain-text "404 page not found".
 */
import { embeddingVector } from './embeddings';
import type { Exchange } from './exchange';
import { answerMetadata, applyPreflightFault, deliverOneShot } from './faults';
import { sendJson, sendText } from './http-io';
import { findOllamaModel, ollamaCapabilities, ollamaRunningEntry, ollamaShowBody, ollamaTagEntry } from './model-catalog';
import { ollamaError, ollamaModelNotFound, ollamaStatusError } from './ollama-errors';
import { ollamaLoadResponse, runOllamaGeneration } from './ollama-generation';
import { countWords, lastUserText, plannedToolCall, promptWordCount, replyFor, thinkingTokens, wantsToolCall } from './reply-text';
import { KEEP_ALIVE_MS, type StandInState } from './state';

type Body = Record<string, unknown>;

function bodyOf(exchange: Exchange): Body {
  const body = exchange.record.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

/** The stored model name for the request's `model` (or legacy `name`); answers 400/404 and returns undefined when missing. */
function requireModel(exchange: Exchange, state: StandInState): string | undefined {
  const body = bodyOf(exchange);
  const requested = body.model ?? body.name;
  if (typeof requested !== 'string' || requested === '') {
    sendJson(exchange.response, 400, ollamaError('model is required'));
    return undefined;
  }
  const found = findOllamaModel(state.ollamaModels, requested);
  if (found === undefined) sendJson(exchange.response, 404, ollamaModelNotFound(requested));
  return found;
}

export function routeOllama(exchange: Exchange, state: StandInState): void {
  const { record, response } = exchange;
  const key = `${record.method} ${record.path}`;
  switch (key) {
    case 'GET /':
    case 'HEAD /':
      sendText(response, 200, 'Ollama is running');
      return;
    case 'GET /api/tags':
      answerMetadata(exchange, ollamaStatusError, () => sendJson(response, 200, { models: state.ollamaModels.map(ollamaTagEntry) }));
      return;
    case 'GET /api/version':
      answerMetadata(exchange, ollamaStatusError, () => sendJson(response, 200, { version: state.ollamaVersion }));
      return;
    case 'GET /api/ps':
      answerMetadata(exchange, ollamaStatusError, () => sendJson(response, 200, { models: runningModels(state) }));
      return;
    case 'POST /api/show':
      answerMetadata(exchange, ollamaStatusError, () => {
        const model = requireModel(exchange, state);
        if (model !== undefined) sendJson(response, 200, ollamaShowBody(model));
      });
      return;
    case 'POST /api/chat':
    case 'POST /api/generate':
      generate(exchange, state, key === 'POST /api/chat' ? 'chat' : 'generate');
      return;
    case 'POST /api/embed':
    case 'POST /api/embeddings':
      embed(exchange, state, key === 'POST /api/embed');
      return;
    default:
      sendText(response, 404, '404 page not found');
  }
}

function runningModels(state: StandInState): Array<Record<string, unknown>> {
  const now = Date.now();
  const running: Array<Record<string, unknown>> = [];
  for (const [name, expiresAt] of state.loadedOllamaModels) {
    if (expiresAt.getTime() > now) running.push(ollamaRunningEntry(name, expiresAt));
  }
  return running;
}

function generate(exchange: Exchange, state: StandInState, kind: 'chat' | 'generate'): void {
  const model = requireModel(exchange, state);
  if (model === undefined) return;
  const body = bodyOf(exchange);
  const requestedName = String(body.model ?? body.name);
  const capabilities = ollamaCapabilities(model);
  if (!capabilities.includes('completion')) {
    sendJson(exchange.response, 400, ollamaError(`"${requestedName}" does not support ${kind}`));
    return;
  }
  const think = body.think;
  const thinks = think !== undefined && think !== false;
  if (thinks && exchange.behavior.thinkingTokenCount === 0 && !capabilities.includes('thinking')) {
    sendJson(exchange.response, 400, ollamaError(`"${requestedName}" does not support thinking`));
    return;
  }
  if (applyPreflightFault(exchange, ollamaStatusError)) return;
  state.loadedOllamaModels.set(model, new Date(Date.now() + KEEP_ALIVE_MS));

  const messages = body.messages;
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  if (kind === 'chat' ? !Array.isArray(messages) || messages.length === 0 : prompt === '') {
    sendJson(exchange.response, 200, ollamaLoadResponse(kind, requestedName));
    return;
  }
  const userText = kind === 'chat' ? lastUserText(messages) : prompt;
  const options = (body.options ?? {}) as { num_predict?: unknown };
  const maxTokens = typeof options.num_predict === 'number' && options.num_predict >= 0 ? options.num_predict : undefined;
  const thinkingCount = think === false ? 0 : exchange.behavior.thinkingTokenCount > 0 ? exchange.behavior.thinkingTokenCount : thinks ? 3 : 0;
  runOllamaGeneration(exchange, {
    kind,
    model: requestedName,
    stream: body.stream !== false,
    thinking: thinkingTokens(thinkingCount),
    reply: replyFor(exchange.behavior, userText, maxTokens),
    toolCall: kind === 'chat' && wantsToolCall(body.tools, userText) ? plannedToolCall(body.tools) : undefined,
    promptTokens: kind === 'chat' ? promptWordCount(messages) : countWords(prompt),
  });
}

function embed(exchange: Exchange, state: StandInState, current: boolean): void {
  const model = requireModel(exchange, state);
  if (model === undefined || applyPreflightFault(exchange, ollamaStatusError)) return;
  state.loadedOllamaModels.set(model, new Date(Date.now() + KEEP_ALIVE_MS));
  const body = bodyOf(exchange);
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? body.dimensions : exchange.behavior.embeddingDimensions;
  const delayMs = exchange.behavior.firstTokenDelayMs;
  if (!current) {
    // Legacy /api/embeddings: one `prompt`, one `embedding`.
    const prompt = typeof body.prompt === 'string' ? body.prompt : '';
    deliverOneShot(exchange, () => ({ embedding: embeddingVector(prompt, dimensions) }), delayMs, ollamaStatusError);
    return;
  }
  const inputs = (Array.isArray(body.input) ? body.input : [body.input ?? '']).map((item) => (typeof item === 'string' ? item : String(item)));
  const started = exchange.startedAtNanoseconds;
  deliverOneShot(
    exchange,
    () => {
      const total = Number(process.hrtime.bigint() - started);
      return {
        model: String(body.model),
        embeddings: inputs.map((text) => embeddingVector(text, dimensions)),
        total_duration: total,
        load_duration: Math.floor(total / 4),
        prompt_eval_count: inputs.reduce((sum, text) => sum + countWords(text), 0),
      };
    },
    delayMs,
    ollamaStatusError,
  );
}
