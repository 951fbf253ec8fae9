/**
 * POST /api/chat and POST /api/generate: NDJSON chunks (`message.content` / `response`, with
 * `thinking` first when the model thinks, `message.tool_calls` for a tool call), then the final
 * `done: true` object with `done_reason` and the timing fields in nanoseconds; or one object with
 * `stream: false`. The shapes follow test/support/transcripts/ollama-*.
 */
import type { Exchange } from './exchange';
import { deliverOneShot } from './faults';
import { NDJSON_CONTENT_TYPE, ndjsonLine } from './framing';
import { ollamaStatusError } from './ollama-errors';
import { stampToken, type PlannedToolCall, type Reply } from './reply-text';
import { streamTokens } from './token-stream';

export interface OllamaGeneration {
  kind: 'chat' | 'generate';
  /** The model name as the request gave it (Ollama echoes it unchanged). */
  model: string;
  stream: boolean;
  thinking: string[];
  reply: Reply;
  toolCall: PlannedToolCall | undefined;
  promptTokens: number;
}

interface Timings {
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

export function runOllamaGeneration(exchange: Exchange, generation: OllamaGeneration): void {
  const { behavior } = exchange;
  const { kind, model, thinking, reply, toolCall, promptTokens } = generation;
  const answerTokenCount = toolCall !== undefined ? 1 : reply.tokens.length;
  const tokenCount = thinking.length + answerTokenCount;
  const doneReason = toolCall !== undefined ? 'stop' : reply.finishReason;
  let firstTokenAt: bigint | undefined;

  const timings = (evalCount: number): Timings => {
    const now = process.hrtime.bigint();
    const total = Number(now - exchange.startedAtNanoseconds);
    const evalDuration = firstTokenAt === undefined ? 0 : Number(now - firstTokenAt);
    const beforeFirstToken = total - evalDuration;
    const load = Math.floor(beforeFirstToken / 4);
    return {
      total_duration: total,
      load_duration: load,
      prompt_eval_count: promptTokens,
      prompt_eval_duration: beforeFirstToken - load,
      eval_count: evalCount,
      eval_duration: evalDuration,
    };
  };
  const toolCallsJson = (): string =>
    toolCall === undefined ? '[]' : JSON.stringify([{ function: { name: toolCall.name, arguments: toolCall.arguments } }]);

  if (!generation.stream) {
    const delayMs = behavior.firstTokenDelayMs + behavior.tokenDelayMs * Math.max(0, tokenCount - 1);
    firstTokenAt = process.hrtime.bigint() + BigInt(Math.round(behavior.firstTokenDelayMs * 1e6));
    deliverOneShot(
      exchange,
      () => {
        const content = toolCall === undefined ? reply.tokens.join('') : '';
        const head = { model, created_at: new Date().toISOString() };
        if (kind === 'generate') {
          const thought = thinking.length > 0 ? { thinking: thinking.join('') } : {};
          return { ...head, response: content, ...thought, done: true, done_reason: doneReason, context: [1, 2, 3], ...timings(tokenCount) };
        }
        const message: Record<string, unknown> = { role: 'assistant', content };
        if (thinking.length > 0) message.thinking = thinking.join('');
        if (toolCall !== undefined) message.tool_calls = JSON.parse(toolCallsJson()) as unknown;
        return { ...head, message, done_reason: doneReason, done: true, ...timings(tokenCount) };
      },
      delayMs,
      ollamaStatusError,
    );
    return;
  }

  // Built by hand from a shared prefix: one string per token, no per-token objects.
  const head = `{"model":${JSON.stringify(model)},"created_at":"`;
  const chunk = (payload: string): string => ndjsonLine(`${head}${new Date().toISOString()}",${payload},"done":false}`);
  const tokenFrame = (index: number): string => {
    if (index === 0) firstTokenAt = process.hrtime.bigint();
    const thought = thinking[index];
    if (thought !== undefined) {
      const encoded = JSON.stringify(thought);
      return chunk(kind === 'chat' ? `"message":{"role":"assistant","content":"","thinking":${encoded}}` : `"response":"","thinking":${encoded}`);
    }
    if (toolCall !== undefined) return chunk(`"message":{"role":"assistant","content":"","tool_calls":${toolCallsJson()}}`);
    const token = reply.tokens[index - thinking.length] ?? '';
    const encoded = JSON.stringify(behavior.stampTokens ? stampToken(token) : token);
    return chunk(kind === 'chat' ? `"message":{"role":"assistant","content":${encoded}}` : `"response":${encoded}`);
  };

  streamTokens(exchange, {
    contentType: NDJSON_CONTENT_TYPE,
    opening: () => [],
    tokenCount,
    tokenFrame,
    malformedFrame: () => ndjsonLine(`${head}${new Date().toISOString()}","message":{"role":"assistant","content":"malformed`),
    errorFrame: () => ndjsonLine(JSON.stringify(ollamaStatusError(500))),
    closing: () => {
      const head = { model, created_at: new Date().toISOString() };
      const final =
        kind === 'chat'
          ? { ...head, message: { role: 'assistant', content: '' }, done_reason: doneReason, done: true, ...timings(exchange.tokensSent) }
          : { ...head, response: '', done: true, done_reason: doneReason, context: [1, 2, 3], ...timings(exchange.tokensSent) };
      return [ndjsonLine(JSON.stringify(final))];
    },
  });
}

/** Ollama's answer to a request without messages / prompt: the model is loaded, nothing generated. */
export function ollamaLoadResponse(kind: 'chat' | 'generate', model: string): Record<string, unknown> {
  const head = { model, created_at: new Date().toISOString() };
  return kind === 'chat'
    ? { ...head, message: { role: 'assistant', content: '' }, done_reason: 'load', done: true }
    : { ...head, response: '', done: true, done_reason: 'load' };
}
